"""The RRR iteration as numba sweeps over lane tiles, for a batch of restarts at once.

The state is stored as tiles ``w[c, e, k]`` (tile c, edge e, lane k; lanes.py), and every
per-edge and per-node operation of divide and concur is a loop over a tile's lanes: the same
arithmetic on a contiguous row, which LLVM vectorises. Where a node sums over its edges (P_A's
p and q, the update and its gap parts), the loop goes by 16-lane chunks instead, edges inside,
with the sums and the node's rows held in registers as simd.F32x16 values; so does the
reflection when segments are whole chunks, each edge's segment sum kept as row_sum's 16
partial sums in a register and added up in row_sum's tree (simd.tree_sum; where a segment is
one chunk, the node's rows are loaded once for all its edges). Each lane still
adds in edge order, so the results are those of the row loops. A lane is one training item of one
restart: a tile holds ``tile_segs[c]`` *segments* side by side, each the ``seg_len[c]`` items
of one restart (slot ``seg_slot[c, j]``). A small problem packs several restarts into a tile,
so that its rows are long enough to fill the SIMD lanes; a large one spreads a single restart's
items over several tiles (its chunks). Every sum over items is taken per segment (kernels.
row_sum) and then over a restart's segments in chunk order, so a restart's arithmetic does not
depend on the other restarts, on where its lanes sit, or on the thread count: it runs exactly
as it would alone. A restart that fills a tile alone has its nodes split in parts
(lanes.node_parts), and the sweeps run per tile and part, so that two threads can share it;
each part concurs into sums of its own, added in part order. One iteration (iterate.py runs
the sweeps in this order) is:

1. per tile and part (in parallel): P_A of every block, node by node, for all the tile's
   lanes at once (kernels.project_items); the reflection 2A − z; the value concur of P_B
   (each edge's row added to its source's row); the g-weighted reflected weights summed per
   segment; then per tile and part, the parts' sums added, P_B's values (outputs clamped to
   their targets, except that an output whose target is a don't-care, 0 in ``targt``,
   concurs like a hidden node) and the y update;
2. per restart: the consensus weights w̄ from its segment sums, normalised per node;
3. per tile and part: A's weights and values again from the stored roots u and 1/(1 − u²),
   then the w and x updates and their gap parts;
4. per tile and part: the γ metric update, once each restart's mean block gap is known.

Sweep 1 reads w and x; sweep 3 reads and writes them: 24 bytes per edge·item·iteration in
single precision (kernels.FLOAT, kernels.STREAM_BYTES). ``reference.py`` is the plain version
of one iteration.
"""

from __future__ import annotations

import numpy as np
from numba import njit, uint64

from .kernels import (
    FLOAT,
    GW,
    GX,
    TERM,
    TWO,
    WL,
    ZERO,
    P,
    Q,
    project_items,
    row_sum,
)
from .simd import WIDTH, load, load_at, splat, store, store_at, tree_sum


