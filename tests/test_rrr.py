"""The RRR kernels against the plain numpy reference, and the block projection's properties."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from btfsynth.dataset import Dataset
from btfsynth.network import ThresholdNetwork
from btfsynth.rrr import kernels, reference
from btfsynth.rrr.kernels import FLOAT
from btfsynth.rrr.lanes import NODE_PARTS, Lanes, node_parts
from btfsynth.rrr.layout import (
    CHUNK_ITEMS,
    MAX_CHUNKS,
    State,
    chunk_bounds,
    initial_state,
    make_problem,
    tile,
    untile,
)
from btfsynth.rrr.solve import Params, advance

KINDS = ["binary", "analog", "hypercube", "onehot", "class"]
TOL = 2e-5
"""How far four kernel iterations (single precision, kernels.FLOAT) may drift from four of the
float64 reference from the same start: a few hundred roundings of 6e-8; a wrong term moves
values by 1e-2 or more."""


def random_data(kind: str, n_in: int, n_out: int, items: int, rng) -> Dataset:
    targets = rng.integers(0, 2, (items, n_out))
    if kind == "class":
        targets = np.eye(n_out, dtype=np.uint8)[rng.integers(0, n_out, items)]
        return Dataset(rng.integers(0, 2, (items, n_in)), targets, n_in, output_kind="class")
    if kind in ("hypercube", "onehot"):
        return Dataset(np.zeros((items, 0)), targets, n_in, kind)
    inputs = (
        rng.uniform(0, 1, (items, n_in)) if kind == "analog" else rng.integers(0, 2, (items, n_in))
    )
    return Dataset(inputs, targets, n_in, kind)


def dag_network() -> ThresholdNetwork:
    """A non-layered DAG: skip edges, and an output node feeding the other output."""
    src = [0, 1, 2, 0, 1, 3, 0, 4, 2, 0, 5, 3]
    dst = [4, 4, 4, 5, 5, 5, 6, 6, 6, 7, 7, 7]
    src += [6]
    dst += [7]
    return ThresholdNetwork(8, 3, 2, src, dst, np.zeros(len(src)))


def alone(problem, state):
    """A batch of one restart, starting from ``state``."""
    lanes = Lanes.create(problem, 1)
    lanes.place(0, state)
    lanes.limit[0] = 2**62
    return lanes


def run_kernel(problem, state, beta, gamma, iters, parallel):
    """``iters`` iterations from ``state``, one kernel call each (to read every iteration's
    gaps); returns the state, w̄, the gaps of each iteration and the block gaps."""
    lanes = alone(problem, state)
    history = np.zeros((iters, 4))
    params = Params(beta=beta, gamma=gamma, gap_stop=0.0)
    for t in range(iters):
        assert advance(lanes, params, 1, 1, parallel) == 1
        history[t] = lanes.last[0]
    return lanes.state, lanes.wbar[0], history, lanes.blocks


def with_dont_cares(data: Dataset, rng, fraction: float = 0.4) -> Dataset:
    """``data`` with about ``fraction`` of its targets made don't-cares."""
    return replace(data, care=rng.uniform(size=data.targets.shape) >= fraction)


@pytest.mark.parametrize("kind", [*KINDS, "binary, don't-cares", "hypercube, don't-cares"])
@pytest.mark.parametrize("shape", ["layered", "dag", "wide"])
def test_kernel_iteration_matches_reference(kind, shape):
    """Also with don't-care targets: such an output is not clamped but concurs like a hidden
    node (in the DAG, output 6 feeds output 7 and so has an out-edge); and for a restart whose
    nodes are split in two parts (the wide net: one restart fills its tiles)."""
    check_against_reference(kind, shape, np.array([0, 5, 12, 19]))  # uneven chunks


@pytest.mark.parametrize("chunks", [[0, 16, 32], [0, 32]])
@pytest.mark.parametrize("shape", ["layered", "wide"])
def test_kernel_iteration_on_whole_16_lane_chunks_matches_reference(shape, chunks):
    """Tiles of one 16-lane chunk per segment, and of two: the reflection's register paths."""
    check_against_reference("binary, don't-cares", shape, np.array(chunks))


