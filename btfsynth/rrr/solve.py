"""RRR runs: the iteration loop of a batch of restarts, geometric checkpoints, stopping and
the best weights so far.

A :class:`Batch` iterates up to R restarts of one network and data side by side in the lanes
of one kernel call (lanes.py, sweeps.py); :func:`solve` is a batch of one. The kernel runs
blocks of iterations; between blocks the loop reports progress (as :class:`Progress` data to a
callback: this module never prints) and honours stop requests (Ctrl-C, the user's stop, or an
earlier restart having solved). A block ends at the first checkpoint or stop of any restart in
it, and checkpoints are spaced geometrically per restart (method.md §5), so that both short and
long runs get a readable history at a small cost. Each restart stops on its own; the caller
refills its slot with a new restart (:meth:`Batch.add`), so the batch stays full.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numba
import numpy as np

from ..dataset import Dataset
from ..network import ThresholdNetwork
from .iterate import SPACER, iterate, iterate_threads
from .kernels import FLOAT, JOB_ROWS, SCRATCH_ROWS
from .lanes import NODE_PARTS, Lanes, ThreadChoice, batch_size
from .layout import chunk_bounds, initial_state, input_codes, make_problem

CHECKPOINT_RATIO = 1.25
"""Checkpoint k+1 is at about 1.25 × checkpoint k (at least one iteration later)."""

PARALLEL_MIN_WORK = 20_000
"""Edge·items per iteration below which the chunks run on one thread: waking the thread pool
three times per iteration costs more than such small iterations."""

BLOCK_SECONDS = 0.2
"""Target wall time of one kernel call (the Ctrl-C granularity) and the least time between two
progress reports of a batch."""


@dataclass
class Params:
    """The RRR parameters of method.md §5."""

    sigma: float = 3.0
    beta: float = 0.2
    gamma: float = 1e-3
    max_iter: int = 10_000
    gap_stop: float = 0.01
    stop_when_exact: bool = False
    """Also stop at the first checkpoint where the consensus network is right on every training
    item (not the method's criterion, so such a run is not ``solved``; off by default)."""


@dataclass
class Checkpoint:
    """One history entry: gaps at ``iteration`` and the accuracy of the consensus weights."""

    iteration: int
    gap: float
    gap_w: float
    gap_x: float
    gap_y: float
    min_gap: float
    train_accuracy: float
    test_accuracy: float | None


@dataclass(frozen=True)
class Progress:
    """What a progress callback receives after every block of iterations of a run.

    The first fields describe the run (``rate`` in iterations per second over the last block,
    ``run_seconds`` since the run started); the others where the whole search stands, filled in
    by restarts.py: the worker (1..jobs) running it, restarts handed out (``started``) and
    finished (``done``) of ``restarts``, how many solved, the lowest gap of any run and the
    seconds since the search started.
    """

    seed: int
    iteration: int
    max_iter: int
    gap: float
    min_gap: float
    train_accuracy: float
    rate: float = 0.0
    run_seconds: float = 0.0
    worker: int = 1
    started: int = 1
    done: int = 0
    restarts: int = 1
    solved: int = 0
    best_gap: float = math.inf
    seconds: float = 0.0


Stop = Literal["interrupted", "superseded", "budget"]
"""Why a run was stopped early: the user stopped the search; an earlier restart solved (with
stop at first solution), which makes this run's outcome irrelevant but is no interruption; or
the search's time budget ran out."""


@dataclass
class Run:
    """The outcome of one run: the consensus weights at the stop when solved, otherwise the
    best-scoring consensus weights seen at a checkpoint."""

    seed: int
    solved: bool
    iterations: int
    seconds: float
    weights: np.ndarray
    codes: np.ndarray  # ±1 input values per training item (learned codes if generative)
    history: list[Checkpoint] = field(default_factory=list)
    stopped: Stop | None = None
    exact: bool = False  # the kept weights are right on every training item

    @property
    def interrupted(self) -> bool:
        """The user stopped this run (not: another restart solved first)."""
        return self.stopped == "interrupted"

    def summary(self) -> dict:
        last = self.history[-1] if self.history else None
        return {
            "seed": self.seed,
            "solved": self.solved,
            "exact": self.exact,
            "iterations": self.iterations,
            "seconds": round(self.seconds, 4),
            "min_gap": last.min_gap if last else None,
            "train_accuracy": last.train_accuracy if last else None,
            "stopped": self.stopped,
            "history": curves(self.history),
        }


CURVES = ("iteration", "gap", "min_gap", "train_accuracy", "test_accuracy")
"""The checkpoint columns a run's summary keeps, for learning-curve plots."""
CURVE_POINTS = 200
"""Checkpoints a summary keeps at most (geometric spacing gives about 60 per 10^6 iterations;
longer histories are thinned evenly, keeping the last)."""


def curves(history: list[Checkpoint]) -> dict[str, list]:
    """The columns of :data:`CURVES` over (at most :data:`CURVE_POINTS` of) ``history``, to 6
    significant digits; values not known (inf, nan, no test set) are None."""
    keep = history
    if len(history) > CURVE_POINTS:
        picks = np.unique(np.linspace(0, len(history) - 1, CURVE_POINTS).round().astype(int))
        keep = [history[i] for i in picks]

    def short(x):
        if x is None or not np.isfinite(x):
            return None
        return x if isinstance(x, int) else float(f"{x:.6g}")

    return {name: [short(getattr(c, name)) for c in keep] for name in CURVES}


def state_bytes(n_nodes: int, n_edges: int, n_items: int, restarts: int = 1) -> int:
    """Peak bytes a batch of ``restarts`` runs allocates at most, from the sizes alone (nothing
    is allocated): per run, the FLOAT state tiles w, x (per edge·item) and y, g (per
    node·item) with their float64 item-major draws and FLOAT copies while initial_state tiles
    them, the workspace u, 1/(1 − u²), y_B, G, the kernel's per-node scratch (the A values,
    and the concur sums and weights of each of up to NODE_PARTS parts), and per part its
    SCRATCH_ROWS FLOAT, JOB_ROWS float64 and two int64 rows per item with their spacers, and
    the network's and problem's edge arrays."""
    chunks = chunk_bounds(n_items)  # at most 17 numbers
    cells = (len(chunks) - 1) * int(np.diff(chunks).max())
    size = np.dtype(FLOAT).itemsize
    rows = size * (SCRATCH_ROWS + SPACER) + 8 * (JOB_ROWS + 2 + 2 * SPACER)
    per_cell = size * (2 * n_edges + (7 + 2 * NODE_PARTS) * n_nodes) + NODE_PARTS * rows
    originals = n_items * (2 * n_edges + 2 * n_nodes) * (8 + size)
    return restarts * (cells * per_cell + originals + 8 * (8 * n_edges + 4 * n_nodes))


def advance(lanes: Lanes, params: Params, count: int, active: int, parallel: bool) -> int:
    """Run up to ``count`` iterations of slots 0..active−1 in place (iterate.iterate, or
    iterate_threads when ``parallel``), until a restart reaches ``lanes.limit`` or solves;
    returns how many ran."""
    p, s = lanes.problem, lanes.state
    return (iterate_threads if parallel else iterate)(
        p.src, p.in_ptr, p.m, p.delta, p.n_inputs, p.n_outputs, p.input_code,
        lanes.datat, lanes.targt, p.free_outputs, p.n_items, lanes.bounds,
        *lanes.geometry(active),
        s.w, s.x, s.y, s.g, lanes.u, lanes.iu, lanes.yb, lanes.blocks, lanes.wbar,
        params.beta, params.gamma, params.gap_stop,
        lanes.iters, lanes.limit, lanes.min_gap, lanes.last, count,
    )  # fmt: skip


def score(
    network: ThresholdNetwork,
    inputs: np.ndarray,
    targets: np.ndarray,
    care: np.ndarray | None = None,
) -> float:
    """Accuracy on ±1 ``inputs`` and 0/1 ``targets``: bitwise for binary outputs (right cared
    bits over cared bits, ``care`` None meaning all), the fraction of items whose argmax is
    right for class outputs (method.md §1)."""
    if len(targets) == 0:
        return 1.0
    h, y = network.forward(inputs)
    out = slice(network.n_nodes - network.n_outputs, network.n_nodes)
    if network.output_kind == "class":
        return int(np.count_nonzero(np.argmax(h[:, out], 1) == np.argmax(targets, 1))) / len(h)
    right = (y[:, out] > 0) == (targets > 0)
    if care is None:
        return int(np.count_nonzero(right)) / right.size
    cared = int(np.count_nonzero(care))
    return int(np.count_nonzero(right & care)) / cared if cared else 1.0


def next_checkpoint(iteration: int) -> int:
    return max(iteration + 1, math.ceil(iteration * CHECKPOINT_RATIO))


@dataclass(eq=False)
class Active:
    """A restart running in a batch: its restart index, its run so far, its next checkpoint,
    the key of its best checkpoint and whether the last one was exact."""

    index: int
    run: Run
    start: float
    checkpoint: int = 1
    best_key: tuple = (-1.0, -math.inf)
    exact_now: bool = False
    ended: bool = False


class Batch:
    """Up to ``capacity`` restarts of one network and data, iterated together (lanes.py).

    :meth:`add` starts restart ``index`` from the random point of ``seed`` in a free slot;
    :meth:`step` runs one block of iterations and returns the runs that ended in it. A
    restart's run (history, weights, iterations, outcome) is the one it has alone: it depends
    on its seed only, not on the capacity, its slot or the other restarts. ``capacity``
    defaults to lanes.batch_size, which depends on the problem's size only.
    """

    def __init__(
        self,
        network: ThresholdNetwork,
        data: Dataset,
        params: Params,
        test: Dataset | None = None,
        capacity: int | None = None,
    ) -> None:
        self.network, self.data, self.params = network, data, params
        self.problem = make_problem(network, data, params.sigma)
        p = self.problem
        size = batch_size(p.n_items, p.n_edges)
        self.lanes = Lanes.create(p, max(1, min(capacity or size, size)))
        self.test_inputs = test.signed_inputs() if test is not None and test.n_items else None
        self.test = test
        self.active: list[Active] = []
        self.block = 16
        self.reported = -math.inf
        self.threads = numba.get_num_threads()
        self.choice = ThreadChoice()

    @property
    def free(self) -> int:
        """Slots a new restart can take."""
        return self.lanes.capacity - len(self.active)

    def add(self, index: int, seed: int) -> None:
        """Start restart ``index`` from the random point of ``seed``."""
        if not self.free:
            raise ValueError("the batch is full")
        slot = len(self.active)
        self.lanes.place(slot, initial_state(self.problem, seed))
        weights = np.zeros(self.problem.n_edges)
        run = Run(seed, False, 0, 0.0, weights, self.codes(slot))
        self.active.append(Active(index, run, time.perf_counter()))

    def codes(self, slot: int) -> np.ndarray:
        """The ±1 input values of every item of the restart in ``slot``."""
        p = self.problem
        if p.input_code == 0:
            return p.data.copy()
        return input_codes(p, self.lanes.rows(slot, self.lanes.state.y, slice(1, p.first_btf)))

    def record(self, slot: int) -> None:
        """A checkpoint of the restart in ``slot``: gaps, accuracies, best weights so far."""
        a, lanes = self.active[slot], self.lanes
        run, wbar = a.run, lanes.wbar[slot]
        net = self.network.with_weights(wbar)
        codes = self.codes(slot)
        train = score(net, codes, self.data.targets, self.data.care)
        tested = None
        if self.test_inputs is not None:
            tested = score(net, self.test_inputs, self.test.targets, self.test.care)
        last, min_gap = lanes.last[slot], float(lanes.min_gap[slot])
        run.history.append(Checkpoint(run.iterations, *map(float, last), min_gap, train, tested))
        a.exact_now = train == 1.0
        key = (train, -float(last[0]))
        if key > a.best_key or run.solved:
            a.best_key = key
            run.weights = wbar.copy()
            run.codes = codes
            run.exact = a.exact_now

    def step(
        self,
        progress: Callable[[Progress], None] | None = None,
        should_stop: Callable[[int], Stop | None] | None = None,
    ) -> list[tuple[int, Run]]:
        """One block of iterations of every running restart; returns (index, run) of each
        that ended in it (solved, at max_iter, exact with stop_when_exact, or stopped: by a
        reason ``should_stop(index)`` gives, or by Ctrl-C for all). ``progress`` receives the
        state of the lowest-index restart after every block, of every other at most every
        BLOCK_SECONDS, and of each that ended."""
        if not self.active:
            return []
        try:
            self._iterate(progress, should_stop)
        except KeyboardInterrupt:  # every run stops, keeping its best weights
            for a in self.active:
                if not a.ended and not self._finished(a):
                    a.run.stopped = "interrupted"
                a.ended = True
        return self._collect()

    def _finished(self, a: Active) -> bool:
        run = a.run
        return run.solved or run.iterations == self.params.max_iter

    def _iterate(self, progress, should_stop) -> None:
        params, lanes, p = self.params, self.lanes, self.problem
        count = len(self.active)
        lanes.limit[:count] = [min(a.checkpoint, params.max_iter) for a in self.active]
        work = count * p.n_items * p.n_edges
        tiles = len(lanes.seg) if lanes.spread else -(-count // lanes.per)
        units = tiles * (len(lanes.bounds) - 1)  # what sweeps 1 and 3 run side by side
        can = self.threads > 1 and units > 1 and work >= PARALLEL_MIN_WORK
        split = can and len(lanes.bounds) > 2  # one restart over the threads: measure
        parallel = can and (not split or self.choice.pick())
        tick = time.perf_counter()
        try:
            done = advance(lanes, params, self.block, count, parallel)
        finally:  # the iterations counted, even when Ctrl-C arrives as the kernel returns
            iters = lanes.iters[:count].tolist()
            solved = (lanes.min_gap[:count] < params.gap_stop).tolist()
            for slot, a in enumerate(self.active):
                a.run.iterations = iters[slot]
                a.run.solved = solved[slot]
        elapsed = time.perf_counter() - tick
        for slot, a in enumerate(self.active):
            a.ended = self._finished(a)
            if a.run.iterations == a.checkpoint or a.ended:
                self.record(slot)
                a.checkpoint = next_checkpoint(a.checkpoint)
                a.ended = a.ended or (params.stop_when_exact and a.exact_now)
        rate = done / max(elapsed, 1e-6)
        if split and elapsed >= BLOCK_SECONDS / 2:
            self.choice.record(parallel, rate)
        now = time.perf_counter()
        if progress is not None:
            due = now - self.reported >= BLOCK_SECONDS
            self.reported = now if due else self.reported
            first = min(a.index for a in self.active)
            # the lowest restart index (the one a search waits for) after every block, the
            # others at most every BLOCK_SECONDS; the lowest last, as a display keeps the latest
            for slot in sorted(range(count), key=lambda k: -self.active[k].index):
                a = self.active[slot]
                if due or a.ended or a.index == first:
                    progress(self._progress(slot, rate, now))
        if should_stop is not None:
            for a in self.active:
                reason = None if a.ended else should_stop(a.index)
                if reason is not None:
                    a.run.stopped = reason
                    a.ended = True
        self.block = int(min(max(rate * BLOCK_SECONDS, 1), 1_000_000))

    def _progress(self, slot: int, rate: float, now: float) -> Progress:
        a, lanes = self.active[slot], self.lanes
        acc = a.run.history[-1].train_accuracy if a.run.history else 0.0
        return Progress(
            a.run.seed, a.run.iterations, self.params.max_iter, float(lanes.last[slot, 0]),
            float(lanes.min_gap[slot]), acc, rate, now - a.start,
        )  # fmt: skip

    def _collect(self) -> list[tuple[int, Run]]:
        """Take the ended restarts out (their last checkpoint recorded), keeping the running
        ones packed in the lowest slots."""
        ended = []
        slot = 0
        while slot < len(self.active):
            a = self.active[slot]
            if not a.ended:
                slot += 1
                continue
            run = a.run
            if run.iterations and (not run.history or run.history[-1].iteration != run.iterations):
                self.record(slot)
            run.seconds = time.perf_counter() - a.start
            ended.append((a.index, run))
            last = len(self.active) - 1
            if slot != last:
                self.lanes.move(last, slot)
                self.active[slot] = self.active[last]
            self.active.pop()
        return sorted(ended, key=lambda item: item[0])


def warm_up(network: ThresholdNetwork, data: Dataset, params: Params) -> None:
    """Compile (or load from numba's cache) the serial kernel for this problem: one
    iteration of one restart. Worker processes then load it from the cache instead of each
    compiling the same kernel at the same time."""
    batch = Batch(network, data, replace(params, max_iter=1), capacity=1)
    batch.add(0, 0)
    batch.step()


def solve(
    network: ThresholdNetwork,
    data: Dataset,
    params: Params,
    seed: int,
    test: Dataset | None = None,
    progress: Callable[[Progress], None] | None = None,
    should_stop: Callable[[], Stop | None] | None = None,
) -> Run:
    """Run RRR from the random start of ``seed`` until the gap criterion or ``max_iter`` (or,
    with ``params.stop_when_exact``, a checkpoint where the consensus network is exact).

    Ctrl-C (KeyboardInterrupt) ends the run early as ``stopped = "interrupted"``, and so does a
    reason returned by ``should_stop()`` (asked after every block of an unfinished run); the
    run keeps the best weights so far.
    """
    runs = solve_many(
        network, data, params, [seed], test, progress, should_stop and (lambda i: should_stop())
    )
    return runs[0]


def solve_many(
    network: ThresholdNetwork,
    data: Dataset,
    params: Params,
    seeds: Sequence[int],
    test: Dataset | None = None,
    progress: Callable[[Progress], None] | None = None,
    should_stop: Callable[[int], Stop | None] | None = None,
    capacity: int | None = None,
) -> list[Run]:
    """The runs of ``seeds`` (all with the same network and data), R at a time in a batch
    whose finished slots are refilled in seed order; each run is the one :func:`solve` gives
    for its seed. ``should_stop(k)`` may stop the run of ``seeds[k]``."""
    batch = Batch(network, data, params, test, capacity)
    runs: dict[int, Run] = {}
    following = 0
    interrupted = False
    while following < len(seeds) or batch.active:
        while batch.free and following < len(seeds) and not interrupted:
            batch.add(following, seeds[following])
            following += 1
        for index, run in batch.step(progress, should_stop):
            runs[index] = run
            interrupted = interrupted or run.interrupted
        if interrupted and not batch.active:
            break
    return [runs[k] for k in sorted(runs)]
