"""Numba kernels for the RRR iteration (docs/method.md §3–5), fused for memory traffic.

One iteration makes two sweeps over the items' replicas plus two small ones:

1. per item (parallel over item chunks): P_A of every block, the reflection 2A − z, the value
   concur of P_B, the x and y updates and their gap parts; the g-weighted reflected weights are
   summed per chunk in item order (no strided per-edge loops, method.md §9);
2. the consensus weights w̄ from the chunk sums (in chunk order, so the result does not depend on
   the thread count), normalised per node;
3. per item: the w update and the w part of the gap;
4. per item: the γ metric update, once the mean block gap is known.

Per edge·item, sweep 1 reads w and x and writes x and A's weights wA; sweep 3 reads wA and w and
writes w (wA is needed after w̄ exists): 7 streams of 8 bytes, 56 bytes per edge·item·iteration
in float64. Within an item the replica (one row of each array) stays in cache between the
loops. ``reference.py`` is the plain version of the same iteration, used by the tests.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

NEWTON_STEPS = 50
NEWTON_TOL = 1e-12
CONVERGED = 2e-14
"""A Newton step d ends the solve once its predicted error |G''| d² / (2 G') is below
CONVERGED / 2: quadratic convergence makes the reference's next step about that small, so it
stops one step (one division) earlier at an error 100 times below NEWTON_TOL."""
FAST = {"reassoc", "contract"}
"""Float flags of the streaming loops: reassociation lets LLVM vectorise the per-node sums; the
root solver keeps strict IEEE arithmetic for its bracketing."""


@njit(cache=True)
def surface_root(p, q, c):
    """Root u ∈ (−1, 1) of F(u) = [p(1+u²) + q u]/(1−u²)² − c: the iteration of
    reference.surface_root with the CONVERGED stopping rule, and a Halley first step from u = 0
    (G = p − c, G' = q, G'' = 2p + 4c there): it starts the Newton steps closer to the root,
    27% fewer steps in all on the blocks of a 32×6-layer run."""
    g = p - c
    if g == 0.0:
        return 0.0
    if g > 0.0:
        lo, hi = -1.0, 0.0
    else:
        lo, hi = 0.0, 1.0
    den = 2.0 * q * q - g * (2.0 * p + 4.0 * c)
    if q <= 0.0:
        u = lo - 1.0
    else:
        u = -2.0 * g * q / den if den > 0.0 else -g / q
    if not lo <= u <= hi or u * u >= 1.0:
        u = 0.5 * (lo + hi)
    if abs(u) < NEWTON_TOL:
        return u
    for _ in range(NEWTON_STEPS - 1):
        s = 1.0 - u * u
        g = p * (1.0 + u * u) + q * u - c * s * s
        if g == 0.0:
            break
        if g > 0.0:
            hi = u
        else:
            lo = u
        slope = 2.0 * p * u + q + 4.0 * c * u * s
        if slope > 0.0:
            d = g / slope
            new = u - d
            if lo <= new <= hi and new * new < 1.0:  # landing on a root found is fine
                curv = abs(2.0 * p + 4.0 * c * (1.0 - 3.0 * u * u))
                if curv * d * d < CONVERGED * slope or abs(d) < NEWTON_TOL:
                    return new
                u = new
                continue
        new = 0.5 * (lo + hi)
        step = new - u
        u = new
        if abs(step) < NEWTON_TOL:
            break
    return u


@njit(cache=True)
def surface_dist2(u, p, q):
    """|w' − w|² + |x' − x|² for the surface point of parameter u: since w' − w = u x' and
    x' − x = u w', it is u² (|w'|² + |x'|²) = u² [q (1 + u²) + 4 u p] / (1 − u²)²."""
    s = 1.0 - u * u
    return u * u * (q * (1.0 + u * u) + 4.0 * u * p) / (s * s)


@njit(cache=True, fastmath=FAST, inline="always")
def project_block(w, x, yv, delta, wa, xa):
    """P_A of one BTF block: ``w``, ``x`` (its in-edge rows) and value ``yv``; writes the
    projection into ``wa``, ``xa`` and returns the projected value ±1.

    Loops run over 0-based ranges of 1-D slices, which lets LLVM drop the negative-index
    checks and vectorise them (about twice as fast as indexing ``w[i, e]``)."""
    m = len(w)
    p = 0.0
    q = 0.0
    for k in range(m):
        p += w[k] * x[k]
        q += w[k] * w[k] + x[k] * x[k]
    u = 0.0
    if yv * p > 0.0:
        ya = 1.0 if yv > 0.0 else -1.0
        if abs(p) < delta:
            u = surface_root(p, q, ya * delta)
    else:
        # Disagreement: the cheaper of y = ±1. Each cost is at least its (1 ∓ y)² term, so the
        # side y leans to is solved first and the other only when it could still be cheaper
        # (ties go to −1, as in the reference).
        cost_p = (1.0 - yv) * (1.0 - yv)
        cost_m = (1.0 + yv) * (1.0 + yv)
        u_p = 0.0
        u_m = 0.0
        if yv > 0.0:
            if p < delta:
                u_p = surface_root(p, q, delta)
                cost_p += surface_dist2(u_p, p, q)
            if cost_p >= cost_m and p > -delta:
                u_m = surface_root(p, q, -delta)
                cost_m += surface_dist2(u_m, p, q)
        else:
            if p > -delta:
                u_m = surface_root(p, q, -delta)
                cost_m += surface_dist2(u_m, p, q)
            if cost_m > cost_p and p < delta:
                u_p = surface_root(p, q, delta)
                cost_p += surface_dist2(u_p, p, q)
        if cost_p < cost_m:
            ya = 1.0
            u = u_p
        else:
            ya = -1.0
            u = u_m
    if u == 0.0:
        for k in range(m):  # an explicit loop: slice assignment checks overlap, slower
            wa[k] = w[k]
            xa[k] = x[k]
    else:
        inv = 1.0 / (1.0 - u * u)
        for k in range(m):
            wa[k] = (w[k] + u * x[k]) * inv
            xa[k] = (x[k] + u * w[k]) * inv
    return ya


@njit(cache=True, fastmath=FAST)
def sweep_a_concur(
    c, lo, hi, src, in_ptr, delta, n_in, n_out, input_code, data, targets,
    w, x, y, g, wa, blocks, beta, xa_s, ya_s, num_s, den_s, wsum, gsum, parts,
):  # fmt: skip
    """Sweep 1 over the items lo..hi−1 of chunk c (see the module docstring)."""
    n_nodes = y.shape[1]
    first_btf = n_in + 1
    first_out = n_nodes - n_out
    xa = xa_s[c]
    ya = ya_s[c]
    num = num_s[c]
    den = den_s[c]
    ws = wsum[c]
    gs = gsum[c]
    ws[:] = 0.0
    gs[:] = 0.0
    sx = 0.0
    sy = 0.0
    for i in range(lo, hi):
        # -- P_A: bias, inputs, BTF blocks
        ya[0] = -1.0
        if input_code == 0:
            for k in range(n_in):
                ya[1 + k] = data[i, k]
        elif input_code == 1:
            for k in range(1, first_btf):
                ya[k] = 1.0 if y[i, k] > 0.0 else -1.0
        else:
            best = 1
            for k in range(1, first_btf):
                ya[k] = -1.0
                if y[i, k] > y[i, best]:
                    best = k
            ya[best] = 1.0
        wi = w[i]
        xi = x[i]
        wai = wa[i]
        for n in range(first_btf, n_nodes):
            a = in_ptr[n]
            b = in_ptr[n + 1]
            ya[n] = project_block(wi[a:b], xi[a:b], y[i, n], delta[n], wai[a:b], xa[a:b])
        # -- P_B on the reflection: values concur along edges, weights summed per chunk
        for n in range(n_nodes):
            gn = g[i, n]
            num[n] = gn * (2.0 * ya[n] - y[i, n])
            den[n] = gn
        for n in range(first_btf, n_nodes):
            gn = g[i, n]
            gs[n] += gn
            a = in_ptr[n]
            b = in_ptr[n + 1]
            wr, war, xr, xar, sr, wsr = wi[a:b], wai[a:b], xi[a:b], xa[a:b], src[a:b], ws[a:b]
            for k in range(b - a):
                wsr[k] += gn * (2.0 * war[k] - wr[k])
            for k in range(b - a):
                num[sr[k]] += gn * (2.0 * xar[k] - xr[k])
                den[sr[k]] += gn
        for n in range(first_out):
            num[n] = num[n] / den[n]  # num now holds y_B
        for k in range(n_out):
            num[first_out + k] = targets[i, k]
        # -- updates z += β (B − A) for y and x, and their gap parts
        for n in range(n_nodes):
            dy = num[n] - ya[n]
            y[i, n] += beta * dy
            if n >= first_btf:
                a = in_ptr[n]
                b = in_ptr[n + 1]
                xr, xar, sr = xi[a:b], xa[a:b], src[a:b]
                acc = 0.0
                for k in range(b - a):
                    d = num[sr[k]] - xar[k]
                    xr[k] += beta * d
                    acc += d * d
                blocks[i, n] = dy * dy + acc
                sy += dy * dy
                sx += acc
    parts[c, 0] = sx
    parts[c, 1] = sy


@njit(cache=True)
def consensus(dst, in_ptr, m, first_btf, wsum, gsum, wbar):
    """w̄_e = Σ_i g w / Σ_i g from the chunk sums (in chunk order), then w̄·w̄ = m per node."""
    chunks = wsum.shape[0]
    n_nodes = len(m)
    total_g = np.zeros(n_nodes)
    for c in range(chunks):
        for n in range(first_btf, n_nodes):
            total_g[n] += gsum[c, n]
    for e in range(len(wbar)):
        acc = 0.0
        for c in range(chunks):
            acc += wsum[c, e]
        wbar[e] = acc / total_g[dst[e]]
    for n in range(first_btf, n_nodes):
        norm2 = 0.0
        for e in range(in_ptr[n], in_ptr[n + 1]):
            norm2 += wbar[e] * wbar[e]
        if norm2 > 0.0:
            scale = np.sqrt(m[n] / norm2)
            for e in range(in_ptr[n], in_ptr[n + 1]):
                wbar[e] *= scale


@njit(cache=True, fastmath=FAST)
def sweep_w(c, lo, hi, in_ptr, first_btf, w, wa, wbar, blocks, beta, parts):
    """Sweep 3: w += β (w̄ − wA) per item, the w part of the gap, the chunk's total block gap."""
    n_nodes = blocks.shape[1]
    sw = 0.0
    total = 0.0
    for i in range(lo, hi):
        for n in range(first_btf, n_nodes):
            a = in_ptr[n]
            b = in_ptr[n + 1]
            wr, war, wbr = w[i, a:b], wa[i, a:b], wbar[a:b]
            acc = 0.0
            for k in range(b - a):
                d = wbr[k] - war[k]
                wr[k] += beta * d
                acc += d * d
            blocks[i, n] += acc
            sw += acc
            total += blocks[i, n]
    parts[c, 2] = sw
    parts[c, 3] = total


@njit(cache=True, fastmath=FAST)
def sweep_metric(lo, hi, first_btf, g, blocks, gamma, mean):
    """Sweep 4: g ← g + γ (G / mean(G) − g) on the BTF blocks of items lo..hi−1."""
    for i in range(lo, hi):
        for n in range(first_btf, g.shape[1]):
            g[i, n] += gamma * (blocks[i, n] / mean - g[i, n])


@njit(cache=True, parallel=True)
def iterate(
    src, dst, in_ptr, m, delta, n_in, n_out, input_code, data, targets, chunks,
    w, x, y, g, wa, blocks, wbar, beta, gamma, n_iter, gap_stop, min_gap, history, parallel,
):  # fmt: skip
    """Run up to ``n_iter`` RRR iterations in place; stop once the running minimum gap falls
    below ``gap_stop``. Row t of ``history`` gets (gap, w, x, y parts) of iteration t. Returns
    the number of iterations done. ``parallel`` = False runs the chunks on the calling thread
    (small problems, where waking threads costs more than the work)."""
    n_chunks = len(chunks) - 1
    n_nodes = y.shape[1]
    n_edges = w.shape[1]
    n_items = w.shape[0]
    first_btf = n_in + 1
    n_btf = n_nodes - first_btf
    xa_s = np.empty((n_chunks, n_edges))
    ya_s = np.empty((n_chunks, n_nodes))
    num_s = np.empty((n_chunks, n_nodes))
    den_s = np.empty((n_chunks, n_nodes))
    wsum = np.empty((n_chunks, n_edges))
    gsum = np.empty((n_chunks, n_nodes))
    parts = np.zeros((n_chunks, 4))
    # Each sweep is written twice: numba parallelises only a literal prange loop, and small
    # problems must not wake the thread pool three times per iteration.
    for t in range(n_iter):
        if parallel:
            for c in prange(n_chunks):
                sweep_a_concur(
                    c, chunks[c], chunks[c + 1], src, in_ptr, delta, n_in, n_out, input_code,
                    data, targets, w, x, y, g, wa, blocks, beta,
                    xa_s, ya_s, num_s, den_s, wsum, gsum, parts,
                )  # fmt: skip
        else:
            for c in range(n_chunks):
                sweep_a_concur(
                    c, chunks[c], chunks[c + 1], src, in_ptr, delta, n_in, n_out, input_code,
                    data, targets, w, x, y, g, wa, blocks, beta,
                    xa_s, ya_s, num_s, den_s, wsum, gsum, parts,
                )  # fmt: skip
        consensus(dst, in_ptr, m, first_btf, wsum, gsum, wbar)
        if parallel:
            for c in prange(n_chunks):
                sweep_w(
                    c, chunks[c], chunks[c + 1], in_ptr, first_btf, w, wa, wbar, blocks, beta, parts
                )
        else:
            for c in range(n_chunks):
                sweep_w(
                    c, chunks[c], chunks[c + 1], in_ptr, first_btf, w, wa, wbar, blocks, beta, parts
                )
        sx = 0.0
        sy = 0.0
        sw = 0.0
        total = 0.0
        for c in range(n_chunks):
            sx += parts[c, 0]
            sy += parts[c, 1]
            sw += parts[c, 2]
            total += parts[c, 3]
        mean = total / (n_items * n_btf)
        if mean > 0.0:
            if parallel:
                for c in prange(n_chunks):
                    sweep_metric(chunks[c], chunks[c + 1], first_btf, g, blocks, gamma, mean)
            else:
                for c in range(n_chunks):
                    sweep_metric(chunks[c], chunks[c + 1], first_btf, g, blocks, gamma, mean)
        gap = np.sqrt(mean)
        history[t, 0] = gap
        history[t, 1] = np.sqrt(sw / (n_items * n_edges))
        history[t, 2] = np.sqrt(sx / (n_items * n_edges))
        history[t, 3] = np.sqrt(sy / (n_items * n_btf))
        if gap < min_gap:
            min_gap = gap
        if min_gap < gap_stop:
            return t + 1
    return n_iter