@njit(cache=True, error_model="numpy")
def sweep_a_concur(
    c, part, bounds, tile_segs, seg_len, src, in_ptr, delta, n_in, input_code, datat, w, x, y,
    g, u, iu, ya_s, num_s, den_s, fs_s, fj_s, done_s, wsum, gsum,
):  # fmt: skip
    """Sweep 1 over the lanes of tile c for the nodes of ``part`` (nodes ``bounds[part]`` to
    ``bounds[part + 1]``; part 0 also has the bias and the inputs): P_A of each BTF block and
    its edges' reflections, concurred into the part's own sums. Nodes are in topological order
    (src < dst), so a node's own concur term is set before any out-edge of a later block of its
    part adds to it; the rows of earlier parts' nodes start at 0 (merge_concur adds them)."""
    first_btf = n_in + 1
    segs = tile_segs[c]
    sl = seg_len[c]
    count = segs * sl
    wc, xc, yc, gc, uc, iuc = w[c], x[c], y[c], g[c], u[c], iu[c]
    unit = c * (len(bounds) - 1) + part
    ya = ya_s[c]
    num = num_s[c, part]
    den = den_s[c, part]
    fs = fs_s[unit]
    done = done_s[unit]
    ws = wsum[c]
    gs = gsum[c]
    pr, qr, term, two = fs[P], fs[Q], fs[TERM], splat(TWO)
    lo, hi = bounds[part], bounds[part + 1]
    if part == 0:
        input_values(c, count, n_in, input_code, datat, y, g, ya, num, den)
    for n in range(lo):
        nr, dr = num[n], den[n]
        for k in range(count):
            nr[k] = 0.0
            dr[k] = 0.0
    for n in range(max(lo, first_btf), hi):
        a = in_ptr[n]
        b = in_ptr[n + 1]
        for k in range(0, count, WIDTH):
            lanes = min(WIDTH, count - k)
            p = q = splat(0.0)
            for e in range(a, b):
                we, xe = load_at(wc, e, k, lanes), load_at(xc, e, k, lanes)
                p = p + we * xe
                q = q + (we * we + xe * xe)
            store(pr, k, lanes, p)
            store(qr, k, lanes, q)
        ur, inv = uc[n, :count], iuc[n, :count]
        yar, gr, yr, nr, dr = ya[n], gc[n, :count], yc[n, :count], num[n], den[n]
        project_items(count, yr, FLOAT(delta[n]), yar, ur, inv, fs, fj_s[unit], done[0], done[1])
        for k in range(count):
            nr[k] = gr[k] * (TWO * yar[k] - yr[k])
            dr[k] = gr[k]
        for j in range(segs):
            gs[j, n] = row_sum(gr, j * sl, sl)
        if sl == WIDTH:  # one chunk per segment: the node's rows loaded once per chunk
            for j in range(segs):
                k = j * WIDTH
                un, vn, gn = load(ur, k, WIDTH), load(inv, k, WIDTH), load(gr, k, WIDTH)
                for e in range(a, b):
                    s = src[e]
                    we, xe = load_at(wc, e, k, WIDTH), load_at(xc, e, k, WIDTH)
                    ws[j, e] = tree_sum(splat(ZERO) + gn * (two * ((we + un * xe) * vn) - we))
                    ns = load_at(num, s, k, WIDTH) + gn * (two * ((xe + un * we) * vn) - xe)
                    store_at(num, s, k, WIDTH, ns)
                    store_at(den, s, k, WIDTH, load_at(den, s, k, WIDTH) + gn)
            continue
        if sl % WIDTH == 0:  # segments of whole chunks: their sums as row_sum's partials
            for j in range(segs):
                for e in range(a, b):
                    partial = splat(ZERO)
                    s = src[e]
                    for k in range(j * sl, (j + 1) * sl, WIDTH):
                        un, vn, gn = load(ur, k, WIDTH), load(inv, k, WIDTH), load(gr, k, WIDTH)
                        we, xe = load_at(wc, e, k, WIDTH), load_at(xc, e, k, WIDTH)
                        partial = partial + gn * (two * ((we + un * xe) * vn) - we)
                        ns = load_at(num, s, k, WIDTH) + gn * (two * ((xe + un * we) * vn) - xe)
                        store_at(num, s, k, WIDTH, ns)
                        store_at(den, s, k, WIDTH, load_at(den, s, k, WIDTH) + gn)
                    ws[j, e] = tree_sum(partial)
            continue
        for e in range(a, b):
            s = src[e]
            wr, xr, ns = wc[e, :count], xc[e, :count], num[s]
            for k in range(count):
                wk = (wr[k] + ur[k] * xr[k]) * inv[k]
                xk = (xr[k] + ur[k] * wr[k]) * inv[k]
                term[k] = gr[k] * (TWO * wk - wr[k])
                ns[k] += gr[k] * (TWO * xk - xr[k])
            for k in range(count):
                den[s, k] += gr[k]
            for j in range(segs):
                ws[j, e] = row_sum(term, j * sl, sl)


