"""Parallel restarts: worker processes and the parent's loop that feeds and drains them.

Workers are spawned (not forked: numba's thread pool does not survive a fork) and run one numba
thread each, or the threads one restart can use (lanes.restart_threads); the kernels sum in a
fixed order, so a seed gives the same run in a worker as in the parent. Workers ignore SIGINT
and SIGTERM (Ctrl-C reaches the whole process group, and so may a SIGTERM): the parent alone
decides when to stop. They are started with both signals
blocked, so none can land before the worker has set them to ignored.

Every worker runs its restarts as one batch (solve.Batch: R restarts side by side in the
kernel's lanes, R from the problem's size alone) and has its own pipe. The parent hands each
worker at most R + 1 restarts at a time (a batch and the next), so any number of restarts keeps
a bounded number in flight. A worker sends :class:`Started` when a restart enters its batch,
a :class:`Report` per running restart at most every solve.BLOCK_SECONDS, and a
:class:`Finished` run per restart, in the order the runs end. The parent waits on all pipes
and process sentinels at once, so a worker that dies is noticed: its started restarts are lost,
its queued ones go to the other workers, and nothing hangs.

To stop, the parent sets a shared event (the user's stop) or lowers a shared bound (restarts
after an earlier solved one are superseded). Workers look at both after every block, return
their best run so far, skip the restarts queued behind it, and exit when told; one that does not
answer in time is killed.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import pickle
import signal
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess

import numba

from .. import jit
from ..dataset import Dataset
from ..network import ThresholdNetwork
from .lanes import batch_size
from .restarts import Tracker
from .solve import Batch, Params, Progress, Run, Stop, warm_up

QUEUED = 1
"""Restarts handed to a worker beyond its batch's capacity, so that a worker never waits for
the parent to refill a slot."""
POLL_SECONDS = 0.25
"""How often the parent looks at stop requests while waiting for messages."""
STOP_SECONDS = 10.0
"""How long workers get, after a stop, to return the run they are in (one block of iterations
normally takes BLOCK_SECONDS; a worker still compiling the kernels may take longer)."""
EXIT_SECONDS = 5.0
"""How long workers get to exit once told, before they are killed."""
NO_BOUND = 2**62
_SIGNALS = {signal.SIGINT, signal.SIGTERM}


@dataclass(frozen=True)
class Task:
    """Restart ``index`` of the search, with its seed."""

    index: int
    seed: int


@dataclass(frozen=True)
class Started:
    """Restart ``index`` has entered the worker's batch."""

    index: int


@dataclass(frozen=True)
class Report:
    """A worker's progress after a block of iterations."""

    progress: Progress


@dataclass(frozen=True)
class Finished:
    """A worker's run of restart ``index`` (ended, solved or stopped)."""

    index: int
    run: Run


@dataclass(frozen=True)
class Skipped:
    """Restart ``index`` was not run: the search had stopped, or an earlier restart solved."""

    index: int


@dataclass(frozen=True)
class Failed:
    """Restart ``index`` raised an exception in the worker (the worker carries on)."""

    index: int
    error: str


@dataclass(frozen=True)
class Died:
    """The worker process ended without being told to (killed, or crashed)."""

    exitcode: int | None


def _worker(conn: Connection, stop, bound, threads: int) -> None:
    """A worker's life: ignore the stop signals, read the problem, then run the tasks sent to
    it in a batch until told to exit (None) or the parent goes away."""
    for signum in _SIGNALS:
        signal.signal(signum, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _SIGNALS)
    numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    try:
        network, data, params, test, capacity = pickle.loads(conn.recv_bytes())
        _work(conn, stop, bound, Batch(network, data, params, test, capacity))
    except (EOFError, OSError):
        pass  # the parent has gone: nobody is left to report to