def check_against_reference(kind: str, shape: str, chunks: np.ndarray) -> None:
    rng = np.random.default_rng(len(kind) + len(shape))
    nets = {"layered": [3, 4, 3, 2], "wide": [3, 40, 40, 2]}
    net = ThresholdNetwork.layered(nets[shape]) if shape in nets else dag_network()
    items = int(chunks[-1])
    data = random_data(kind.split(",")[0], 3, 2, items, rng)
    if "don't-cares" in kind:
        data = with_dont_cares(data, rng)
        assert data.has_dont_cares and data.care.any()
    problem = make_problem(net, data, sigma=3.0)
    problem.chunks = chunks
    assert len(node_parts(problem)) - 1 == (NODE_PARTS if shape == "wide" else 1)
    state = initial_state(problem, seed=7)
    g = untile(state.g, problem.chunks)
    g[:, problem.first_btf :] = rng.uniform(0.3, 3.0, (items, problem.n_btf))
    state.g = tile(g, problem.chunks)
    ref = State(*(a.astype(np.float64) for a in (state.w, state.x, state.y, state.g)))
    gaps = []
    for _ in range(4):
        ref, ref_wbar, gap = reference.rrr_step(problem, ref, beta=0.3, gamma=0.05)
        gaps.append([gap.gap, gap.w, gap.x, gap.y])
    for parallel in (False, True):
        got, wbar, history, blocks = run_kernel(problem, state, 0.3, 0.05, 4, parallel)
        for name in ("w", "x", "y", "g"):
            np.testing.assert_allclose(getattr(got, name), getattr(ref, name), rtol=TOL, atol=TOL)
        np.testing.assert_allclose(wbar, ref_wbar, rtol=TOL, atol=TOL)
        np.testing.assert_allclose(history, gaps, rtol=TOL, atol=TOL)
        blocks = untile(blocks, problem.chunks)[:, problem.first_btf :]
        np.testing.assert_allclose(blocks, gap.blocks, rtol=TOL, atol=TOL)


SAME_RUN_SCRIPT = """
import numba, numpy as np
from btfsynth.network import ThresholdNetwork
from btfsynth.rrr import lanes as lanes_module
from btfsynth.rrr.lanes import Lanes
from btfsynth.rrr.layout import initial_state, make_problem
from btfsynth.rrr.solve import Params, advance
from btfsynth.tasks import multiplier, planted_andor
lanes_module.TILE_LANES = 48  # three 16-item restarts per tile, so that tiles run in parallel
cases = [
    (planted_andor([12, 16, 16, 4], items=200, seed=3).dataset, [12, 16, 16, 4], 1),
    (multiplier(2).dataset, [4, 4, 4, 4], 9),  # 9 restarts packed in three tiles
    (multiplier(3).dataset, [6, 12, 12, 12, 6], 1),  # one restart, its nodes in two parts
]
same = True
for data, widths, restarts in cases:
    problem = make_problem(ThresholdNetwork.layered(widths), data, 3.0)
    runs = []
    for parallel, threads in ((False, 1), (True, 1), (True, 2)):
        numba.set_num_threads(threads)
        lanes = Lanes.create(problem, restarts)
        for slot in range(restarts):
            lanes.place(slot, initial_state(problem, seed=5 + slot))
        lanes.limit[:] = 2**62
        advance(lanes, Params(gap_stop=0.0), 40, restarts, parallel)
        s = lanes.state
        runs.append(np.concatenate([a.ravel() for a in (s.w, s.x, s.g, lanes.last, lanes.wbar)]))
    same = same and all(np.array_equal(runs[0], run) for run in runs[1:])
print(same)
"""


@pytest.mark.parametrize(
    ("chunks", "dont_cares"),
    [([0, 9, 20, 133, 200], False), ([0, 200], False), (None, False), (None, True)],
)
def test_runs_are_identical_for_any_thread_count(chunks, dont_cares):
    """Same seed, same run: serial, threaded on one thread and threaded on two agree bit for
    bit (kernels.LANES: strict arithmetic, so separately compiled copies cannot differ)."""
    rng = np.random.default_rng(3)
    data = random_data("binary", 5, 4, 200, rng)
    if dont_cares:
        data = with_dont_cares(data, rng, 0.3)
    problem = make_problem(ThresholdNetwork.layered([5, 6, 4]), data, 3.0)
    if chunks is not None:
        problem.chunks = np.array(chunks)
    state = initial_state(problem, seed=1)
    runs = []
    threads = numba.get_num_threads()
    try:
        for parallel, count in ((False, threads), (True, 1), (True, threads)):
            numba.set_num_threads(count)
            runs.append(run_kernel(problem, state, 0.2, 1e-3, 30, parallel))
    finally:
        numba.set_num_threads(threads)
    for got in runs[1:]:
        for name in ("w", "x", "y", "g"):
            assert np.array_equal(getattr(runs[0][0], name), getattr(got[0], name)), name
        assert np.array_equal(runs[0][2], got[2])


