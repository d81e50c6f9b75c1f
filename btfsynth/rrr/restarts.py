"""Independent restarts of RRR, in this process or in parallel worker processes (workers.py).

A run that hits ``max_iter`` is a failure and RRR restarts from a new random point (method.md
§5). Restart k uses seed ``seed + k``, so any run can be replayed alone, and the reported run is
chosen by a rule that does not depend on the order in which runs finish: the first solved run in
seed order, else the best train accuracy (then the lowest gap, then the lowest seed). With
``stop_at_first`` a solved run k stops only the restarts after k; earlier ones still run to
their end, so the same seed gives the same result for any number of jobs.

While restarts run, SIGINT (and SIGTERM, when the program has a handler for it, as the CLI has)
asks every run to stop at its next block of iterations and keep its best weights; a second
signal raises KeyboardInterrupt at once.
"""

from __future__ import annotations

import contextlib
import math
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from ..dataset import Dataset
from ..network import ThresholdNetwork
from .lanes import restart_threads
from .solve import Batch, Params, Progress, Run, Stop


@dataclass(eq=False)
class Search:
    """The outcome of a set of restarts: the run to report (None if none finished), a summary
    per run in seed order, every run when asked to keep them, whether the user stopped the
    search, and the restarts lost to failing workers (one message each)."""

    best: Run | None
    summaries: list[dict]
    runs: list[Run]
    interrupted: bool
    lost: list[str]
    out_of_time: bool = False


def rank(run: Run, index: int, exact_counts: bool = False) -> tuple:
    """The reporting order of runs (lowest first): successful runs (solved, or exact with
    ``exact_counts``) by restart index, then the others by best train accuracy, last min gap
    and index."""
    if run.solved or (exact_counts and run.exact):
        return (0, index)
    last = run.history[-1] if run.history else None
    accuracy = max((c.train_accuracy for c in run.history), default=0.0)
    return (1, -accuracy, last.min_gap if last else math.inf, index)


@dataclass(eq=False)
class Tracker:
    """Where a search stands: counts for progress reports, the best run so far, the summaries,
    and the stop requests. Shared by the serial loop and the parallel one."""

    seeds: Sequence[int]
    params: Params
    stop_at_first: bool
    progress: Callable[[Progress], None] | None = None
    keep_runs: bool = False
    started: int = 0
    done: int = 0
    solved: int = 0
    best_gap: float = math.inf
    first_success: int | None = None
    interrupted: bool = False
    signals: int = 0
    best: Run | None = None
    best_rank: tuple = (2,)
    summaries: dict[int, dict] = field(default_factory=dict)
    runs: dict[int, Run] = field(default_factory=dict)
    lost: list[str] = field(default_factory=list)
    start: float = field(default_factory=time.perf_counter)
    deadline: float | None = None
    """``time.monotonic()`` at which the time budget ends every run (None: no budget)."""
    out_of_time: bool = False

    def success(self, run: Run) -> bool:
        """Ends the search with ``stop_at_first``: solved, or exact with stop_when_exact."""
        return run.solved or (self.params.stop_when_exact and run.exact)

    def limit(self) -> int:
        """Restarts with an index below this are still wanted."""
        if self.stop_at_first and self.first_success is not None:
            return self.first_success + 1
        return len(self.seeds)

    def stopping(self) -> bool:
        """The user stopped the search, or its time budget has run out."""
        if self.deadline is not None and time.monotonic() >= self.deadline:
            self.out_of_time = True
        return self.interrupted or self.out_of_time

    def stop_reason(self, index: int) -> Stop | None:
        """Why restart ``index`` should stop now, if it should."""
        if self.interrupted:
            return "interrupted"
        if self.stopping():
            return "budget"
        return "superseded" if index >= self.limit() else None

    def report(self, p: Progress, worker: int) -> None:
        """Pass a run's progress on, with the search's counts filled in."""
        self.best_gap = min(self.best_gap, p.min_gap)
        if self.progress is not None:
            self.progress(
                replace(
                    p,
                    worker=worker,
                    started=self.started,
                    done=self.done,
                    restarts=len(self.seeds),
                    solved=self.solved,
                    best_gap=self.best_gap,
                    seconds=time.perf_counter() - self.start,
                )
            )

    def finish(self, index: int, run: Run) -> None:
        """Take in the finished (or stopped) run of restart ``index``."""
        if run.interrupted and self.out_of_time and not self.interrupted:
            run.stopped = "budget"  # a worker stopped by the budget knows only "stop"
        self.done += 1
        self.solved += run.solved
        if run.history:
            self.best_gap = min(self.best_gap, run.history[-1].min_gap)
        self.summaries[index] = run.summary()
        if self.keep_runs:
            self.runs[index] = run
        key = rank(run, index, self.params.stop_when_exact)
        if key < self.best_rank:
            self.best, self.best_rank = run, key
        if run.interrupted:
            self.interrupted = True
        if self.success(run) and (self.first_success is None or index < self.first_success):
            self.first_success = index

    def skip(self) -> None:
        """A restart that was handed out but not run (the search ended before it started)."""
        self.done += 1

    def lose(self, index: int, message: str) -> None:
        """A restart whose run is lost (its worker failed)."""
        self.done += 1
        seed = self.seeds[index]
        self.summaries[index] = {"seed": seed, "solved": False, "lost": message}
        self.lost.append(f"restart with seed {seed}: {message}")

    def result(self) -> Search:
        order = sorted(self.summaries)
        return Search(
            self.best,
            [self.summaries[k] for k in order],
            [self.runs[k] for k in sorted(self.runs)],
            self.interrupted,
            self.lost,
            self.out_of_time,
        )


