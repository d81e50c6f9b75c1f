"""What ``synth`` reports: every network it tried, every circuit it scored, and the winner."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..budget import Budget
from ..netlist import Netlist

KINDS = ("learned", "espresso", "decision tree")
"""Circuit kinds, in the order that breaks ties (a learned circuit first)."""


@dataclass
class Tried:
    """One network the learner trained: its label, whether it met the gap criterion
    (``solved``) and was right on every training row (``exact``: "rows met" when only that),
    and what it cost."""

    label: str
    solved: bool
    exact: bool
    train: float
    iterations: int
    seconds: float
    note: str = ""

    def line(self) -> str:
        verdict = "solved" if self.solved else "rows met" if self.exact else "not met"
        note = f"; {self.note}" if self.note else ""
        return (
            f"  {self.label:28} {verdict:15} train {100 * self.train:6.2f}%  "
            f"{self.iterations:>9} it  {self.seconds:6.1f} s{note}"
        )


@dataclass
class Attempt:
    """One circuit, scored: bitwise accuracies on the cared bits of the rows it was fitted
    on (``train``), of the validation rows and of the test rows (None: no such rows), its AND2
    count, whether it is right on every cared row it was fitted on, and how it was made."""

    kind: str
    name: str
    ands: int
    exact: bool
    train: float
    valid: float | None = None
    test: float | None = None
    seconds: float = 0.0
    netlist: Netlist | None = field(default=None, repr=False)

    def line(self, winner: bool = False) -> str:
        scores = f"train {100 * self.train:6.2f}%"
        if self.valid is not None:
            scores += f"  valid {100 * self.valid:6.2f}%"
        if self.test is not None:
            scores += f"  test {100 * self.test:6.2f}%"
        mark = "→" if winner else " "
        return f"{mark} {self.kind:14} {self.ands:>6} AND2  {scores}  {self.name}"


@dataclass
class SynthResult:
    """The outcome of :func:`btfsynth.synth.synth`: the winning circuit and everything behind
    the choice."""

    netlist: Netlist
    winner: Attempt
    mode: str
    why_mode: str
    why_winner: str
    attempts: list[Attempt]
    tried: list[Tried]
    budget: Budget
    seconds: float
    iterations: int
    rows: tuple[int, int, int]
    """Rows fitted, validation rows, test rows."""
    stopped: str | None = None
    """Why the search ended before its plan did: "budget", "interrupted", or None."""

    def lines(self) -> list[str]:
        fit, valid, test = self.rows
        split = f"{fit} rows fitted" + (f", {valid} for validation" if valid else "")
        split += f", {test} test rows" if test else ""
        spent = f"{self.seconds:.1f} s" + (f", {self.iterations} learner iterations")
        out = [f"mode:       {self.mode} ({self.why_mode}); {split}"]
        out.append(f"networks tried ({spent}{', ' + self.stopped if self.stopped else ''}):")
        out += [t.line() for t in self.tried] or ["  (none)"]
        out.append("circuits:")
        out += [a.line(a is self.winner) for a in self.attempts]
        out.append(f"kept:       {self.winner.kind} ({self.why_winner})")
        return out
