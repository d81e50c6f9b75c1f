"""The RRR iteration loop: a batch's sweeps (sweeps.py) run in order, per tile and node part, for
a number of iterations or until a restart solves or reaches its next checkpoint.

:func:`iterate` runs everything on the calling thread; :func:`iterate_threads` runs sweeps 1, 3
and 4 on numba's threads by tile and part (prange). Both add every sum in the same order, so the
thread count never changes a result. Each call allocates its scratch (:func:`scratch`): a batch
of a small problem calls the kernel thousands of times, and these arrays are small.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from .kernels import FLOAT, JOB_ROWS, SCRATCH_ROWS
from .sweeps import consensus, merge_concur, sweep_a_concur, sweep_metric, sweep_update

PAD = 16
"""Gap sums kept per tile, part and segment (4 used): 128 bytes apart, so that two threads
adding to two parts' sums never write the same cache line."""
SPACER = 16
"""Unused rows after each tile and part's scratch rows. Without them (and PAD), two threads
ran one 3×3 restart no faster than one thread in about half the runs, depending on where
the scratch landed in memory: their rows shared cache lines (BENCHMARKS.md)."""


@njit(cache=True, error_model="numpy")
def scratch(n_tiles, n_parts, n_nodes, n_edges, width, per, n_slots):
    """The kernel's scratch: per tile the A values; per tile and part the concur sums and
    their weights, the FLOAT, float64 (root jobs) and int rows of kernels.project_items, and
    per segment the gap sums; per tile and segment the weight and g sums; per restart its Σ g
    per node, its mean block gap and its gap parts."""
    units = n_tiles * n_parts
    return (
        np.empty((n_tiles, n_nodes, width), dtype=FLOAT),
        np.empty((n_tiles, n_parts, n_nodes, width), dtype=FLOAT),
        np.empty((n_tiles, n_parts, n_nodes, width), dtype=FLOAT),
        np.empty((units, SCRATCH_ROWS + SPACER, width), dtype=FLOAT),
        np.empty((units, JOB_ROWS + SPACER, width)),
        np.empty((units, 2 + SPACER, width), dtype=np.int64), np.empty((n_tiles, per, n_edges)),
        np.zeros((n_tiles, per, n_nodes)), np.empty((n_slots, n_nodes)),
        np.zeros((n_tiles, n_parts, per, PAD)), np.empty(n_slots), np.empty((n_slots, 3)),
    )  # fmt: skip


@njit(cache=True, error_model="numpy")
def slot_gaps(n_slots, slot_ptr, slot_tile, slot_seg, parts, n_items, n_btf, mean, sums):
    """Each restart's mean block gap and its w, x, y gap sums, from its segments in order
    (each segment's parts in order)."""
    for s in range(n_slots):
        sx = 0.0
        sy = 0.0
        sw = 0.0
        total = 0.0
        for i in range(slot_ptr[s], slot_ptr[s + 1]):
            for part in range(parts.shape[1]):
                pc = parts[slot_tile[i], part, slot_seg[i]]
                sx += pc[0]
                sy += pc[1]
                sw += pc[2]
                total += pc[3]
        mean[s] = total / (n_items * n_btf)
        sums[s, 0] = sw
        sums[s, 1] = sx
        sums[s, 2] = sy


@njit(cache=True, error_model="numpy")
def close_iteration(
    n_slots, mean, sums, n_items, n_edges, n_btf, gap_stop, iters, limit, min_gap, last
):
    """Each restart's gaps of the iteration, its count and running minimum gap; True when a
    restart has solved or reached its limit (the call must return)."""
    event = False
    for s in range(n_slots):
        gap = np.sqrt(mean[s])
        last[s, 0] = gap
        last[s, 1] = np.sqrt(sums[s, 0] / (n_items * n_edges))
        last[s, 2] = np.sqrt(sums[s, 1] / (n_items * n_edges))
        last[s, 3] = np.sqrt(sums[s, 2] / (n_items * n_btf))
        iters[s] += 1
        if gap < min_gap[s]:
            min_gap[s] = gap
        if min_gap[s] < gap_stop or iters[s] >= limit[s]:
            event = True
    return event