def test_runs_are_identical_when_compiled_from_an_empty_cache(tmp_path):
    """The identity holds for freshly compiled kernels too (not only for cached ones)."""
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path), "NUMBA_NUM_THREADS": "2"}
    out = subprocess.run(
        [sys.executable, "-c", SAME_RUN_SCRIPT], env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "True"


def test_calls_of_any_length_give_the_same_run():
    """The solve loop sizes its kernel calls by wall time: where a call ends must not matter."""
    rng = np.random.default_rng(8)
    problem = make_problem(
        ThresholdNetwork.layered([4, 5, 3]), random_data("binary", 4, 3, 70, rng), 3.0
    )
    state = initial_state(problem, seed=2)
    whole = run_kernel(problem, state, 0.2, 1e-2, 9, True)
    split = alone(problem, state)
    params = Params(beta=0.2, gamma=1e-2, gap_stop=0.0)
    for lo, hi in ((0, 1), (1, 5), (5, 9)):
        assert advance(split, params, hi - lo, 1, True) == hi - lo
    assert np.array_equal(whole[0].w, split.state.w) and np.array_equal(whole[0].g, split.state.g)
    assert np.array_equal(whole[1], split.wbar[0]) and np.array_equal(whole[2][-1], split.last[0])
    assert split.iters[0] == 9 and split.min_gap[0] == whole[2][:, 0].min()


def test_initial_state_follows_the_seed_and_the_data():
    rng = np.random.default_rng(0)
    data = random_data("binary", 3, 2, 5, rng)
    problem = make_problem(ThresholdNetwork.layered([3, 4, 2]), data, 3.0)
    a, b = initial_state(problem, 11), initial_state(problem, 11)
    assert np.array_equal(a.w, b.w) and not np.array_equal(a.w, initial_state(problem, 12).w)
    y = untile(a.y, problem.chunks)
    assert y.shape == (5, problem.n_nodes) and a.w.shape[1] == problem.n_edges
    assert np.all(y[:, 0] == -1)
    assert np.array_equal(y[:, 1:4], 2.0 * data.inputs - 1)
    assert np.array_equal(y[:, -2:], 2.0 * data.targets - 1)
    assert np.all(a.g == 1) and np.all(np.abs(a.w) <= 1)


@settings(max_examples=50, deadline=None)
@given(st.data())
def test_tiles_round_trip_and_pad_with_zeros(data):
    items = data.draw(st.integers(1, 40))
    cuts = data.draw(st.sets(st.integers(1, items - 1), max_size=5)) if items > 1 else set()
    chunks = np.array([0, *sorted(cuts), items])
    a = np.random.default_rng(items).uniform(-1, 1, (items, data.draw(st.integers(1, 5))))
    tiles = tile(a, chunks)
    assert tiles.shape == (len(chunks) - 1, a.shape[1], np.diff(chunks).max())
    assert np.array_equal(untile(tiles, chunks), a)
    assert np.count_nonzero(tiles) == np.count_nonzero(a)


def test_lane_solver_matches_one_root_at_a_time_and_skips_flagged_jobs():
    rng = np.random.default_rng(4)
    count = 37
    p, q = rng.uniform(-2, 2, count), rng.uniform(0.1, 6, count)
    c = rng.choice([-1.0, 1.0], count) * rng.uniform(0.2, 2, count)
    u, lo, hi = np.empty(count), np.empty(count), np.empty(count)
    done = (rng.uniform(size=count) < 0.3).astype(np.int64)
    skipped = done.astype(bool)
    kernels.solve_roots(count, p, q, c, u, lo, hi, done)
    assert np.all(u[skipped] == 0.0) and np.all(done == 1)
    for j in np.flatnonzero(~skipped):
        assert u[j] == pytest.approx(kernels.surface_root(p[j], q[j], c[j]), rel=1e-14, abs=1e-15)
        exact = reference.surface_root(p[j], q[j], c[j])  # to 1e-12; the kernel to FLOAT's needs
        assert u[j] == pytest.approx(
            exact, abs=max(kernels.CONVERGED * (1 - exact**2), kernels.NEWTON_TOL)
        )


@pytest.mark.parametrize("items", [1, 7, 16, 17, 64, 65, 100, 1000, 5000])
def test_chunks_cover_the_items_in_order(items):
    bounds = chunk_bounds(items)
    assert bounds[0] == 0 and bounds[-1] == items
    assert np.all(np.diff(bounds) >= 1) and len(bounds) - 1 <= MAX_CHUNKS
    if items <= MAX_CHUNKS * CHUNK_ITEMS:
        assert np.diff(bounds).max() <= CHUNK_ITEMS  # long rows, but not longer than needed


finite = st.floats(-3, 3, allow_nan=False)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(finite, finite), min_size=2, max_size=6),
    st.floats(0.2, 2.0),
    st.sampled_from([1.0, -1.0]),
)
def test_surface_point_lies_on_the_surface(pairs, delta, sign):
    w = np.array([a for a, _ in pairs])
    x = np.array([b for _, b in pairs])
    if min(np.sum((w - x) ** 2), np.sum((w + x) ** 2)) < 1e-3:
        return  # w = ±x: the nearest point has u = ∓1, outside the parametrisation
    c = sign * delta
    w2, x2, dist2 = reference.surface(w, x, c)
    assert w2 @ x2 == pytest.approx(c, abs=1e-8)
    assert dist2 == pytest.approx(np.sum((w2 - w) ** 2) + np.sum((x2 - x) ** 2), abs=1e-9)
    p, q = float(w @ x), float(w @ w + x @ x)
    u = kernels.surface_root(p, q, c)
    exact = reference.surface_root(p, q, c)
    assert u == pytest.approx(
        exact, abs=max(kernels.CONVERGED * (1 - exact**2), kernels.NEWTON_TOL)
    )
    assert kernels.surface_dist2(u, p, q) == pytest.approx(dist2, rel=1e-7, abs=1e-10)