def _work(conn: Connection, stop, bound, batch: Batch) -> None:
    """Fill the batch with the tasks as they come, step it, and send what happens."""

    def should_stop(index: int) -> Stop | None:
        if stop.is_set():
            return "interrupted"
        return "superseded" if index > bound.value else None

    queue: deque[Task] = deque()
    while True:
        while conn.poll() or not (batch.active or queue):
            task = conn.recv()
            if task is None:
                return
            queue.append(task)
        while batch.free and queue:
            task = queue.popleft()
            if should_stop(task.index) is not None:
                conn.send(Skipped(task.index))
                continue
            batch.add(task.index, task.seed)
            conn.send(Started(task.index))
        if not batch.active:
            continue
        try:
            ended = batch.step(lambda p: conn.send(Report(p)), should_stop)
        except (EOFError, OSError):
            raise  # the pipe to the parent is gone
        except Exception as exc:  # reported to the parent, which decides
            for a in batch.active:
                conn.send(Failed(a.index, f"{type(exc).__name__}: {exc}"))
            batch.active.clear()
            continue
        for index, run in ended:
            conn.send(Finished(index, run))


@contextlib.contextmanager
def _signals_blocked() -> Iterator[None]:
    """Block SIGINT and SIGTERM in this thread (a spawned child inherits the mask); signals
    that arrive meanwhile are delivered when the block ends."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@dataclass(eq=False)
class Slot:
    """One worker process, its pipe, the tasks handed to it and those of them it started."""

    number: int
    process: BaseProcess
    conn: Connection
    tasks: deque[Task] = field(default_factory=deque)
    started: set[int] = field(default_factory=set)
    alive: bool = True


class Pool:
    """The worker processes of a search."""

    def __init__(self, window: int) -> None:
        self.window = window
        self.context = multiprocessing.get_context("spawn")
        self.stop = self.context.Event()
        self.bound = self.context.RawValue("q", NO_BOUND)
        self.slots: list[Slot] = []

    def start(self, jobs: int, problem: tuple, threads: int = 1) -> None:
        """Start ``jobs`` workers of ``threads`` numba threads, then send each the problem
        (pickled once)."""
        for number in range(1, jobs + 1):
            parent, child = self.context.Pipe()
            process = self.context.Process(
                target=_worker,
                args=(child, self.stop, self.bound, threads),
                name=f"btfsynth-worker-{number}",
                daemon=True,
            )
            with _signals_blocked():
                process.start()
            child.close()
            self.slots.append(Slot(number, process, parent))
        payload = pickle.dumps(problem, protocol=pickle.HIGHEST_PROTOCOL)
        for slot in self.slots:
            self._send(slot, payload, raw=True)

    def live(self) -> list[Slot]:
        return [slot for slot in self.slots if slot.alive]

    def busy(self) -> bool:
        return any(slot.tasks for slot in self.live())

    def assign(self, slot: Slot, task: Task) -> None:
        slot.tasks.append(task)
        self._send(slot, task)

    def _send(self, slot: Slot, message: object, raw: bool = False) -> None:
        try:
            slot.conn.send_bytes(message) if raw else slot.conn.send(message)
        except OSError:
            pass  # a dead worker: its sentinel tells the loop

    def poll(self, timeout: float) -> list[tuple[Slot, object]]:
        """The messages that arrive within ``timeout`` seconds, then a :class:`Died` for each
        worker that ended (after the messages it sent before)."""
        live = self.live()
        ready = set(wait([s.conn for s in live] + [s.process.sentinel for s in live], timeout))
        messages = []
        for slot in live:
            broken = False
            if slot.conn in ready:
                try:
                    while slot.conn.poll():
                        messages.append((slot, slot.conn.recv()))
                except (EOFError, OSError, pickle.UnpicklingError):
                    broken = True
            if broken or slot.process.sentinel in ready:
                slot.process.join(1.0)
                slot.alive = False
                messages.append((slot, Died(slot.process.exitcode)))
        return messages

    def close(self, grace: float = EXIT_SECONDS) -> None:
        """Tell the workers to exit, wait up to ``grace`` seconds, kill the ones still there."""
        self.stop.set()
        for slot in self.live():
            self._send(slot, None)
        deadline = time.monotonic() + grace
        for slot in self.slots:
            if slot.process.pid is not None:
                slot.process.join(max(0.0, deadline - time.monotonic()))
        for slot in self.slots:
            if slot.process.pid is not None and slot.process.exitcode is None:
                slot.process.kill()
                slot.process.join()
            slot.conn.close()


def _describe(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        with contextlib.suppress(ValueError):
            return f"its worker was killed by {signal.Signals(-exitcode).name}"
    return f"its worker exited unexpectedly (status {exitcode})"


def compile_first(network: ThresholdNetwork, data: Dataset, params: Params) -> None:
    """Compile the kernel once in this process, on a cold cache, before the workers start
    (which would otherwise all compile it at once) and before a time budget's clock starts:
    compiling is not searching."""
    if jit.is_cold():
        warm_up(network, data, params)
        jit.mark_warm()


def run_parallel(
    tracker: Tracker,
    network: ThresholdNetwork,
    data: Dataset,
    params: Params,
    test: Dataset | None,
    jobs: int,
    threads: int = 1,
) -> None:
    """Run the tracker's restarts on ``jobs`` workers of ``threads`` numba threads, feeding
    each a window of tasks, until every wanted restart has ended or the search is stopped."""
    capacity = min(len(tracker.seeds), batch_size(data.n_items, network.n_edges))
    pool = Pool(capacity + QUEUED)
    retry: deque[Task] = deque()  # tasks queued on workers that died, to run elsewhere
    next_index = 0
    try:
        problem = (network, data, params, test, capacity)
        pool.start(min(jobs, len(tracker.seeds)), problem, threads)
        while not tracker.stopping():
            for slot in _openings(pool.live(), pool.window):
                if retry:
                    task = retry.popleft()
                elif next_index < tracker.limit():
                    task = Task(next_index, tracker.seeds[next_index])
                    next_index += 1
                    tracker.started += 1
                else:
                    break
                pool.assign(slot, task)
            if not pool.busy():
                if not pool.live():
                    for task in retry:
                        tracker.lose(task.index, "not run: every worker died")
                    if next_index < tracker.limit():
                        left = tracker.limit() - next_index
                        tracker.lost.append(f"{left} restart(s) not run: every worker died")
                break
            for slot, message in pool.poll(POLL_SECONDS):
                _handle(tracker, pool, slot, message, retry, report=True)
        _collect(tracker, pool, retry)
    except KeyboardInterrupt:  # from a progress callback, or a second signal
        tracker.interrupted = True
        if tracker.signals < 2:
            with contextlib.suppress(KeyboardInterrupt):
                _collect(tracker, pool, retry)
    finally:
        pool.close(EXIT_SECONDS if tracker.signals < 2 else 0.0)


def _openings(slots: list[Slot], window: int) -> Iterator[Slot]:
    """The free places in the workers' windows, level by level (every idle worker gets a
    task before any gets a second one)."""
    for depth in range(1, window + 1):
        for slot in slots:
            if len(slot.tasks) < depth:
                yield slot


def _collect(tracker: Tracker, pool: Pool, retry: deque[Task]) -> None:
    """After a stop: let the workers return the runs they are in (within STOP_SECONDS)."""
    if not tracker.stopping():
        return
    pool.stop.set()
    deadline = time.monotonic() + STOP_SECONDS
    while pool.busy() and time.monotonic() < deadline:
        for slot, message in pool.poll(POLL_SECONDS):
            _handle(tracker, pool, slot, message, retry, report=False)


def _handle(
    tracker: Tracker,
    pool: Pool,
    slot: Slot,
    message: object,
    retry: deque[Task],
    report: bool,
) -> None:
    """Take in one message of ``slot``'s worker."""
    if isinstance(message, Report):
        if report:
            tracker.report(message.progress, slot.number)
    elif isinstance(message, Started):
        slot.started.add(message.index)
    elif isinstance(message, Died):
        for task in slot.tasks:
            if task.index in slot.started:
                tracker.lose(task.index, _describe(message.exitcode))
            else:
                retry.append(task)
        slot.tasks.clear()
        slot.started.clear()
    elif isinstance(message, Finished | Skipped | Failed):
        task = next((t for t in slot.tasks if t.index == message.index), None)
        if task is None:
            return  # cannot happen: a worker ends only tasks it was handed
        slot.tasks.remove(task)
        slot.started.discard(message.index)
        if isinstance(message, Finished):
            tracker.finish(message.index, message.run)
            pool.bound.value = tracker.limit() - 1  # later restarts stop (superseded)
        elif isinstance(message, Skipped):
            tracker.skip()
        else:
            tracker.lose(message.index, message.error)