@njit(cache=True, error_model="numpy")
def iterate(
    src, in_ptr, m, delta, n_in, n_out, input_code, datat, targt, free, n_items, bounds,
    n_tiles, tile_segs, seg_len, seg_slot, n_slots, slot_ptr, slot_tile, slot_seg,
    w, x, y, g, u, iu, yb, blocks, wbar, beta, gamma, gap_stop,
    iters, limit, min_gap, last, n_iter,
):  # fmt: skip
    """Run up to ``n_iter`` RRR iterations of the ``n_slots`` restarts in place, all in step,
    on the calling thread.

    Per restart s: ``iters[s]`` counts its iterations, ``last[s]`` gets the (gap, w, x, y
    parts) of its latest one and ``min_gap[s]`` their running minimum. The call returns (the
    number of iterations done) after the iteration where any restart has solved (min gap below
    ``gap_stop``) or reached ``limit[s]`` (its next checkpoint), so that the caller sees every
    restart at its own checkpoints, as a run alone would. Sweeps 1 and 3 run per tile and part
    of the nodes (``bounds``, lanes.node_parts). :func:`iterate_threads` is the same loop with
    those on numba's threads; it is a function of its own so that a process that never needs
    threads (a worker, a small problem) never compiles the parallel version."""
    n_nodes, n_edges, per = y.shape[1], w.shape[1], seg_slot.shape[1]
    first_btf = n_in + 1
    n_btf = n_nodes - first_btf
    n_parts = len(bounds) - 1
    ya_s, num_s, den_s, fs_s, fj_s, done_s, wsum, gsum, gtot, parts, mean, sums = scratch(
        n_tiles, n_parts, n_nodes, n_edges, w.shape[2], per, n_slots
    )
    fbeta, fgamma = FLOAT(beta), FLOAT(gamma)
    for t in range(n_iter):
        for unit in range(n_tiles * n_parts):
            sweep_a_concur(
                unit // n_parts, unit % n_parts, bounds, tile_segs, seg_len, src, in_ptr,
                delta, n_in, input_code, datat, w, x, y, g, u, iu,
                ya_s, num_s, den_s, fs_s, fj_s, done_s, wsum, gsum,
            )  # fmt: skip
        for unit in range(n_tiles * n_parts):
            merge_concur(
                unit // n_parts, unit % n_parts, bounds, tile_segs, seg_len, n_in, n_out, targt,
                free, y, yb, blocks, fbeta, ya_s, num_s, den_s, parts,
            )  # fmt: skip
        for s in range(n_slots):
            consensus(
                s, slot_ptr, slot_tile, slot_seg, in_ptr, m, first_btf, wsum, gsum, gtot, wbar
            )
        for unit in range(n_tiles * n_parts):
            sweep_update(
                unit // n_parts, unit % n_parts, bounds, tile_segs, seg_len, seg_slot, src,
                in_ptr, first_btf, w, x, u, iu, yb, wbar, blocks, fbeta, fs_s, parts,
            )  # fmt: skip
        slot_gaps(n_slots, slot_ptr, slot_tile, slot_seg, parts, n_items, n_btf, mean, sums)
        for unit in range(n_tiles * n_parts):
            sweep_metric(
                unit // n_parts, unit % n_parts, bounds, tile_segs, seg_len, seg_slot, first_btf,
                g, blocks, fgamma, mean,
            )  # fmt: skip
        if close_iteration(
            n_slots, mean, sums, n_items, n_edges, n_btf, gap_stop, iters, limit, min_gap, last
        ):
            return t + 1
    return n_iter


@njit(cache=True, parallel=True, error_model="numpy")
def iterate_threads(
    src, in_ptr, m, delta, n_in, n_out, input_code, datat, targt, free, n_items, bounds,
    n_tiles, tile_segs, seg_len, seg_slot, n_slots, slot_ptr, slot_tile, slot_seg,
    w, x, y, g, u, iu, yb, blocks, wbar, beta, gamma, gap_stop,
    iters, limit, min_gap, last, n_iter,
):  # fmt: skip
    """:func:`iterate` with the sweeps spread over numba's threads by tile and part (prange).
    Sums run in the same order, so the result is the same bit for bit."""
    n_nodes, n_edges, per = y.shape[1], w.shape[1], seg_slot.shape[1]
    first_btf = n_in + 1
    n_btf = n_nodes - first_btf
    n_parts = len(bounds) - 1
    ya_s, num_s, den_s, fs_s, fj_s, done_s, wsum, gsum, gtot, parts, mean, sums = scratch(
        n_tiles, n_parts, n_nodes, n_edges, w.shape[2], per, n_slots
    )
    fbeta, fgamma = FLOAT(beta), FLOAT(gamma)
    for t in range(n_iter):
        for unit in prange(n_tiles * n_parts):
            sweep_a_concur(
                unit // n_parts, unit % n_parts, bounds, tile_segs, seg_len, src, in_ptr,
                delta, n_in, input_code, datat, w, x, y, g, u, iu,
                ya_s, num_s, den_s, fs_s, fj_s, done_s, wsum, gsum,
            )  # fmt: skip
        for unit in prange(n_tiles * n_parts):
            merge_concur(
                unit // n_parts, unit % n_parts, bounds, tile_segs, seg_len, n_in, n_out, targt,
                free, y, yb, blocks, fbeta, ya_s, num_s, den_s, parts,
            )  # fmt: skip
        for s in range(n_slots):
            consensus(
                s, slot_ptr, slot_tile, slot_seg, in_ptr, m, first_btf, wsum, gsum, gtot, wbar
            )
        for unit in prange(n_tiles * n_parts):
            sweep_update(
                unit // n_parts, unit % n_parts, bounds, tile_segs, seg_len, seg_slot, src,
                in_ptr, first_btf, w, x, u, iu, yb, wbar, blocks, fbeta, fs_s, parts,
            )  # fmt: skip
        slot_gaps(n_slots, slot_ptr, slot_tile, slot_seg, parts, n_items, n_btf, mean, sums)
        for unit in prange(n_tiles * n_parts):
            sweep_metric(
                unit // n_parts, unit % n_parts, bounds, tile_segs, seg_len, seg_slot, first_btf,
                g, blocks, fgamma, mean,
            )  # fmt: skip
        if close_iteration(
            n_slots, mean, sums, n_items, n_edges, n_btf, gap_stop, iters, limit, min_gap, last
        ):
            return t + 1
    return n_iter
