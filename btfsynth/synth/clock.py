"""The budget of a ``synth`` search: wall time, or learner iterations.

A time budget is shared out as the search goes: each candidate may take a fraction of what is
left (:meth:`Clock.grant`), so no hopeless candidate eats it all. An iteration budget is shared
the same way, but counted in the learner's iterations (restarts × iterations per run), and a
candidate is charged only the iterations whose count the seed fixes (:meth:`Clock.charge`), so
that a seed fully determines the search on any machine and for any number of jobs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ..budget import Budget

MIN_SECONDS = 1.0
"""A candidate gets at least this long while the budget lasts (a restart must start)."""
MAX_RESTARTS = 1_000
"""Restarts a time-limited candidate may start (the time ends it long before)."""


@dataclass(frozen=True)
class Grant:
    """What one candidate may spend: restarts of ``max_iter`` iterations, within ``seconds``
    (None: no time limit)."""

    restarts: int
    seconds: float | None


@dataclass
class Clock:
    """Where a search stands against its budget."""

    budget: Budget
    hold: float = 0.0
    """Share of the budget held back until :meth:`release`."""
    start: float = field(default_factory=time.monotonic)
    iterations: int = 0

    def release(self) -> None:
        """Make the held-back share of the budget available."""
        self.hold = 0.0

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def seconds_left(self) -> float | None:
        if self.budget.seconds is None:
            return None
        return max(0.0, (1 - self.hold) * self.budget.seconds - self.elapsed())

    def iterations_left(self) -> int | None:
        if self.budget.iterations is None:
            return None
        return max(0, int((1 - self.hold) * self.budget.iterations) - self.iterations)

    def spent(self) -> bool:
        left = self.seconds_left()
        if left is not None:
            return left <= 0.05
        return self.iterations_left() <= 0

    def grant(self, share: float, max_iter: int, most: int = MAX_RESTARTS) -> Grant | None:
        """``share`` of what is left, for runs of ``max_iter`` iterations, and at least one run
        while one fits (None: none does)."""
        left = self.seconds_left()
        if left is not None:
            return Grant(most, max(left * share, min(left, MIN_SECONDS))) if left > 0.05 else None
        iterations = self.iterations_left()
        if iterations < max_iter:
            return None
        return Grant(min(most, max(1, int(iterations * share) // max_iter)), None)

    def charge(self, runs: list[dict], winner: int | None) -> int:
        """Count the iterations of a candidate's runs that its seeds fix: every run up to the
        reported one (``winner``, a seed; None: every run). Runs after it were stopped when it
        solved, at a moment that depends on the machine: they are not counted."""
        counted = [r for r in runs if winner is None or r["seed"] <= winner]
        used = sum(int(r.get("iterations") or 0) for r in counted)
        self.iterations += used
        return used