@njit(cache=True, error_model="numpy")
def input_values(c, count, n_in, input_code, datat, y, g, ya, num, den):
    """P_A of the bias and the inputs on the lanes of tile c, and their own concur terms."""
    first_btf = n_in + 1
    yc, gc = y[c], g[c]
    for k in range(count):
        ya[0, k] = -1.0
    if input_code == 0:
        for j in range(n_in):
            dr = datat[c, j]
            for k in range(count):
                ya[1 + j, k] = dr[k]
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
            nr[k] = gr[k] * (TWO * yar[k] - yr[k])
            dr[k] = gr[k]


@njit(cache=True, error_model="numpy")
def merge_concur(
    c, part, bounds, tile_segs, seg_len, n_in, n_out, targt, free, y, yb, blocks, beta, ya_s,
    num_s, den_s, parts,
):  # fmt: skip
    """The rest of sweep 1 on tile c, for the nodes of ``part``: each node's sums from the
    later parts added to its own part's, in part order; then P_B's values (outputs clamped to
    their targets, except that an output whose target is a don't-care, 0 in ``targt``, concurs
    like a hidden node; ``free`` says some are, otherwise the outputs take the plain clamping
    loop), the y update and its gap part."""
    n_nodes = y.shape[1]
    first_btf = n_in + 1
    first_out = n_nodes - n_out
    segs = tile_segs[c]
    sl = seg_len[c]
    count = segs * sl
    yc, ybc, bc, ya = y[c], yb[c], blocks[c], ya_s[c]
    num, den, pc = num_s[c, part], den_s[c, part], parts[c, part]
    lo, hi = bounds[part], bounds[part + 1]
    for later in range(part + 1, len(bounds) - 1):
        for n in range(lo, hi):
            nr, dr, nl, dl = num[n], den[n], num_s[c, later, n], den_s[c, later, n]
            for k in range(count):
                nr[k] += nl[k]
                dr[k] += dl[k]
    for j in range(segs):
        pc[j, 1] = 0.0
    for n in range(lo, hi):
        ybr, yr, yar = ybc[n, :count], yc[n, :count], ya[n]
        if n < first_out:
            nr, dr = num[n], den[n]
            for k in range(count):
                ybr[k] = nr[k] / dr[k]
        elif free:  # clamped to the target; a don't-care (0) concurs like a hidden node
            tr, nr, dr = targt[c, n - first_out], num[n], den[n]
            for k in range(count):
                ybr[k] = tr[k] if tr[k] != 0.0 else nr[k] / dr[k]
        else:
            tr = targt[c, n - first_out]
            for k in range(count):
                ybr[k] = tr[k]
        if n < first_btf:
            for k in range(count):
                yr[k] += beta * (ybr[k] - yar[k])
        else:
            br = bc[n, :count]
            for k in range(count):
                dy = ybr[k] - yar[k]
                yr[k] += beta * dy
                br[k] = dy * dy
            for j in range(segs):
                pc[j, 1] += row_sum(br, j * sl, sl)


@njit(cache=True, error_model="numpy")
def consensus(s, slot_ptr, slot_tile, slot_seg, in_ptr, m, first_btf, wsum, gsum, gtot, wbar):
    """Restart s's w̄_e = Σ_i g w / Σ_i g from its segment sums (added in chunk order), then
    w̄·w̄ = m per node. ``gtot`` is scratch for the restart's Σ_i g per node."""
    out, total = wbar[s], gtot[s]
    lo, hi = slot_ptr[s], slot_ptr[s + 1]
    ws, gs = wsum[slot_tile[lo], slot_seg[lo]], gsum[slot_tile[lo], slot_seg[lo]]
    for e in range(len(out)):
        out[e] = ws[e]
    for n in range(len(m)):
        total[n] = gs[n]
    for i in range(lo + 1, hi):
        ws, gs = wsum[slot_tile[i], slot_seg[i]], gsum[slot_tile[i], slot_seg[i]]
        for e in range(len(out)):
            out[e] += ws[e]
        for n in range(len(m)):
            total[n] += gs[n]
    for n in range(first_btf, len(m)):
        norm2 = 0.0
        for e in range(in_ptr[n], in_ptr[n + 1]):
            out[e] /= total[n]
            norm2 += out[e] * out[e]
        if norm2 > 0.0:
            scale = np.sqrt(m[n] / norm2)
            for e in range(in_ptr[n], in_ptr[n + 1]):
                out[e] *= scale


