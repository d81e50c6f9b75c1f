"""Stopping ``btfsynth learn --jobs 2`` from outside: Ctrl-C, SIGTERM, dying workers.

Each test starts the command as a subprocess in its own session (so that signals can go to the
whole process group, as Ctrl-C in a terminal does), waits for its first progress line on stderr
(the workers are then iterating), signals it, and checks that it exits in bounded time without
a traceback, having written the best result so far. The subprocesses inherit NUMBA_CACHE_DIR,
so the kernels compile once per cache, not once per test.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from btfsynth import LearnResult
from btfsynth.exporters.model import read_result

STARTUP_SECONDS = 300.0  # a cold numba cache compiles the kernels first (60–200 s)
EXIT_SECONDS = 20.0
UNSOLVABLE = ["mult:2", "--widths", "4-1-4", "--max-iter", "100000000"]
"""One hidden node cannot carry a multiplier: the runs iterate until stopped."""
BOTH_ITERATING = ("worker 1:", "worker 2:")
"""A progress line that shows both workers in a run."""


class Learn:
    """A ``btfsynth learn`` subprocess whose stderr is read line by line in a thread."""

    def __init__(self, tmp_path: Path, *args: str) -> None:
        self.output = tmp_path / "out.json"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "btfsynth.cli.main", "learn", *args, "-o", str(self.output)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
            env=os.environ.copy(),
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.stderr: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.proc.stderr:
            self.stderr.append(line)
            self.lines.put(line)
        self.lines.put(None)

    def wait_for(self, *texts: str, seconds: float = STARTUP_SECONDS) -> str:
        """The first stderr line containing all ``texts`` (fails if the process ends first)."""
        text = " and ".join(map(repr, texts))
        deadline = time.monotonic() + seconds
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                pytest.fail(f"no {text} line within {seconds:.0f} s: {''.join(self.stderr)}")
            if line is None:
                pytest.fail(f"learn ended before a {text} line: {''.join(self.stderr)}")
            if all(t in line for t in texts):
                return line

    def workers(self) -> list[int]:
        """The pids of the worker processes (children running multiprocessing's spawn_main)."""
        pids = []
        for entry in Path("/proc").iterdir():
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes()
            except (OSError, ValueError):
                continue  # not a process, or gone
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == self.proc.pid and b"spawn_main" in cmdline:
                pids.append(int(entry.name))
        return sorted(pids)

    def finish(self, seconds: float = EXIT_SECONDS) -> tuple[int, float, str, str]:
        """Exit status, seconds taken, stdout and stderr once the process has ended."""
        tick = time.monotonic()
        try:
            code = self.proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            pytest.fail(f"learn did not exit within {seconds:.0f} s: {''.join(self.stderr)}")
        took = time.monotonic() - tick
        stdout = self.proc.stdout.read()
        self.reader.join(5)
        return code, took, stdout, "".join(self.stderr)

    def kill(self) -> None:
        """Clean up whatever is left of the process group."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.proc.stdout.close()


@pytest.fixture
def learn_process(tmp_path):
    started = []

    def start(*args: str) -> Learn:
        started.append(Learn(tmp_path, *args))
        return started[-1]

    yield start
    for process in started:
        process.kill()


def assert_interrupted_result(learn: Learn, code: int, stderr: str) -> LearnResult:
    assert code == 130, stderr
    assert "Traceback" not in stderr and "Error" not in stderr, stderr
    assert "interrupted: wrote the best weights so far" in stderr
    result = read_result(learn.output)
    assert result.interrupted and not result.solved
    assert result.iterations > 0 and result.history
    # each worker runs its two restarts side by side in one batch: all four were running
    assert len(result.runs) == 4 and all(r["stopped"] == "interrupted" for r in result.runs)
    return result


@pytest.mark.parametrize(
    "signum, group",
    [
        (signal.SIGINT, True),  # Ctrl-C in a terminal: the whole foreground process group
        (signal.SIGINT, False),
        (signal.SIGTERM, False),  # kill PID
        (signal.SIGTERM, True),  # a service manager or timeout(1) stopping the group
    ],
    ids=["sigint-group", "sigint", "sigterm", "sigterm-group"],
)
def test_signal_stops_every_worker_and_writes_the_best_so_far(learn_process, signum, group):
    learn = learn_process(*UNSOLVABLE, "--jobs", "2", "--restarts", "4")
    learn.wait_for(*BOTH_ITERATING)
    assert len(learn.workers()) == 2
    (os.killpg if group else os.kill)(learn.proc.pid, signum)
    code, took, stdout, stderr = learn.finish()
    assert took < 10, f"took {took:.1f} s to stop"
    assert_interrupted_result(learn, code, stderr)
    assert "not solved after" in stdout and "wrote" in stdout


def test_a_killed_worker_loses_its_run_but_not_the_search(learn_process):
    learn = learn_process(*UNSOLVABLE, "--jobs", "2", "--restarts", "4")
    learn.wait_for(*BOTH_ITERATING)
    victim = learn.workers()[0]
    os.kill(victim, signal.SIGKILL)
    # the victim's batch of two restarts is lost and counts as done; the other worker goes on
    learn.wait_for("restarts 2/4 done")
    learn.proc.send_signal(signal.SIGINT)
    code, took, _, stderr = learn.finish()
    assert code == 130 and "Traceback" not in stderr, stderr
    assert "lost: its worker was killed by SIGKILL" in stderr
    result = read_result(learn.output)
    assert result.interrupted and len([r for r in result.runs if "lost" in r]) == 2


def test_when_every_worker_dies_the_command_ends_with_an_error(learn_process):
    learn = learn_process(*UNSOLVABLE, "--jobs", "2", "--restarts", "3")
    learn.wait_for(*BOTH_ITERATING)
    for pid in learn.workers():
        os.kill(pid, signal.SIGKILL)
    code, took, _, stderr = learn.finish()
    assert code == 2 and "Traceback" not in stderr, stderr
    assert "error: no restart finished: restart with seed" in stderr
    assert not learn.output.exists()


def test_quiet_draws_no_progress(learn_process):
    learn = learn_process("mult:2", "--seed", "12", "--jobs", "2", "--restarts", "2", "--quiet")
    code, _, stdout, stderr = learn.finish(STARTUP_SECONDS)
    assert code == 0 and stderr == "", stderr
    assert "solved after 649 iterations" in stdout


def test_ctrl_c_on_a_dask_cluster_writes_the_best_so_far(learn_process):
    pytest.importorskip("distributed", reason="needs btfsynth[cluster]")
    learn = learn_process(*UNSOLVABLE, "--cluster", "local:2", "--restarts", "4")
    time.sleep(15)  # the cluster starts and the restarts run
    os.kill(learn.proc.pid, signal.SIGINT)
    code, took, stdout, stderr = learn.finish()
    assert code == 130, stderr
    assert "Traceback" not in stderr and "interrupted: wrote the best weights so far" in stderr
    result = read_result(learn.output)
    assert result.interrupted and result.iterations > 0 and result.history
    assert result.runs and all(r["stopped"] == "interrupted" for r in result.runs)
