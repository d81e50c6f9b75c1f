"""Independent restarts of RRR, in this process or in parallel worker processes.

A run that hits ``max_iter`` is a failure and RRR restarts from a new random point (method.md
§5). Restart k uses seed ``seed + k``, so any run can be replayed alone. Workers are spawned
(not forked: numba's thread pool does not survive a fork) and run one numba thread each; the
kernels sum in a fixed chunk order, so a seed gives the same trajectory in a worker as here.
With ``stop_at_first`` the first solved run stops the others at their next block of iterations.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor, as_completed

import numba

from ..dataset import Dataset
from ..network import ThresholdNetwork
from .solve import Params, Progress, Run, solve

_STOP = None  # the pool's stop event, inside a worker


def _init_worker(stop) -> None:
    global _STOP
    _STOP = stop
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and sets _STOP
    numba.set_num_threads(1)


def _solve_in_worker(network, data, params, seed, test) -> Run:
    return solve(network, data, params, seed, test, should_stop=_STOP.is_set)


def run_restarts(
    network: ThresholdNetwork,
    data: Dataset,
    params: Params,
    seeds: Sequence[int],
    jobs: int = 1,
    stop_at_first: bool = True,
    test: Dataset | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> list[Run]:
    """Run ``solve`` for every seed (``jobs`` at a time) and return the runs in seed order.

    Runs stopped by Ctrl-C come back with ``interrupted`` set; runs that never started are
    left out. ``progress`` sees every block of a run in this process, and one report per
    finished run from workers.
    """
    if jobs <= 1 or len(seeds) <= 1:
        runs = []
        for seed in seeds:
            runs.append(solve(network, data, params, seed, test, progress))
            if runs[-1].interrupted or (runs[-1].solved and stop_at_first):
                break
        return runs
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    runs = []
    with ProcessPoolExecutor(
        min(jobs, len(seeds)), mp_context=context, initializer=_init_worker, initargs=(stop,)
    ) as pool:
        futures = [
            pool.submit(_solve_in_worker, network, data, params, seed, test) for seed in seeds
        ]

        def halt() -> None:
            stop.set()
            for future in futures:
                future.cancel()

        try:
            for future in as_completed(futures):
                run = _result(future)
                if run is None:
                    continue
                runs.append(run)
                if progress is not None:
                    last = run.history[-1] if run.history else None
                    progress(
                        Progress(
                            run.seed,
                            run.iterations,
                            params.max_iter,
                            last.gap if last else float("nan"),
                            last.min_gap if last else float("nan"),
                            last.train_accuracy if last else 0.0,
                        )
                    )
                if run.solved and stop_at_first:
                    halt()
        except KeyboardInterrupt:
            halt()
            done = {id(run) for run in runs}
            for future in futures:
                run = _result(future)
                if run is not None and id(run) not in done:
                    run.interrupted = True
                    runs.append(run)
            for run in runs:
                run.interrupted = run.interrupted or not run.solved
    return sorted(runs, key=lambda run: run.seed)


def _result(future: Future) -> Run | None:
    try:
        return future.result()
    except CancelledError:
        return None