@njit(cache=True, error_model="numpy")
def sweep_update(
    c, part, bounds, tile_segs, seg_len, seg_slot, src, in_ptr, first_btf, w, x, u, iu, yb,
    wbar, blocks, beta, fs_s, parts,
):  # fmt: skip
    """Sweep 3 on tile c for the BTF nodes of ``part``: A's weights again from the roots u and
    1/(1 − u²), then w += β (w̄ − wA) and x += β (y_B[src] − xA), their gap parts, and each
    segment's total block gap (per part: iterate.slot_gaps adds the parts in order)."""
    segs = tile_segs[c]
    sl = seg_len[c]
    count = segs * sl
    wc, xc, uc, iuc, ybc, bc = w[c], x[c], u[c], iu[c], yb[c], blocks[c]
    fs = fs_s[c * (len(bounds) - 1) + part]
    pc = parts[c, part]
    gw, gx, wl = fs[GW], fs[GX], fs[WL]
    fbeta = splat(beta)
    for k in range(count):
        gw[k] = 0.0
        gx[k] = 0.0
    for j in range(segs):
        pc[j, 3] = 0.0
    for n in range(max(bounds[part], first_btf), bounds[part + 1]):
        ur, inv, br = uc[n], iuc[n], bc[n]
        for k in range(0, count, WIDTH):
            lanes = min(WIDTH, count - k)
            first, last = k // sl, (k + lanes - 1) // sl  # the chunk's segments
            one, slot = first == last, seg_slot[c, first]
            un, vn = load(ur, k, lanes), load(inv, k, lanes)
            aw = ax = splat(0.0)
            for e in range(in_ptr[n], in_ptr[n + 1]):
                we, xe = load_at(wc, e, k, lanes), load_at(xc, e, k, lanes)
                ye = load_at(ybc, src[e], k, lanes)
                if one:  # one restart's w̄ in every lane
                    wb = splat(FLOAT(wbar[slot, e]))
                else:  # the chunk spans segments: each lane gets its restart's w̄
                    for i in range(lanes):
                        wl[i] = FLOAT(wbar[seg_slot[c, (k + i) // sl], e])
                    wb = load(wl, 0, lanes)
                dw = wb - (we + un * xe) * vn
                dx = ye - (xe + un * we) * vn
                store_at(wc, e, k, lanes, we + fbeta * dw)
                store_at(xc, e, k, lanes, xe + fbeta * dx)
                aw = aw + dw * dw
                ax = ax + dx * dx
            store(br, k, lanes, load(br, k, lanes) + (aw + ax))
            store(gw, k, lanes, load(gw, k, lanes) + aw)
            store(gx, k, lanes, load(gx, k, lanes) + ax)
        for j in range(segs):
            pc[j, 3] += row_sum(br, j * sl, sl)
    for j in range(segs):
        pc[j, 0] = row_sum(gx, j * sl, sl)
        pc[j, 2] = row_sum(gw, j * sl, sl)


@njit(cache=True, error_model="numpy")
def sweep_metric(c, part, bounds, tile_segs, seg_len, seg_slot, first_btf, g, blocks, gamma, mean):
    """Sweep 4: g ← g + γ (G / mean(G) − g) on the BTF blocks of tile c in ``part``, each
    segment with its restart's mean block gap (skipped where that mean is 0)."""
    sl = seg_len[c]
    for n in range(max(bounds[part], first_btf), bounds[part + 1]):
        gr, br = g[c, n], blocks[c, n]
        for j in range(tile_segs[c]):
            mn = FLOAT(mean[seg_slot[c, j]])
            if mn > 0.0:
                for k in range(uint64(j * sl), uint64((j + 1) * sl)):
                    gr[k] += gamma * (br[k] / mn - gr[k])
