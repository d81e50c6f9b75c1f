"""``learn --restarts`` on a Dask cluster: one task per restart, the same answer as locally.

Each restart runs alone in a task (:func:`one_restart`: a batch of one, whose run is bit for
bit the one the seed gives in a local batch, tests/test_rrr_batch.py); the network and data are
sent to every worker once (scattered). Restarts are handed out in seed order, at most
:data:`IN_FLIGHT` per worker, and taken in by the same :class:`~btfsynth.rrr.restarts.Tracker`
as the local paths, so the reported run is the solving restart of the lowest seed, after every
lower seed has finished, whichever worker ran what. A restart beyond a solved one is cancelled
(it is not recorded); a task that fails (its worker lost more often than Dask retries) is
reported lost. The time budget travels with each task; the first Ctrl-C sets a Dask event that
the running restarts look at after every block, so they return their best weights as local
workers do, and cancels the queued ones. Progress is reported per finished restart only.
"""

from __future__ import annotations

import time
import uuid

from ..cluster import dask_client, worker_count
from ..dataset import Dataset
from ..network import ThresholdNetwork
from .restarts import Tracker
from .solve import Batch, Params, Run

IN_FLIGHT = 2
"""Restarts handed to each worker at a time: one running, one waiting."""
POLL_SECONDS = 0.25
"""How often the parent looks at stop requests while restarts run, and a task at the user's."""
STOP_SECONDS = 10.0
"""How long running restarts get, after a stop, to return their runs."""


def one_restart(
    network: ThresholdNetwork,
    data: Dataset,
    params: Params,
    test: Dataset | None,
    index: int,
    seed: int,
    seconds: float | None,
    stop: str,
) -> Run:
    """The run of restart ``index`` (seed ``seed``), stopped after ``seconds`` if given, or
    when the search sets the Dask event named ``stop`` (the user's stop: the run comes back
    with its best weights, as a local worker's does)."""
    from distributed import Event

    batch = Batch(network, data, params, test, capacity=1)
    batch.add(index, seed)
    end = None if seconds is None else time.monotonic() + seconds
    event, looked = Event(stop), [0.0]

    def should_stop(_: int):
        if end is not None and time.monotonic() >= end:
            return "budget"
        if time.monotonic() - looked[0] >= POLL_SECONDS:  # a round trip to the scheduler
            looked[0] = time.monotonic()
            if event.is_set():
                return "interrupted"
        return None

    while True:
        for _, run in batch.step(None, should_stop):
            return run


def run_cluster(tracker: Tracker, network: ThresholdNetwork, data: Dataset, params: Params,
                test: Dataset | None, address: str) -> None:  # fmt: skip
    """Run the tracker's restarts on the Dask cluster at ``address``."""
    with dask_client(address) as client:
        from distributed import Event, as_completed

        shared = client.scatter([network, data, test], broadcast=True)
        stop = Event(f"btfsynth-stop-{uuid.uuid4().hex}", client=client)
        running: dict[str, tuple[int, object]] = {}
        stream = as_completed()
        following = 0

        def fill() -> None:
            nonlocal following
            wanted = IN_FLIGHT * worker_count(client)
            while following < tracker.limit() and not tracker.stopping() and len(running) < wanted:
                left = None
                if tracker.deadline is not None:
                    left = max(0.0, tracker.deadline - time.monotonic())
                seed = tracker.seeds[following]
                future = client.submit(one_restart, *shared[:2], params, shared[2], following,
                                       seed, left, stop.name, pure=False)  # fmt: skip
                running[future.key] = (following, future)
                stream.add(future)
                tracker.started += 1
                following += 1

        def drop(keys) -> None:
            for key in keys:
                _, future = running.pop(key)
                future.cancel()
                tracker.skip()

        def take(futures) -> None:
            for future in futures:
                if future.key not in running:
                    continue  # cancelled
                index, _ = running.pop(future.key)
                try:
                    tracker.finish(index, future.result())
                except Exception as exc:  # noqa: BLE001 - a lost task is reported, not raised
                    tracker.lose(index, f"{type(exc).__name__}: {exc}")

        fill()
        while running:
            if tracker.interrupted:  # every restart handed out returns its best weights
                stop.set()
                end = time.monotonic() + STOP_SECONDS
                while running and time.monotonic() < end:
                    take(stream.next_batch(block=False))
                    time.sleep(POLL_SECONDS / 5)
                drop(list(running))
                break
            done = stream.next_batch(block=False)
            if not done:
                time.sleep(POLL_SECONDS)
                continue
            take(done)
            drop([key for key, (index, _) in running.items() if index >= tracker.limit()])
            fill()
