"""Numba kernels for the RRR iteration (docs/method.md §3–5): the items are the SIMD lanes.

The state is stored as chunk tiles (``w[c, e, k]``: chunk c, edge e, k-th item of the chunk;
layout.py), so every per-edge and per-node operation of divide and concur is a loop over a
chunk's items: the same arithmetic on a contiguous row, which LLVM vectorises, and a chunk is
one contiguous stream. (Item-major replicas, looping over each block's ~30 edges, spent most of
their time in per-loop overheads and scalar scatters.) One iteration is:

1. per chunk (in parallel): P_A of every block, node by node, for all the chunk's items at once
   (the surface roots of all items solved together, so their Newton steps overlap); the
   reflection 2A − z; the value concur of P_B (each edge's row added to its source's row); the
   y update; and the g-weighted reflected weights summed per chunk;
2. the consensus weights w̄ from the chunk sums (in chunk order, so the result does not depend on
   the thread count), normalised per node;
3. per chunk: A's weights and values again from the stored roots u, then the w and x updates
   and their gap parts;
4. per chunk: the γ metric update, once the mean block gap is known.

Sweep 1 reads w and x; sweep 3 reads and writes them: 48 bytes per edge·item·iteration in
float64; A's weights are recomputed, not stored. (Pipelining sweep 3 of one iteration with
sweep 1 of the next would cut that to 32 bytes, but the metric update between them then needs
every P_B sum twice, weighted by g and by the gaps; measured, that was slower.)
``reference.py`` is the plain version of the same iteration, used by the tests.
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
STREAM_BYTES = 48
"""Bytes per edge·item·iteration the sweeps move to and from memory: float64 w and x, read by
sweep 1, read and written by sweep 3 (everything else is per node or stays in cache)."""
LANES = 8
"""Partial sums of :func:`row_sum`. Every kernel keeps strict IEEE arithmetic (no fastmath:
no reassociation, no fused multiply-add), so a result is fixed by the source alone. With
reassociation allowed, the serial and the threaded copies of a sweep, compiled separately,
vectorised their sums over items differently on AVX-512 machines and differed by 1e-14, so a
seed's run depended on the thread count. Sums over items go through row_sum instead: its
LANES partial sums vectorise without reassociation, in an order the code fixes."""


@njit(cache=True, error_model="numpy")
def solve_roots(count, jp, jq, jc, ju, jlo, jhi, done):
    """``ju[j]`` = the root u ∈ (−1, 1) of F(u) = [p(1+u²) + q u]/(1−u²)² = c for the jobs
    (p, q, c) = (``jp[j]``, ``jq[j]``, ``jc[j]``), j < count: reference.surface_root's iteration
    with a Halley first step and an earlier stop, all jobs side by side.

    * Start: the bracket is the reference's; the first step is a Halley step from u = 0
      (G = p − c, G' = q, G'' = 2p + 4c there), which starts the Newton steps closer to the
      root (27% fewer steps in all on the blocks of a 32×6-layer run).
    * Steps: safeguarded Newton on G(u) = F(u)(1−u²)²; a step that leaves the bracket bisects.
    * Stop: once a Newton step d predicts an error |G''| d² / (2 G') below CONVERGED / 2.

    Every round steps all jobs with selects instead of branches (a finished job keeps its
    values; ``done`` holds the flags), so LLVM runs the jobs in SIMD lanes; each job takes the
    steps it would take alone (to rounding: vector and scalar code may fuse multiply-adds
    differently). Jobs whose flag is set on entry are skipped and get u = 0. Divisions that a
    finished or bisecting lane does not use may give inf or NaN (error_model="numpy": no
    exception checks)."""
    for j in range(count):
        p = jp[j]
        q = jq[j]
        c = jc[j]
        g = p - c
        lo = -1.0 if g > 0.0 else 0.0
        hi = 0.0 if g > 0.0 else 1.0
        den = 2.0 * q * q - g * (2.0 * p + 4.0 * c)
        halley = -2.0 * g * q / den
        u = (halley if den > 0.0 else -g / q) if q > 0.0 else lo - 1.0
        u = u if lo <= u and u <= hi and u * u < 1.0 else 0.5 * (lo + hi)
        skip = done[j] != 0
        ju[j] = 0.0 if skip or g == 0.0 else u
        jlo[j] = lo
        jhi[j] = hi
        done[j] = 1 if skip or g == 0.0 or abs(u) < NEWTON_TOL else 0
    for _ in range(NEWTON_STEPS - 1):
        left = 0
        for j in range(count):
            p = jp[j]
            q = jq[j]
            c = jc[j]
            u = ju[j]
            s = 1.0 - u * u
            g = p * (1.0 + u * u) + q * u - c * s * s
            lo = jlo[j] if g > 0.0 else u
            hi = u if g > 0.0 else jhi[j]
            slope = 2.0 * p * u + q + 4.0 * c * u * s
            d = g / slope
            new = u - d
            newton = slope > 0.0 and lo <= new and new <= hi and new * new < 1.0
            curv = abs(2.0 * p + 4.0 * c * (1.0 - 3.0 * u * u))
            converged = curv * d * d < CONVERGED * slope or abs(d) < NEWTON_TOL
            mid = 0.5 * (lo + hi)
            stop = g == 0.0 or (converged if newton else abs(mid - u) < NEWTON_TOL)
            step = u if g == 0.0 else (new if newton else mid)
            was = done[j] != 0
            ju[j] = u if was else step
            jlo[j] = jlo[j] if was else lo
            jhi[j] = jhi[j] if was else hi
            done[j] = 1 if was or stop else 0
            left += 0 if was or stop else 1
        if left == 0:
            break


@njit(cache=True)
def surface_root(p, q, c):
    """The root of one job of :func:`solve_roots`."""
    u = np.zeros(1)
    solve_roots(1, np.array([p]), np.array([q]), np.array([c]), u, np.zeros(1), np.zeros(1),
                np.zeros(1, dtype=np.int64))  # fmt: skip
    return u[0]


@njit(cache=True, error_model="numpy")
def surface_dist2(u, p, q):
    """|w' − w|² + |x' − x|² for the surface point of parameter u: since w' − w = u x' and
    x' − x = u w', it is u² (|w'|² + |x'|²) = u² [q (1 + u²) + 4 u p] / (1 − u²)²."""
    s = 1.0 - u * u
    return u * u * (q * (1.0 + u * u) + 4.0 * u * p) / (s * s)


@njit(cache=True)
def row_sum(v, n):
    """Σ v[:n] in a fixed order: LANES interleaved partial sums, then a fixed tree over them.
    The partial sums are independent, so LLVM runs them as one vector without reassociating."""
    s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = 0.0
    whole = n - n % LANES
    for k in range(0, whole, LANES):
        s0 += v[k]
        s1 += v[k + 1]
        s2 += v[k + 2]
        s3 += v[k + 3]
        s4 += v[k + 4]
        s5 += v[k + 5]
        s6 += v[k + 6]
        s7 += v[k + 7]
    for k in range(whole, n):
        s0 += v[k]
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))


SCRATCH_ROWS = 15
"""Rows of the per-chunk float scratch (each one value per item of the chunk): P_A's p = w·x,
q = |w|² + |x|²; the level c and root u of the first and the second surface solved, the root
solver's bracket, the costs of the side y leans to and of the other; 1/(1 − u²); a per-item
gap accumulator; an edge's terms of the weight concur; the per-item w and x gap parts."""
P, Q, C1, U1, C2, U2, LO, HI, COST_LEAN, COST_OTHER, INV, ACC, TERM, GW, GX = range(SCRATCH_ROWS)


@njit(cache=True, error_model="numpy")
def project_items(count, yv, delta, ya, u, fs, done):
    """P_A of one BTF block on ``count`` items, given p = w·x and q = |w|² + |x|² per item in
    ``fs[P]`` and ``fs[Q]`` and the block's values ``yv``: item k projects to value ``ya[k]`` = ±1
    and weights (w + u x, x + u w)/(1 − u²) with ``u[k]`` (0 when the margin already holds).

    Every item first solves (when its margin does not hold) the side its value leans to: the
    sign of y, which for an item that agrees with the sign of w·x is the answer. A disagreeing
    item needs the cheaper of y = ±1; each cost is at least its (1 ∓ y)² term, so the other side
    is solved only when it could still be cheaper (ties go to −1, as in the reference). Both
    rounds solve all items' roots together (solve_roots); the loops use selects, not branches,
    so that they vectorise. ``fs`` is float scratch (SCRATCH_ROWS × count), ``done`` int
    scratch (count)."""
    pr, qr = fs[P], fs[Q]
    for k in range(count):
        lean = 1.0 if yv[k] > 0.0 else -1.0
        fs[C1, k] = lean * delta
        done[k] = 0 if lean * pr[k] < delta else 1
    solve_roots(count, pr, qr, fs[C1], fs[U1], fs[LO], fs[HI], done)
    second = 0
    for k in range(count):
        p = pr[k]
        y = yv[k]
        lean = 1.0 if y > 0.0 else -1.0
        cost = (1.0 - lean * y) * (1.0 - lean * y) + surface_dist2(fs[U1, k], p, qr[k])
        other = (1.0 + lean * y) * (1.0 + lean * y)
        could = cost >= other if y > 0.0 else cost > other
        need = y * p <= 0.0 and could and -lean * p < delta
        fs[COST_LEAN, k] = cost
        fs[COST_OTHER, k] = other
        fs[C2, k] = -lean * delta
        done[k] = 0 if need else 1
        second += 1 if need else 0
    if second:
        solve_roots(count, pr, qr, fs[C2], fs[U2], fs[LO], fs[HI], done)
    else:
        for k in range(count):
            fs[U2, k] = 0.0
    for k in range(count):
        y = yv[k]
        lean = 1.0 if y > 0.0 else -1.0
        other = fs[COST_OTHER, k] + surface_dist2(fs[U2, k], pr[k], qr[k])
        cost = fs[COST_LEAN, k]
        keep = y * pr[k] > 0.0 or (cost < other if y > 0.0 else not other < cost)
        ya[k] = lean if keep else -lean
        u[k] = fs[U1, k] if keep else fs[U2, k]


@njit(cache=True)
def sweep_a_concur(
    c, lo, hi, src, in_ptr, delta, n_in, n_out, input_code, data, targets,
    w, x, y, g, u, yb, blocks, beta, ya_s, num_s, den_s, fs_s, done_s, wsum, gsum, parts,
):  # fmt: skip
    """Sweep 1 over the items lo..hi−1 of chunk c (see the module docstring). Nodes are in
    topological order (src < dst), so a node's own concur term is set before any out-edge of a
    later block adds to it."""
    n_nodes = y.shape[1]
    first_btf = n_in + 1
    first_out = n_nodes - n_out
    count = hi - lo
    wc, xc, yc, gc, uc, ybc, bc = w[c], x[c], y[c], g[c], u[c], yb[c], blocks[c]
    ya = ya_s[c]
    num = num_s[c]
    den = den_s[c]
    fs = fs_s[c]
    done = done_s[c]
    ws = wsum[c]
    gs = gsum[c]
    pr, qr, inv, term = fs[P], fs[Q], fs[INV], fs[TERM]
    # -- P_A of the bias and the inputs, and their own concur terms
    for k in range(count):
        ya[0, k] = -1.0
    if input_code == 0:
        for j in range(n_in):
            for k in range(count):
                ya[1 + j, k] = data[lo + k, j]
    elif input_code == 1:
        for j in range(1, first_btf):
            for k in range(count):
                ya[j, k] = 1.0 if yc[j, k] > 0.0 else -1.0
    else:
        for k in range(count):
            best = 1
            for j in range(1, first_btf):
                ya[j, k] = -1.0
                if yc[j, k] > yc[best, k]:
                    best = j
            ya[best, k] = 1.0
    for n in range(first_btf):
        gr, yr, yar, nr, dr = gc[n, :count], yc[n, :count], ya[n], num[n], den[n]
        for k in range(count):
            nr[k] = gr[k] * (2.0 * yar[k] - yr[k])
            dr[k] = gr[k]
    # -- per BTF block: P_A on all items, its own term, and its edges' reflections concurred
    for n in range(first_btf, n_nodes):
        a = in_ptr[n]
        b = in_ptr[n + 1]
        for k in range(count):
            pr[k] = 0.0
            qr[k] = 0.0
        for e in range(a, b):
            wr, xr = wc[e, :count], xc[e, :count]
            for k in range(count):
                pr[k] += wr[k] * xr[k]
                qr[k] += wr[k] * wr[k] + xr[k] * xr[k]
        ur, yar, gr, yr, nr, dr = uc[n, :count], ya[n], gc[n, :count], yc[n, :count], num[n], den[n]
        project_items(count, yr, delta[n], yar, ur, fs, done)
        for k in range(count):
            nr[k] = gr[k] * (2.0 * yar[k] - yr[k])
            dr[k] = gr[k]
            inv[k] = 1.0 / (1.0 - ur[k] * ur[k])
        gs[n] = row_sum(gr, count)
        for e in range(a, b):
            wr, xr, ns, ds = wc[e, :count], xc[e, :count], num[src[e]], den[src[e]]
            for k in range(count):
                wk = (wr[k] + ur[k] * xr[k]) * inv[k]
                xk = (xr[k] + ur[k] * wr[k]) * inv[k]
                term[k] = gr[k] * (2.0 * wk - wr[k])
                ns[k] += gr[k] * (2.0 * xk - xr[k])
            for k in range(count):
                ds[k] += gr[k]
            ws[e] = row_sum(term, count)
    # -- P_B's values, the y update and its gap part
    sy = 0.0
    for n in range(n_nodes):
        ybr, yr, yar = ybc[n, :count], yc[n, :count], ya[n]
        if n < first_out:
            nr, dr = num[n], den[n]
            for k in range(count):
                ybr[k] = nr[k] / dr[k]
        else:
            for k in range(count):
                ybr[k] = targets[lo + k, n - first_out]
        if n < first_btf:
            for k in range(count):
                yr[k] += beta * (ybr[k] - yar[k])
        else:
            br = bc[n, :count]
            for k in range(count):
                dy = ybr[k] - yar[k]
                yr[k] += beta * dy
                br[k] = dy * dy
            sy += row_sum(br, count)
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


@njit(cache=True)
def sweep_update(c, lo, hi, src, in_ptr, first_btf, w, x, u, yb, wbar, blocks, beta, fs_s, parts):
    """Sweep 3: A's weights again from the roots u, then w += β (w̄ − wA) and
    x += β (y_B[src] − xA), their gap parts, and the chunk's total block gap."""
    n_nodes = blocks.shape[1]
    count = hi - lo
    wc, xc, uc, ybc, bc = w[c], x[c], u[c], yb[c], blocks[c]
    fs = fs_s[c]
    inv, acc, gw, gx = fs[INV], fs[ACC], fs[GW], fs[GX]
    for k in range(count):
        gw[k] = 0.0
        gx[k] = 0.0
    total = 0.0
    for n in range(first_btf, n_nodes):
        ur = uc[n, :count]
        for k in range(count):
            inv[k] = 1.0 / (1.0 - ur[k] * ur[k])
            acc[k] = 0.0
        for e in range(in_ptr[n], in_ptr[n + 1]):
            wr, xr, ybr = wc[e, :count], xc[e, :count], ybc[src[e], :count]
            wb = wbar[e]
            for k in range(count):
                wk = (wr[k] + ur[k] * xr[k]) * inv[k]
                xk = (xr[k] + ur[k] * wr[k]) * inv[k]
                dw = wb - wk
                dx = ybr[k] - xk
                wr[k] += beta * dw
                xr[k] += beta * dx
                gw[k] += dw * dw
                gx[k] += dx * dx
                acc[k] += dw * dw + dx * dx
        br = bc[n, :count]
        for k in range(count):
            br[k] += acc[k]
        total += row_sum(br, count)
    parts[c, 0] = row_sum(gx, count)
    parts[c, 2] = row_sum(gw, count)
    parts[c, 3] = total


@njit(cache=True)
def sweep_metric(c, count, first_btf, g, blocks, gamma, mean):
    """Sweep 4: g ← g + γ (G / mean(G) − g) on the BTF blocks of chunk c's ``count`` items."""
    for n in range(first_btf, g.shape[1]):
        gr, br = g[c, n, :count], blocks[c, n, :count]
        for k in range(count):
            gr[k] += gamma * (br[k] / mean - gr[k])


@njit(cache=True, parallel=True)
def iterate(
    src, dst, in_ptr, m, delta, n_in, n_out, input_code, data, targets, chunks,
    w, x, y, g, u, yb, blocks, wbar, beta, gamma, n_iter, gap_stop, min_gap, history, parallel,
):  # fmt: skip
    """Run up to ``n_iter`` RRR iterations in place; stop once the running minimum gap falls
    below ``gap_stop``. Row t of ``history`` gets (gap, w, x, y parts) of iteration t. Returns
    the number of iterations done. ``parallel`` = False runs the chunks on the calling thread
    (small problems, where waking threads costs more than the work)."""
    n_chunks, n_edges, width = w.shape
    n_nodes = y.shape[1]
    n_items = chunks[-1]
    first_btf = n_in + 1
    n_btf = n_nodes - first_btf
    ya_s = np.empty((n_chunks, n_nodes, width))
    num_s = np.empty((n_chunks, n_nodes, width))
    den_s = np.empty((n_chunks, n_nodes, width))
    fs_s = np.empty((n_chunks, SCRATCH_ROWS, width))
    done_s = np.empty((n_chunks, width), dtype=np.int64)
    wsum = np.empty((n_chunks, n_edges))
    gsum = np.zeros((n_chunks, n_nodes))
    parts = np.zeros((n_chunks, 4))
    # Each sweep is written twice: numba parallelises only a literal prange loop, and small
    # problems must not wake the thread pool three times per iteration.
    for t in range(n_iter):
        if parallel:
            for c in prange(n_chunks):
                sweep_a_concur(
                    c, chunks[c], chunks[c + 1], src, in_ptr, delta, n_in, n_out, input_code,
                    data, targets, w, x, y, g, u, yb, blocks, beta,
                    ya_s, num_s, den_s, fs_s, done_s, wsum, gsum, parts,
                )  # fmt: skip
        else:
            for c in range(n_chunks):
                sweep_a_concur(
                    c, chunks[c], chunks[c + 1], src, in_ptr, delta, n_in, n_out, input_code,
                    data, targets, w, x, y, g, u, yb, blocks, beta,
                    ya_s, num_s, den_s, fs_s, done_s, wsum, gsum, parts,
                )  # fmt: skip
        consensus(dst, in_ptr, m, first_btf, wsum, gsum, wbar)
        if parallel:
            for c in prange(n_chunks):
                sweep_update(
                    c, chunks[c], chunks[c + 1], src, in_ptr, first_btf, w, x, u, yb, wbar,
                    blocks, beta, fs_s, parts,
                )  # fmt: skip
        else:
            for c in range(n_chunks):
                sweep_update(
                    c, chunks[c], chunks[c + 1], src, in_ptr, first_btf, w, x, u, yb, wbar,
                    blocks, beta, fs_s, parts,
                )  # fmt: skip
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
                    sweep_metric(c, chunks[c + 1] - chunks[c], first_btf, g, blocks, gamma, mean)
            else:
                for c in range(n_chunks):
                    sweep_metric(c, chunks[c + 1] - chunks[c], first_btf, g, blocks, gamma, mean)
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
