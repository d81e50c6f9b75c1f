"""One RRR run: the iteration loop, geometric checkpoints, stopping and the best weights so far.

The numba kernel runs blocks of iterations; between blocks the loop reports progress (as
:class:`Progress` data to a callback: this module never prints) and honours stop requests
(Ctrl-C, the user's stop, or an earlier restart having solved). Blocks end on checkpoint
iterations, which are spaced geometrically (method.md §5), so that both short and long runs get a
readable history at a small cost.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numba
import numpy as np

from ..dataset import Dataset
from ..network import ThresholdNetwork
from .kernels import SCRATCH_ROWS, iterate
from .layout import (
    Problem,
    State,
    chunk_bounds,
    initial_state,
    input_codes,
    make_problem,
    untile,
)

CHECKPOINT_RATIO = 1.25
"""Checkpoint k+1 is at about 1.25 × checkpoint k (at least one iteration later)."""

PARALLEL_MIN_WORK = 20_000
"""Edge·items per iteration below which the chunks run on one thread: waking the thread pool
three times per iteration costs more than such small iterations."""

BLOCK_SECONDS = 0.2
"""Target wall time of one kernel call (the progress and Ctrl-C granularity)."""


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


Stop = Literal["interrupted", "superseded"]
"""Why a run was stopped early: the user stopped the search, or an earlier restart solved (with
stop at first solution), which makes this run's outcome irrelevant but is no interruption."""


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
        }


@dataclass(eq=False)
class Workspace:
    """Arrays the kernel fills besides the state: the roots u of P_A's blocks, P_B's values y_B
    and the block gaps G, per node and item as chunk tiles (layout.tile), and the consensus
    weights w̄ of the last iteration."""

    u: np.ndarray
    yb: np.ndarray
    blocks: np.ndarray
    wbar: np.ndarray

    @classmethod
    def for_problem(cls, problem: Problem) -> Workspace:
        shape = (len(problem.chunks) - 1, problem.n_nodes, int(np.diff(problem.chunks).max()))
        return cls(np.zeros(shape), np.zeros(shape), np.zeros(shape), np.zeros(problem.n_edges))


def state_bytes(n_nodes: int, n_edges: int, n_items: int) -> int:
    """Peak bytes one run allocates, from the sizes alone (nothing is allocated): the state
    tiles w, x (per edge·item) and y, g (per node·item) with their item-major originals while
    initial_state tiles them, the workspace u, y_B, G, the kernel's per-node scratch (three
    tiles) and its SCRATCH_ROWS rows per item, and the network's and problem's edge arrays."""
    chunks = chunk_bounds(n_items)  # at most 17 numbers
    cells = (len(chunks) - 1) * int(np.diff(chunks).max())
    per_cell = 2 * n_edges + 2 * n_nodes + 3 * n_nodes + 3 * n_nodes + SCRATCH_ROWS + 1
    originals = n_items * (2 * n_edges + 2 * n_nodes)
    return 8 * (cells * per_cell + originals + 8 * n_edges + 4 * n_nodes)


def advance(
    problem: Problem,
    state: State,
    work: Workspace,
    params: Params,
    count: int,
    min_gap: float,
    history: np.ndarray,
    parallel: bool,
) -> int:
    """Run up to ``count`` iterations in place (see kernels.iterate); returns how many ran."""
    p = problem
    return iterate(
        p.src, p.dst, p.in_ptr, p.m, p.delta, p.n_inputs, p.n_outputs, p.input_code, p.data,
        p.targets, p.chunks, state.w, state.x, state.y, state.g, work.u, work.yb, work.blocks,
        work.wbar, params.beta, params.gamma, count, params.gap_stop, min_gap, history, parallel,
    )  # fmt: skip


def score(network: ThresholdNetwork, inputs: np.ndarray, targets: np.ndarray) -> float:
    """Accuracy on ±1 ``inputs`` and 0/1 ``targets``: bitwise for binary outputs, the fraction
    of items whose argmax is right for class outputs (method.md §1)."""
    if len(targets) == 0:
        return 1.0
    h, y = network.forward(inputs)
    out = slice(network.n_nodes - network.n_outputs, network.n_nodes)
    if network.output_kind == "class":
        return float(np.mean(np.argmax(h[:, out], 1) == np.argmax(targets, 1)))
    return float(np.mean((y[:, out] > 0) == (targets > 0)))


def next_checkpoint(iteration: int) -> int:
    return max(iteration + 1, math.ceil(iteration * CHECKPOINT_RATIO))


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
    problem = make_problem(network, data, params.sigma)
    state = initial_state(problem, seed)
    work = Workspace.for_problem(problem)
    wbar = work.wbar
    parallel = (
        problem.n_items * problem.n_edges >= PARALLEL_MIN_WORK and numba.get_num_threads() > 1
    )
    test_inputs = test.signed_inputs() if test is not None and test.n_items else None

    def current_codes() -> np.ndarray:
        return input_codes(problem, untile(state.y[:, 1 : problem.first_btf], problem.chunks))

    run = Run(seed, False, 0, 0.0, wbar.copy(), current_codes())
    best_key = (-1.0, -math.inf)
    start = time.perf_counter()
    min_gap = math.inf
    checkpoint = 1
    block = 16
    last = np.full(4, math.inf)
    exact_now = False

    def record() -> None:
        nonlocal best_key, exact_now
        net = network.with_weights(wbar)
        codes = current_codes()
        train = score(net, codes, data.targets)
        tested = score(net, test_inputs, test.targets) if test_inputs is not None else None
        run.history.append(Checkpoint(run.iterations, *map(float, last), min_gap, train, tested))
        exact_now = train == 1.0
        key = (train, -last[0])
        if key > best_key or run.solved:
            best_key = key
            run.weights = wbar.copy()
            run.codes = codes
            run.exact = exact_now

    try:
        while True:
            count = min(block, checkpoint - run.iterations, params.max_iter - run.iterations)
            history = np.empty((count, 4))
            tick = time.perf_counter()
            done = advance(problem, state, work, params, count, min_gap, history, parallel)
            elapsed = time.perf_counter() - tick
            run.iterations += done
            last = history[done - 1]
            min_gap = min(min_gap, float(history[:done, 0].min()))
            run.solved = min_gap < params.gap_stop
            finished = run.solved or run.iterations == params.max_iter
            if run.iterations == checkpoint or finished:
                record()
                checkpoint = next_checkpoint(checkpoint)
                finished = finished or (params.stop_when_exact and exact_now)
            rate = done / max(elapsed, 1e-6)
            if progress is not None:
                acc = run.history[-1].train_accuracy if run.history else 0.0
                progress(
                    Progress(
                        seed,
                        run.iterations,
                        params.max_iter,
                        float(last[0]),
                        min_gap,
                        acc,
                        rate,
                        time.perf_counter() - start,
                    )
                )
            if finished:
                break
            reason = should_stop() if should_stop is not None else None
            if reason is not None:
                run.stopped = reason
                break
            block = int(min(max(rate * BLOCK_SECONDS, 1), 1_000_000))
    except KeyboardInterrupt:
        run.stopped = "interrupted"
    if run.iterations and (not run.history or run.history[-1].iteration != run.iterations):
        record()
    run.seconds = time.perf_counter() - start
    return run