sixty_fourths = st.integers(-192, 192).map(lambda i: i / 64)
"""Values in [−3, 3] whose products and short sums FLOAT holds exactly, so that the kernel's
single-precision p = w·x and q = |w|² + |x|² are the reference's."""


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(sixty_fourths, sixty_fourths), min_size=2, max_size=6),
    st.integers(-96, 96).map(lambda i: i / 64),
    st.integers(13, 128).map(lambda i: i / 64),
)
def test_block_projection_is_feasible_and_idempotent(pairs, y, delta):
    w = np.array([a for a, _ in pairs])
    x = np.array([b for _, b in pairs])
    if min(np.sum((w - x) ** 2), np.sum((w + x) ** 2)) < 1e-3:
        return
    wa, xa, ya = reference.project_block(w, x, y, delta)
    assert ya in (1.0, -1.0)
    assert ya * (wa @ xa) >= delta - 1e-8
    again = reference.project_block(wa, xa, ya, delta)
    np.testing.assert_allclose(again[0], wa, atol=1e-7)
    assert again[2] == ya
    # the kernel agrees with the reference on this block (as the second of two items), up to
    # FLOAT's rounding and a choice between y = ±1 whose costs tie to rounding
    ya_k, u, iv = np.zeros(2, FLOAT), np.zeros(2, FLOAT), np.ones(2, FLOAT)
    fs, fj = np.zeros((kernels.SCRATCH_ROWS, 2), FLOAT), np.zeros((kernels.JOB_ROWS, 2))
    js = np.zeros((2, 2), dtype=np.int64)
    fs[kernels.P] = [0.5, w @ x]
    fs[kernels.Q] = [1.0, w @ w + x @ x]
    assert fs[kernels.P, 1] == w @ x and fs[kernels.Q, 1] == w @ w + x @ x
    yv = np.array([1.0, y], FLOAT)
    kernels.project_items(2, yv, FLOAT(delta), ya_k, u, iv, fs, fj, js[0], js[1])
    # iv comes from the float64 root, u is that root rounded to FLOAT (half an ulp: 6e-8)
    spread = 2 * 6e-8 / (1 - float(u[1]) ** 2)
    assert iv[1] == pytest.approx(1 / (1 - float(u[1]) ** 2), rel=1e-6 + spread)
    wk, xk = (w + float(u[1]) * x) * float(iv[1]), (x + float(u[1]) * w) * float(iv[1])
    if ya_k[1] != ya:

        def cost(wn, xn, yn):
            return (yn - y) ** 2 + np.sum((wn - w) ** 2) + np.sum((xn - x) ** 2)

        assert cost(wk, xk, ya_k[1]) == pytest.approx(cost(wa, xa, ya), abs=1e-5)
        return
    scale = max(1.0, np.abs(wa).max(), np.abs(xa).max())
    np.testing.assert_allclose(wk, wa, atol=1e-5 * scale)
    np.testing.assert_allclose(xk, xa, atol=1e-5 * scale)


