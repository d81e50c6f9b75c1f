"""Restarts as lanes: a batch of restarts gives every restart the run it has alone, bit for bit."""

from __future__ import annotations

import numba
import numpy as np
import pytest
from test_rrr import dag_network, random_data, with_dont_cares

from btfsynth.network import ThresholdNetwork
from btfsynth.rrr import lanes as lanes_module
from btfsynth.rrr.lanes import (
    MAX_BATCH,
    TILE_LANES,
    Lanes,
    ThreadChoice,
    batch_size,
    restarts_per_tile,
)
from btfsynth.rrr.layout import initial_state, make_problem
from btfsynth.rrr.solve import Batch, Params, advance, solve, solve_many
from btfsynth.tasks import multiplier


def same_run(a, b) -> bool:
    """Two runs agree in every number they report (not in their wall time)."""
    keys = ("iteration", "gap", "gap_w", "gap_x", "gap_y", "min_gap", "train_accuracy")
    history = [[getattr(c, k) for k in keys] + [c.test_accuracy] for c in a.history]
    return (
        (a.seed, a.solved, a.iterations, a.stopped, a.exact)
        == (b.seed, b.solved, b.iterations, b.stopped, b.exact)
        and history == [[getattr(c, k) for k in keys] + [c.test_accuracy] for c in b.history]
        and np.array_equal(a.weights, b.weights)
        and np.array_equal(a.codes, b.codes)
    )


CASES = {
    "2x2 multiplier": lambda rng: (ThresholdNetwork.layered([4, 4, 4, 4]), multiplier(2).dataset),
    "2x2 multiplier, don't-cares": lambda rng: (
        ThresholdNetwork.layered([4, 4, 4, 4]),
        with_dont_cares(multiplier(2).dataset, rng, 0.3),
    ),
    "dag, 3 analog items": lambda rng: (dag_network(), random_data("analog", 3, 2, 3, rng)),
    "one-hot codes": lambda rng: (
        ThresholdNetwork.layered([3, 4, 2]),
        random_data("onehot", 3, 2, 11, rng),
    ),
    "classes, 40 items": lambda rng: (
        ThresholdNetwork.layered([3, 5, 3]),
        random_data("class", 3, 3, 40, rng),
    ),
}


@pytest.mark.parametrize("tile_lanes", [64, TILE_LANES])
@pytest.mark.parametrize("case", sorted(CASES))
def test_a_batch_runs_every_restart_as_it_runs_alone(case, tile_lanes, monkeypatch):
    """A fixed number of iterations: each restart of a batch (several per tile, and with
    64-lane tiles several tiles) has the state and the run it has alone."""
    monkeypatch.setattr(lanes_module, "TILE_LANES", tile_lanes)
    net, data = CASES[case](np.random.default_rng(len(case)))
    params = Params(max_iter=150, gap_stop=0.0)  # no run stops early
    seeds = [3, 4, 5, 6, 7, 8, 9]
    problem = make_problem(net, data, params.sigma)
    capacity = min(len(seeds), batch_size(problem.n_items, problem.n_edges))
    together = Lanes.create(problem, capacity)
    for slot in range(capacity):
        together.place(slot, initial_state(problem, seeds[slot]))
    together.limit[:] = 2**62
    assert advance(together, params, 60, capacity, False) == 60
    for slot in range(capacity):
        single = Lanes.create(problem, 1)
        single.place(0, initial_state(problem, seeds[slot]))
        single.limit[:] = 2**62
        advance(single, params, 60, 1, False)
        for name in ("w", "x", "y", "g"):
            want = single.rows(0, getattr(single.state, name), slice(None))
            assert np.array_equal(
                together.rows(slot, getattr(together.state, name), slice(None)), want
            )
        assert np.array_equal(together.wbar[slot], single.wbar[0])
        assert np.array_equal(together.last[slot], single.last[0])
    runs = solve_many(net, data, params, seeds, capacity=3)
    for seed, run in zip(seeds, runs):
        assert same_run(run, solve(net, data, params, seed))


def test_finished_lanes_are_refilled_and_every_run_is_as_alone():
    """Seed 12 solves at 649 iterations, the others run to max_iter: its slot takes the next
    seed while the others go on, and the slots are repacked as the batch empties."""
    net, data = ThresholdNetwork.layered([4, 4, 4, 4]), multiplier(2).dataset
    params = Params(max_iter=900)
    seeds = list(range(10, 17))
    batched = solve_many(net, data, params, seeds, capacity=3)
    assert [run.seed for run in batched] == seeds
    assert batched[2].solved and batched[2].iterations == 649
    for seed, run in zip(seeds, batched):
        assert same_run(run, solve(net, data, params, seed))


def test_stopping_one_restart_leaves_the_others_on_their_way():
    net, data = ThresholdNetwork.layered([4, 4, 4, 4]), multiplier(2).dataset
    params = Params(max_iter=400, gap_stop=0.0)
    batch = Batch(net, data, params, capacity=4)
    for index in range(4):
        batch.add(index, 20 + index)
    ended = []
    while batch.active:
        stop = lambda k: "superseded" if k == 1 and batch.active[0].run.iterations > 100 else None  # noqa: E731
        ended += batch.step(should_stop=stop)
    runs = dict(ended)
    assert runs[1].stopped == "superseded" and 100 < runs[1].iterations < 400
    for index in (0, 2, 3):
        assert runs[index].iterations == 400
        assert same_run(runs[index], solve(net, data, params, 20 + index))


def test_the_batch_size_comes_from_the_problem_size_alone():
    threads = numba.get_num_threads()
    net, data = ThresholdNetwork.layered([4, 4, 4, 4]), multiplier(2).dataset
    sizes = set()
    try:
        for count in {1, threads}:
            numba.set_num_threads(count)
            sizes.add(Batch(net, data, Params()).lanes.capacity)
    finally:
        numba.set_num_threads(threads)
    assert sizes == {batch_size(16, 60)}
    assert batch_size(16, 60) % restarts_per_tile(16, 60) == 0 and batch_size(16, 60) <= MAX_BATCH
    assert batch_size(65, 10) == 1  # several chunks: one restart fills the rows
    assert batch_size(64, 474) == 1  # one restart already brings enough work


def test_a_split_restart_follows_the_faster_thread_count_and_probes_the_other():
    """ThreadChoice: two measured blocks of each, then the faster, the other every PROBE
    blocks; a block that turns the ranking over turns the choice over."""
    choice = ThreadChoice()
    picks = []
    for _ in range(4 + 3 * ThreadChoice.PROBE):
        threaded = choice.pick()
        picks.append(threaded)
        choice.record(threaded, 25e3 if threaded else 18e3)
    assert picks[:4] == [True, True, False, False]
    assert picks[4:].count(False) == 3  # one probe of one thread per PROBE blocks
    choice.record(True, 15e3)  # the host slowed one vCPU: two threads lose
    assert choice.pick() is False
