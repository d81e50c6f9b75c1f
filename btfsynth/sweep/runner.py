"""Where a sweep's runs execute: a local process pool, or a Dask cluster.

Both back ends take the same jobs and call back with each finished run's line as it comes,
in whatever order the runs finish; a run's line depends on its job alone (seed included), so
the back end and the worker that ran it never change it. At most :data:`IN_FLIGHT` runs per
worker are handed out at a time, so a sweep of any length keeps a bounded number queued.

* :class:`LocalPool`: ``jobs`` spawned worker processes (numba's thread pool does not survive a
  fork), each importing the learner once. A worker that dies breaks the pool: a new one is
  started and the runs that had not come back are handed out again, so none is lost.
* :class:`DaskCluster`: ``tcp://HOST:PORT`` connects to a running scheduler, ``local:N`` starts
  a ``LocalCluster`` of N single-threaded worker processes. Dask reschedules the runs of a
  worker that is lost. ``dask[distributed]`` is the optional extra ``btfsynth[cluster]``.

Ctrl-C stops handing out runs, cancels the ones queued, and leaves the lines already
recorded; runs in progress are dropped (a rerun does them).
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from ..cluster import check_address, dask_client, worker_count
from ..errors import BtfsynthError
from .jobs import run_job
from .spec import Job

IN_FLIGHT = 2
"""Runs handed to each worker at a time: one running, one waiting."""

Done = Callable[[Job, dict], None]


def runner_for(cluster: str | None, jobs: int, load: Callable):
    """The back end a command's ``--cluster`` and ``--jobs`` ask for; ``load`` reads a job's
    data source (see :func:`~btfsynth.sweep.jobs.run_job`)."""
    if cluster is None:
        return LocalPool(load, jobs)
    return DaskCluster(load, cluster)


def _quiet_worker() -> None:
    """Workers leave Ctrl-C and SIGTERM to the parent, which decides when to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


class LocalPool:
    """``workers`` local worker processes."""

    def __init__(self, load: Callable, workers: int = 1):
        if workers < 1:
            raise BtfsynthError(f"--jobs must be at least 1, not {workers}")
        self.load, self.workers = load, workers

    def run(self, jobs: list[Job], done: Done) -> None:
        """Run ``jobs``, calling ``done(job, line)`` as each finishes."""
        left = list(reversed(jobs))
        while left:
            pool = ProcessPoolExecutor(self.workers, multiprocessing.get_context("spawn"),
                                       initializer=_quiet_worker)  # fmt: skip
            running: dict = {}
            try:
                while left or running:
                    while left and len(running) < IN_FLIGHT * self.workers:
                        future = pool.submit(run_job, left[-1], self.load)  # may raise
                        running[future] = left.pop()
                    finished, _ = wait(running, return_when=FIRST_COMPLETED)
                    for future in finished:
                        line = future.result()  # raises first if the pool broke
                        done(running.pop(future), line)
                pool.shutdown()
            except BrokenProcessPool:  # a worker died: its runs and the queued ones go again
                left.extend(reversed(list(running.values())))
                _kill(pool)
            except BaseException:
                _kill(pool)
                raise


def _kill(pool: ProcessPoolExecutor) -> None:
    """End the pool now: queued runs are cancelled and the workers, which ignore SIGTERM,
    killed."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.kill()
    for process in processes:
        process.join(5)


class DaskCluster:
    """A Dask scheduler (``tcp://HOST:PORT``) or a local cluster of N workers (``local:N``)."""

    def __init__(self, load: Callable, address: str):
        check_address(address)
        self.load, self.address = load, address

    def run(self, jobs: list[Job], done: Done) -> None:
        """Run ``jobs`` on the cluster, calling ``done(job, line)`` as each finishes."""
        with dask_client(self.address) as client:
            from distributed import as_completed

            left, running, stream = list(reversed(jobs)), {}, as_completed()

            def submit() -> None:
                job = left.pop()
                future = client.submit(run_job, job, self.load, pure=False)
                running[future.key] = job
                stream.add(future)

            while left and len(running) < IN_FLIGHT * worker_count(client):
                submit()
            for future in stream:
                done(running.pop(future.key), future.result())
                if left:
                    submit()
