"""Progress on stderr: the learner's (redrawn in place on a terminal, plain lines elsewhere)
and the evaluator's (a bar on a terminal, nothing elsewhere).

btfsynth.rrr.learn passes :class:`~btfsynth.rrr.solve.Progress` data after every block of
iterations of every run (from this process or from worker processes); this module alone turns
them into text. On a terminal a header line (restarts done, solved, best gap, elapsed) and one
line per worker are redrawn at most every :data:`REDRAW_SECONDS`; on a pipe or file one plain
line is written at most every :data:`PLAIN_SECONDS`, so that logs stay short.

:class:`Bar` draws the evaluator's ``progress(done, total)`` calls (btfsynth.sim) for the
checks of ``verify`` and ``equiv`` that last more than half a second.
"""

from __future__ import annotations

import math
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from btfsynth.rrr.solve import Progress

REDRAW_SECONDS = 0.1
PLAIN_SECONDS = 5.0
BAR_AFTER = 0.5


def rate_text(rate: float) -> str:
    """Iterations per second, short: ``950 it/s``, ``14.2k it/s``, ``1.3M it/s``."""
    for unit, scale in (("M", 1e6), ("k", 1e3)):
        if rate >= scale:
            return f"{rate / scale:.1f}{unit} it/s"
    return f"{rate:.0f} it/s"


def seconds_text(seconds: float) -> str:
    """Elapsed time, short: ``12.3 s``, ``4m05s``, ``2h03m``."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes}m{int(seconds % 60):02d}s"
    return f"{minutes // 60}h{minutes % 60:02d}m"


def gap_text(gap: float) -> str:
    return f"{gap:.4f}" if math.isfinite(gap) else "-"


def search_text(p: Progress) -> str:
    """Where the whole search stands."""
    return (
        f"restarts {p.done}/{p.restarts} done, {p.solved} solved, "
        f"best gap {gap_text(p.best_gap)}, {seconds_text(p.seconds)}"
    )


def worker_text(p: Progress) -> str:
    """The run a worker is in."""
    return (
        f"worker {p.worker}: seed {p.seed} iter {p.iteration}/{p.max_iter} "
        f"gap {gap_text(p.gap)} min {gap_text(p.min_gap)} train {100 * p.train_accuracy:.1f}% "
        f"{rate_text(p.rate)} {seconds_text(p.run_seconds)}"
    )


@dataclass(eq=False)
class ProgressDisplay:
    """A progress callback for :func:`btfsynth.rrr.learn.learn` that draws on ``stream``."""

    stream: TextIO
    tty: bool
    plain_seconds: float = PLAIN_SECONDS
    clock: Callable[[], float] = time.monotonic
    workers: dict[int, Progress] = field(default_factory=dict)
    latest: Progress | None = None
    drawn: int = 0
    last: float = -math.inf

    @classmethod
    def on(cls, stream: TextIO) -> ProgressDisplay:
        """Redraw in place if ``stream`` is a terminal, else write plain lines."""
        isatty = getattr(stream, "isatty", None)
        return cls(stream, bool(isatty and isatty()))

    def __call__(self, p: Progress) -> None:
        self.workers[p.worker] = p
        self.latest = p
        now = self.clock()
        if now - self.last < (REDRAW_SECONDS if self.tty else self.plain_seconds):
            return
        self.last = now
        if self.tty:
            self.redraw()
        else:
            self.stream.write(self.plain_line() + "\n")
        self.stream.flush()

    def lines(self) -> list[str]:
        if self.latest is None:
            return []
        workers = [worker_text(self.workers[k]) for k in sorted(self.workers)]
        return [search_text(self.latest), *workers]

    def plain_line(self) -> str:
        """Everything on one line, for logs."""
        return "progress: " + "; ".join(self.lines())

    def redraw(self) -> None:
        """Move back over the lines drawn before and draw them anew, each cut to the terminal
        width (a wrapped line would throw the cursor arithmetic off)."""
        width = max(shutil.get_terminal_size().columns - 1, 20)
        lines = self.lines()
        out = ["\r" + (f"\x1b[{self.drawn - 1}A" if self.drawn > 1 else "")]
        out.append("\n".join(line[:width] + "\x1b[K" for line in lines))
        self.stream.write("".join(out))
        self.drawn = len(lines)

    def close(self) -> None:
        """Leave the last drawing on screen and end its line."""
        if self.tty and self.latest is not None:
            self.redraw()
            self.stream.write("\n")
            self.stream.flush()


@dataclass
class Bar:
    """A one-line progress bar for ``progress(done, total)`` callbacks, drawn only on a
    terminal and once the work has lasted :data:`BAR_AFTER` seconds; :meth:`close` clears it."""

    stream: TextIO
    label: str = "evaluating"
    enabled: bool = True
    start: float = field(default_factory=time.monotonic)
    last: float = 0.0
    drawn: bool = False

    @classmethod
    def on(cls, stream: TextIO, label: str = "evaluating") -> Bar:
        return cls(stream, label, stream.isatty())

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.enabled or now - self.last < REDRAW_SECONDS or now - self.start < BAR_AFTER:
            return
        self.last = now
        frac = done / max(total, 1)
        eta = (now - self.start) * (1 - frac) / frac if frac > 0 else math.nan
        bar = "#" * int(30 * frac)
        self.stream.write(f"\r{self.label} [{bar:<30}] {100 * frac:5.1f}%  eta {eta:6.0f} s")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\r" + " " * 72 + "\r")
            self.stream.flush()


@dataclass
class SynthDisplay:
    """A progress callback for :func:`btfsynth.synth.synth`: each network tried and circuit
    scored becomes a line; on a terminal the learner's progress is one line redrawn below."""

    stream: TextIO
    tty: bool
    status: bool = False
    last: float = -math.inf

    @classmethod
    def on(cls, stream: TextIO) -> SynthDisplay:
        isatty = getattr(stream, "isatty", None)
        return cls(stream, bool(isatty and isatty()))

    def __call__(self, event) -> None:
        if isinstance(event, Progress):
            now = time.monotonic()
            if self.tty and now - self.last >= REDRAW_SECONDS:
                self.last = now
                width = max(shutil.get_terminal_size().columns - 1, 20)
                self.stream.write("\r" + worker_text(event)[:width] + "\x1b[K")
                self.status = True
                self.stream.flush()
            return
        line = event if isinstance(event, str) else event.line()
        self.stream.write(("\r\x1b[K" if self.status else "") + line + "\n")
        self.status = False
        self.stream.flush()

    def close(self) -> None:
        if self.status:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