def test_a_block_near_the_pole_projects_to_finite_weights():
    """Tiny w and x need a root u within 1e-9 of 1: FLOAT rounds such a u to 1.0, so
    1/(1 − u²) comes from the float64 root (a run of the 2×2 multiplier once turned NaN here)."""
    w = np.full(5, 1e-9)
    x = np.full(5, 2e-9)
    delta = np.sqrt(5 / 3)
    fs, fj = np.zeros((kernels.SCRATCH_ROWS, 1), FLOAT), np.zeros((kernels.JOB_ROWS, 1))
    fs[kernels.P], fs[kernels.Q] = w @ x, w @ w + x @ x
    ya, u, iv = np.zeros(1, FLOAT), np.zeros(1, FLOAT), np.ones(1, FLOAT)
    js = np.zeros((2, 1), dtype=np.int64)
    kernels.project_items(1, np.ones(1, FLOAT), FLOAT(delta), ya, u, iv, fs, fj, js[0], js[1])
    assert ya[0] == 1.0 and abs(u[0]) == 1.0 and np.isfinite(iv[0])
    wk, xk = (w + float(u[0]) * x) * float(iv[0]), (x + float(u[0]) * w) * float(iv[0])
    assert wk @ xk == pytest.approx(delta, rel=1e-3)


def test_concur_is_the_weighted_mean_and_normalises():
    rng = np.random.default_rng(5)
    data = random_data("binary", 2, 1, 6, rng)
    net = ThresholdNetwork.layered([2, 1])
    problem = make_problem(net, data, 3.0)
    state = initial_state(problem, 2)
    state = reference.by_item(problem, state)
    state.g[:, 3] = rng.uniform(0.5, 2, 6)
    wbar, b = reference.project_b(problem, state)
    mean = (state.g[:, 3:4] * state.w).sum(0) / state.g[:, 3].sum()
    np.testing.assert_allclose(wbar, mean * np.sqrt(3 / (mean @ mean)))
    assert np.all(b.y[:, 3] == 2.0 * data.targets[:, 0] - 1)
    np.testing.assert_allclose(b.x, b.y[:, problem.src])


def test_a_dont_care_output_is_free_in_the_concur_and_starts_random():
    """Constraint B clamps only the cared outputs; a free output of a layered net (no
    out-edges) keeps the value B receives, as a hidden node without out-edges would."""
    rng = np.random.default_rng(6)
    data = with_dont_cares(random_data("binary", 2, 3, 8, rng), rng)
    problem = make_problem(ThresholdNetwork.layered([2, 3, 3]), data, 3.0)
    start = initial_state(problem, 4)
    y = untile(start.y, problem.chunks)[:, problem.first_output :]
    assert np.array_equal(y[data.care], 2.0 * data.targets[data.care] - 1)
    assert np.all(np.abs(y[~data.care]) < 1) and len(np.unique(y[~data.care])) > 1
    state = reference.by_item(problem, start)
    state.y[:, problem.first_output :] = rng.uniform(-2, 2, (8, 3))
    _, b = reference.project_b(problem, state)
    out = b.y[:, problem.first_output :]
    assert np.array_equal(out[data.care], 2.0 * data.targets[data.care] - 1)
    assert np.array_equal(out[~data.care], state.y[:, problem.first_output :][~data.care])
