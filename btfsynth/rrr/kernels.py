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

Sweep 1 reads w and x; sweep 3 reads and writes them: 24 bytes per edge·item·iteration in
single precision (FLOAT); A's weights are recomputed, not stored. (Pipelining sweep 3 of one
iteration with sweep 1 of the next would cut that by a third, but the metric update between
them then needs every P_B sum twice, weighted by g and by the gaps; measured, that was
slower.)
``reference.py`` is the plain version of the same iteration, used by the tests.
"""

from __future__ import annotations

import numpy as np
from numba import njit, uint64

FLOAT = np.float32
"""The type of the learner's state and of its arithmetic over lanes (the root solves run in
float64 on packed jobs). Single precision halves the bytes every sweep moves and doubles the
lanes of a SIMD instruction; the gap criterion (0.01) and the margins sit far above its
rounding (BENCHMARKS.md compares solve rates with float64)."""
ZERO, ONE, TWO = FLOAT(0.0), FLOAT(1.0), FLOAT(2.0)
"""Constants of the FLOAT arithmetic (a float literal would promote it to float64)."""
NEWTON_STEPS = 50
NEWTON_TOL = 1e-12
CONVERGED = 2e-9
"""A Newton step d ends the solve once its predicted error |G''| d² / (2 G') is below
CONVERGED (1 − u²) / 2: the state takes u and 1/(1 − u²) in single precision (FLOAT), and this
leaves both 30 times more accurate than that (1/(1 − u²) relative to its size, also near the
poles). Double-precision roots (2e-14, without the factor) took one more round of Newton
steps and 6% more time on the 3×3 multiplier."""
STREAM_BYTES = 24
"""Bytes per edge·item·iteration the sweeps move to and from memory: FLOAT w and x, read by
sweep 1, read and written by sweep 3 (everything else is per node or stays in cache)."""
LANES = 16
"""Partial sums of :func:`row_sum`. Every kernel keeps strict IEEE arithmetic (no fastmath:
no reassociation, no fused multiply-add), so a result is fixed by the source alone. With
reassociation allowed, the serial and the threaded copies of a sweep, compiled separately,
vectorised their sums over items differently on AVX-512 machines and differed by 1e-14, so a
seed's run depended on the thread count. Sums over items go through row_sum instead: its
LANES partial sums vectorise without reassociation, in an order the code fixes."""
OFFSET = tuple(np.uint64(i) for i in range(LANES))
"""Lane offsets as unsigned integers: numba wraps a negative signed index around (a select per
load, which kept LLVM from vectorising a loop that indexes from an offset); an unsigned index
needs none."""


@njit(cache=True, error_model="numpy")
def solve_roots(count, jp, jq, jc, ju, jlo, jhi, done):
    """``ju[j]`` = the root u ∈ (−1, 1) of F(u) = [p(1+u²) + q u]/(1−u²)² = c for the jobs
    (p, q, c) = (``jp[j]``, ``jq[j]``, ``jc[j]``), j < count: reference.surface_root's iteration
    with a Halley first step and an earlier stop, all jobs side by side.

    * Start: the bracket is the reference's; the first step is a Halley step from u = 0
      (G = p − c, G' = q, G'' = 2p + 4c there), which starts the Newton steps closer to the
      root (27% fewer steps in all on the blocks of a 32×6-layer run). That step alone never
      ends a job: for tiny |w| and |x| it is tiny while the root lies near ±1.
    * Steps: safeguarded Newton on G(u) = F(u)(1−u²)²; a step that leaves the bracket bisects.
    * Stop: once a Newton step d predicts an error |G''| d² / (2 G') below CONVERGED (1 − u²)
      / 2, or |d| falls below NEWTON_TOL.

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
        done[j] = 1 if skip or g == 0.0 else 0
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
            converged = curv * d * d < CONVERGED * slope * s or abs(d) < NEWTON_TOL
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


@njit(cache=True, error_model="numpy")
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


@njit(cache=True, error_model="numpy")
def row_sum(v, lo, n):
    """Σ v[lo:lo + n] in a fixed order: LANES interleaved FLOAT partial sums, then a fixed tree
    over them. The partial sums are independent, so LLVM runs them as one vector without
    reassociating. (An offset rather than a slice: a view costs two atomic reference counts.)"""
    s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = ZERO
    s8 = s9 = s10 = s11 = s12 = s13 = s14 = s15 = ZERO
    first = uint64(lo)
    whole = first + uint64(n - n % LANES)
    for k in range(first, whole, LANES):
        s0 += v[k]
        s1 += v[k + OFFSET[1]]
        s2 += v[k + OFFSET[2]]
        s3 += v[k + OFFSET[3]]
        s4 += v[k + OFFSET[4]]
        s5 += v[k + OFFSET[5]]
        s6 += v[k + OFFSET[6]]
        s7 += v[k + OFFSET[7]]
        s8 += v[k + OFFSET[8]]
        s9 += v[k + OFFSET[9]]
        s10 += v[k + OFFSET[10]]
        s11 += v[k + OFFSET[11]]
        s12 += v[k + OFFSET[12]]
        s13 += v[k + OFFSET[13]]
        s14 += v[k + OFFSET[14]]
        s15 += v[k + OFFSET[15]]
    for k in range(whole, first + uint64(n)):
        s0 += v[k]
    low = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
    high = ((s8 + s9) + (s10 + s11)) + ((s12 + s13) + (s14 + s15))
    return low + high


SCRATCH_ROWS = 16
"""Rows of the per-tile FLOAT scratch (each one value per lane of the tile): P_A's p = w·x,
q = |w|² + |x|²; for the first and the second surface solved, its level c, root u,
1/(1 − u²) and squared distance; the costs of the side y leans to and of the other; an edge's
terms of the weight concur; the w and x gap parts of the tile; each lane's w̄ of an edge,
where a 16-lane chunk spans two restarts."""
P, Q, C1, U1, V1, D1, C2, U2, V2, D2, COST_LEAN, COST_OTHER = range(12)
TERM, GW, GX, WL = range(12, SCRATCH_ROWS)
JOB_ROWS = 8
"""Rows of the per-tile float64 scratch of the root solves: the packed jobs (p, q, c), their
roots u, the solver's bracket (lo, hi), and 1/(1 − u²) and the squared distance moved."""
JP, JQ, JC, JU, JLO, JHI, JV, JD = range(JOB_ROWS)


@njit(cache=True, error_model="numpy")
def solve_packed(count, level, root, fs, fj, done, jobs):
    """For every lane k < count whose ``done[k]`` is 0, the root u of the job (p, q, c) =
    (``fs[P, k]``, ``fs[Q, k]``, ``fs[level, k]``) in ``fs[root, k]``, 1/(1 − u²) in the next row
    and the squared distance to the surface point in the one after; u = 0, 1 and 0 for the
    other lanes.

    The open jobs are packed first (their lanes listed in ``jobs``), so that the rounds of
    solve_roots, which run until its slowest job has converged, step only lanes that need a
    root: most lanes of a block keep their margin. Each job's arithmetic is the same wherever
    it sits, so packing changes no result. Roots, 1/(1 − u²) and distances are computed in
    float64: near the poles u = ±1, 1 − u² is below FLOAT's resolution."""
    jp, jq, jc, ju = fj[JP], fj[JQ], fj[JC], fj[JU]
    pr, qr, cr = fs[P], fs[Q], fs[level]
    out, inv, dist = fs[root], fs[root + 1], fs[root + 2]
    n = 0
    for k in range(count):  # job n: lane k's (p, q, c), its flag reset (lane n's is read)
        if done[k] == 0:
            jobs[n] = k
            jp[n] = pr[k]
            jq[n] = qr[k]
            jc[n] = cr[k]
            done[n] = 0
            n += 1
    for k in range(count):
        out[k] = 0.0
        inv[k] = 1.0
        dist[k] = 0.0
    if n == 0:
        return
    solve_roots(n, jp, jq, jc, ju, fj[JLO], fj[JHI], done)
    jv, jd = fj[JV], fj[JD]
    for i in range(n):
        jv[i] = 1.0 / (1.0 - ju[i] * ju[i])
        jd[i] = surface_dist2(ju[i], jp[i], jq[i])
    for i in range(n):
        k = jobs[i]
        out[k] = ju[i]
        inv[k] = jv[i]
        dist[k] = jd[i]


@njit(cache=True, error_model="numpy")
def project_items(count, yv, delta, ya, u, iv, fs, fj, done, jobs):
    """P_A of one BTF block on ``count`` items, given p = w·x and q = |w|² + |x|² per item in
    ``fs[P]`` and ``fs[Q]`` and the block's values ``yv``: item k projects to value ``ya[k]`` = ±1
    and weights (w + u x, x + u w)·``iv[k]`` with ``u[k]`` and ``iv[k]`` = 1/(1 − u²) (0 and 1
    when the margin already holds).

    Every item first solves (when its margin does not hold) the side its value leans to: the
    sign of y, which for an item that agrees with the sign of w·x is the answer. A disagreeing
    item needs the cheaper of y = ±1; each cost is at least its (1 ∓ y)² term, so the other side
    is solved only when it could still be cheaper (ties go to −1, as in the reference). Both
    rounds solve the roots of the items that need one together (solve_packed); the loops use
    selects, not branches, so that they vectorise. ``fs`` is FLOAT scratch (SCRATCH_ROWS ×
    count), ``fj`` float64 scratch (JOB_ROWS × count), ``done`` and ``jobs`` int scratch."""
    pr = fs[P]
    for k in range(count):
        lean = ONE if yv[k] > 0.0 else -ONE
        fs[C1, k] = lean * delta
        done[k] = 0 if lean * pr[k] < delta else 1
    solve_packed(count, C1, U1, fs, fj, done, jobs)
    for k in range(count):
        p = pr[k]
        y = yv[k]
        up = y > 0.0
        lean = ONE if up else -ONE
        cost = (ONE - lean * y) * (ONE - lean * y) + fs[D1, k]
        other = (ONE + lean * y) * (ONE + lean * y)
        down = not up
        could = (up & (cost >= other)) | (down & (cost > other))
        need = (y * p <= 0.0) & could & (-lean * p < delta)
        fs[COST_LEAN, k] = cost
        fs[COST_OTHER, k] = other
        fs[C2, k] = -lean * delta
        done[k] = 0 if need else 1
    solve_packed(count, C2, U2, fs, fj, done, jobs)
    for k in range(count):
        y = yv[k]
        up = y > 0.0
        lean = ONE if up else -ONE
        other = fs[COST_OTHER, k] + fs[D2, k]
        cost = fs[COST_LEAN, k]
        down = not up
        keep = (y * pr[k] > 0.0) | (up & (cost < other)) | (down & (not other < cost))
        u1, u2, v1, v2 = fs[U1, k], fs[U2, k], fs[V1, k], fs[V2, k]
        ya[k] = lean if keep else -lean
        u[k] = u1 if keep else u2
        iv[k] = v1 if keep else v2