@contextlib.contextmanager
def stop_on_signals(tracker: Tracker) -> Iterator[None]:
    """While active, the first SIGINT (or SIGTERM, if a Python handler is installed for it)
    sets ``tracker.interrupted``, so every run stops at its next block and keeps its best
    weights; a second one raises KeyboardInterrupt. A flag rather than an exception, because
    an exception could land inside a message being read from a worker. Only the main thread
    can handle signals: elsewhere this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    wanted = [signal.SIGINT]
    if callable(signal.getsignal(signal.SIGTERM)):
        wanted.append(signal.SIGTERM)
    previous = {signum: signal.getsignal(signum) for signum in wanted}

    def handler(signum, frame) -> None:
        tracker.signals += 1
        tracker.interrupted = True
        if tracker.signals > 1:
            raise KeyboardInterrupt

    for signum in wanted:
        signal.signal(signum, handler)
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


def search_restarts(
    network: ThresholdNetwork,
    data: Dataset,
    params: Params,
    seeds: Sequence[int],
    jobs: int = 1,
    stop_at_first: bool = True,
    test: Dataset | None = None,
    progress: Callable[[Progress], None] | None = None,
    keep_runs: bool = False,
    seconds: float | None = None,
    cluster: str | None = None,
) -> Search:
    """Run the restarts of the seeds (in batches of solve.Batch, in worker processes when
    jobs > 1) and return the best run and a summary of every run. Only the best run is kept unless
    ``keep_runs``, so that many restarts need little memory. ``progress`` sees every block of
    iterations of every run, from this process or from the workers. After ``seconds`` every run
    stops at its next block, keeping its best weights (``stopped`` "budget"). ``cluster``
    (a Dask address, see :mod:`btfsynth.cluster`) runs the restarts there instead.

    ``jobs`` is the cores to use. A restart that can use several threads (one that fills a
    tile alone, lanes.restart_threads: the 3×3 multiplier) gets them, and the search runs
    jobs // threads such restarts side by side: with stop at the first solution, a faster
    lowest seed answers sooner than two slower seeds side by side."""
    tracker = Tracker(seeds, params, stop_at_first, progress, keep_runs)
    threads = min(
        jobs, restart_threads(data.n_items, network.n_edges, network.n_nodes - network.first_btf)
    )
    workers = max(1, jobs // threads)
    parallel = cluster is None and workers > 1 and len(seeds) > 1
    if parallel:
        from .workers import compile_first, run_parallel  # here: workers import this module

        compile_first(network, data, params)
    if seconds is not None:
        tracker.deadline = time.monotonic() + seconds
    with stop_on_signals(tracker):
        if cluster is not None:
            from .cluster import run_cluster

            run_cluster(tracker, network, data, params, test, cluster)
        elif parallel:
            run_parallel(tracker, network, data, params, test, workers, threads)
        else:
            _serial(tracker, network, data, params, test)
    return tracker.result()


def _serial(
    tracker: Tracker,
    network: ThresholdNetwork,
    data: Dataset,
    params: Params,
    test: Dataset | None,
) -> None:
    """The restarts in this process, as one batch (solve.Batch) refilled in seed order."""
    batch = Batch(network, data, params, test, capacity=len(tracker.seeds))
    following = 0
    try:
        while True:
            while batch.free and following < tracker.limit() and not tracker.stopping():
                tracker.started += 1
                batch.add(following, tracker.seeds[following])
                following += 1
            if not batch.active:
                break
            for index, run in batch.step(lambda p: tracker.report(p, 1), tracker.stop_reason):
                tracker.finish(index, run)
    except KeyboardInterrupt:  # a second signal, outside a run's iterations
        tracker.interrupted = True
