"""Checking a circuit against a truth table with the bit-packed evaluator.

:func:`verify` evaluates a netlist or threshold network on every row of a table (complete or
sampled), skipping don't-cares, and reports mismatches per output and the first
counterexamples; :func:`accuracy` is its score. :func:`match_names` pairs the inputs and outputs
of two sides by name or by position (also for :mod:`btfsynth.sim.equiv`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..errors import BtfsynthError
from ..netlist import Netlist
from ..network import ThresholdNetwork
from ..truthtable import TruthTable, all_input_rows, pack_bits
from .packed import iter_chunks, popcount
from .program import as_program


def bit_string(values) -> str:
    """0/1 values as a string of digits."""
    return "".join(str(int(v)) for v in values)


SHOWN = 8
"""How many names or outputs a one-line list shows before it says how many more there are."""


def listing(items: list[str], limit: int = SHOWN) -> str:
    """``a, b, c`` — or the first ``limit`` items and ``… (N more)``, so lines stay short."""
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f", … ({len(items) - limit} more)"


def match_names(
    ours: tuple[str, ...],
    theirs: tuple[str, ...],
    by_position: bool | None,
    what: str,
    sides: tuple[str, str] = ("the circuit", "the table"),
) -> tuple[list[int], str | None]:
    """For each of ``ours``, the index of its partner in ``theirs``, and a note when the match
    needs one.

    ``by_position`` True matches by position, False by name (every name needs a partner). None
    matches by name when both sides have the same names; when the names differ it matches by
    position and says so in the note, unless a name both sides share sits at different
    positions, which no match can honour: that is an error."""
    if len(ours) != len(theirs):
        raise BtfsynthError(f"{sides[0]} has {len(ours)} {what}s, {sides[1]} has {len(theirs)}")
    where = {name: i for i, name in enumerate(theirs)}
    if by_position or (by_position is None and set(ours) != set(theirs)):
        if by_position:
            return list(range(len(ours))), None
        moved = [name for i, name in enumerate(ours) if where.get(name, i) != i]
        if moved:
            raise BtfsynthError(
                f"{what} names differ between {sides[0]} and {sides[1]}, and {what} "
                f"{moved[0]!r} sits at different positions in the two: rename, or give "
                f"--by-position to match by position"
            )
        return list(range(len(ours))), (
            f"{what}s matched by position, since their names differ ({sides[0]}: "
            f"{listing([n for n in ours if n not in where], 3)}; {sides[1]}: "
            f"{listing([n for n in theirs if n not in set(ours)], 3)}); "
            f"--by-position silences this"
        )
    missing = [name for name in ours if name not in where]
    if missing:
        raise BtfsynthError(
            f"{what} {missing[0]!r} has no partner of that name (match by position instead?)"
        )
    return [where[name] for name in ours], None


@dataclass
class Counterexample:
    """A row on which the circuit is wrong: input bits, expected bits ('-' = don't care), and
    the circuit's bits, in the circuit's input and output order."""

    row: int
    inputs: str
    expected: str
    got: str


@dataclass
class VerifyReport:
    """The outcome of :func:`verify`."""

    input_names: tuple[str, ...]
    output_names: tuple[str, ...]
    rows_checked: int
    rows_wrong: int
    bits_checked: int
    bits_wrong: int
    mismatches: dict[str, int]
    counterexamples: list[Counterexample] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.bits_wrong == 0

    def summary(self) -> str:
        lines = [
            f"rows checked: {self.rows_checked}, wrong: {self.rows_wrong}; "
            f"output bits checked: {self.bits_checked}, wrong: {self.bits_wrong}"
        ]
        wrong = [f"{k}: {v}" for k, v in self.mismatches.items() if v]
        if wrong:
            lines.append(f"mismatches: {listing(wrong)}")
        for c in self.counterexamples:
            lines.append(f"row {c.row}: inputs {c.inputs}  expected {c.expected}  got {c.got}")
        lines.append("OK" if self.ok else "MISMATCH")
        return "\n".join(lines)


@dataclass
class Accuracy:
    """Fractions of rows (all cared outputs right) and of cared output bits that are right."""

    rows: float
    bits: float


def verify(
    circuit: Netlist | ThresholdNetwork,
    table: TruthTable,
    by_position: bool | None = None,
    max_counterexamples: int = 10,
    progress: Callable[[int, int], None] | None = None,
) -> VerifyReport:
    """Check a circuit on every row of ``table``; don't-care outputs are skipped.

    Inputs and outputs are matched by name when both sides have the same names, else by
    position (``by_position`` forces either).
    """
    program = as_program(circuit)
    ins, in_note = match_names(program.input_names, table.input_names, by_position, "input")
    outs, out_note = match_names(program.output_names, table.output_names, by_position, "output")
    inputs, expected = table.inputs[:, ins], table.outputs[:, outs]
    care = table.care[:, outs]
    planes, want, cared = pack_bits(inputs), pack_bits(expected), pack_bits(care)
    counts = np.zeros(program.n_outputs, dtype=np.int64)
    rows_wrong = 0
    examples: list[Counterexample] = []
    for word0, got in iter_chunks(program, planes, progress=progress):
        sl = slice(word0, word0 + got.shape[1])
        diff = (got ^ want[:, sl]) & cared[:, sl]
        counts += popcount(diff, axis=1)
        any_wrong = np.bitwise_or.reduce(diff, axis=0) if len(diff) else diff.sum(axis=0)
        rows_wrong += popcount(any_wrong)
        for w in np.flatnonzero(any_wrong):
            if len(examples) >= max_counterexamples:
                break
            for bit in range(64):
                if len(examples) < max_counterexamples and (int(any_wrong[w]) >> bit) & 1:
                    r = 64 * (word0 + int(w)) + bit
                    shown = "".join("-" if not c else str(v) for v, c in zip(expected[r], care[r]))
                    mine = bit_string((int(got[k, w]) >> bit) & 1 for k in range(len(got)))
                    examples.append(Counterexample(r, bit_string(inputs[r]), shown, mine))
    return VerifyReport(
        program.input_names, program.output_names, int(care.any(axis=1).sum()), int(rows_wrong),
        int(care.sum()), int(counts.sum()), dict(zip(program.output_names, counts.tolist())),
        examples, [note for note in (in_note, out_note) if note],
    )  # fmt: skip


def accuracy(circuit: Netlist | ThresholdNetwork, table: TruthTable, **match) -> Accuracy:
    """Fraction of the rows and of the cared output bits the circuit gets right."""
    report = verify(circuit, table, max_counterexamples=0, **match)
    rows = 1 - report.rows_wrong / report.rows_checked if report.rows_checked else 1.0
    bits = 1 - report.bits_wrong / report.bits_checked if report.bits_checked else 1.0
    return Accuracy(rows, bits)


def complete_table(netlist: Netlist) -> TruthTable:
    """The complete truth table of ``netlist`` (all 2^n rows), from the reference evaluator."""
    rows = all_input_rows(netlist.n_inputs)
    names = (tuple(netlist.input_names), tuple(netlist.output_names))
    return TruthTable(rows, netlist.evaluate(rows), None, *names, netlist.name)
