"""Verification: a netlist against a truth table, and two netlists against each other.

* :func:`verify` evaluates the circuit on every row of a table (complete or sampled) with the
  bit-packed evaluator, skipping don't-cares, and reports mismatches per output and the first
  counterexamples.
* :func:`equivalent` decides whether two circuits compute the same outputs: by enumerating all
  2^n inputs when n ≤ 32 (generated inside the kernel, chunk by chunk), otherwise by random
  simulation (a cheap way to find most differences) followed by one SAT call per output pair on
  the miter. The two circuits are merged into one And-Inverter Graph with structural hashing
  (:func:`btfsynth.aig.to_and2`), so identical logic is shared and outputs that hash to the same
  node are proved without SAT; each remaining pair's cone is Tseitin-encoded (three clauses per
  AND) and solved with PicoSAT through ``pyeda.boolalg.picosat`` (smallest cones first, each
  output given a fair share of the time left). PicoSAT in pyeda has no time limit, only a
  propagation limit, so each call is retried with a propagation budget growing fourfold and
  sized to the time left (at most a third of the work is repeated); running out gives
  "unknown", never a guess. Every counterexample is replayed on both circuits before it is
  reported.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from pyeda.boolalg import picosat

from . import bitsim
from .aig import to_and2
from .errors import BtfsynthError
from .netlist import Gate, Kind, Netlist, Signal
from .network import ThresholdNetwork
from .truthtable import TruthTable, pack_bits, rng_from

MAX_EXHAUSTIVE = 32
RANDOM_PATTERNS = 10**6
FIRST_PROPAGATIONS = 10**4


def _bits(values) -> str:
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


def _as_netlist(circuit: Netlist | ThresholdNetwork) -> Netlist:
    if isinstance(circuit, ThresholdNetwork):
        return bitsim.network_to_netlist(circuit)
    return circuit.validate()


# -- netlist against a truth table ---------------------------------------------------------------
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
    program = bitsim.as_program(circuit)
    ins, in_note = match_names(program.input_names, table.input_names, by_position, "input")
    outs, out_note = match_names(program.output_names, table.output_names, by_position, "output")
    inputs, expected = table.inputs[:, ins], table.outputs[:, outs]
    care = table.care[:, outs]
    planes, want, cared = pack_bits(inputs), pack_bits(expected), pack_bits(care)
    counts = np.zeros(program.n_outputs, dtype=np.int64)
    rows_wrong = 0
    examples: list[Counterexample] = []
    for word0, got in bitsim.iter_chunks(program, planes, progress=progress):
        sl = slice(word0, word0 + got.shape[1])
        diff = (got ^ want[:, sl]) & cared[:, sl]
        counts += bitsim.popcount(diff, axis=1)
        any_wrong = np.bitwise_or.reduce(diff, axis=0) if len(diff) else diff.sum(axis=0)
        rows_wrong += bitsim.popcount(any_wrong)
        for w in np.flatnonzero(any_wrong):
            if len(examples) >= max_counterexamples:
                break
            for bit in range(64):
                if len(examples) < max_counterexamples and (int(any_wrong[w]) >> bit) & 1:
                    r = 64 * (word0 + int(w)) + bit
                    shown = "".join("-" if not c else str(v) for v, c in zip(expected[r], care[r]))
                    mine = _bits((int(got[k, w]) >> bit) & 1 for k in range(len(got)))
                    examples.append(Counterexample(r, _bits(inputs[r]), shown, mine))
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


# -- netlist against netlist ---------------------------------------------------------------------
@dataclass
class EquivalenceResult:
    """The outcome of :func:`equivalent`: ``status`` is "equivalent", "different" or
    "unknown"; ``method`` says how it was decided. A counterexample lists the input bits (in
    the first circuit's input order) and both circuits' outputs there."""

    status: str
    method: str
    input_names: tuple[str, ...]
    output_names: tuple[str, ...]
    counterexample: str | None = None
    outputs_a: str | None = None
    outputs_b: str | None = None
    rows_simulated: int = 0
    proved_by_hashing: int = 0
    proved_by_sat: int = 0
    unknown_outputs: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def equal(self) -> bool | None:
        return {"equivalent": True, "different": False}.get(self.status)

    @property
    def differing_outputs(self) -> list[str]:
        if self.counterexample is None:
            return []
        pairs = zip(self.output_names, self.outputs_a, self.outputs_b)
        return [name for name, x, y in pairs if x != y]

    def summary(self) -> str:
        lines = [f"{self.status.upper()} ({self.method}, {self.seconds:.2f} s)"]
        if self.rows_simulated:
            lines.append(f"rows simulated: {self.rows_simulated}")
        if self.method == "sat":
            lines.append(
                f"outputs proved: {self.proved_by_hashing} by structural hashing, "
                f"{self.proved_by_sat} by SAT"
            )
        if self.unknown_outputs:
            lines.append("undecided within the time limit: " + ", ".join(self.unknown_outputs))
        if self.counterexample is not None:
            lines.append(f"counterexample inputs ({' '.join(self.input_names)}):")
            lines.append(f"  {self.counterexample}")
            lines.append(f"outputs A: {self.outputs_a}")
            lines.append(f"outputs B: {self.outputs_b}")
            lines.append("differing: " + " ".join(self.differing_outputs))
        return "\n".join(lines)


def pair_netlist(a: Netlist, b: Netlist, by_position: bool = False) -> Netlist:
    """``a`` and ``b`` over shared inputs (``a``'s, in its order), with outputs ``a``'s
    followed by their matched partners in ``b``."""
    sides = ("B", "A")
    ins, _ = match_names(tuple(b.input_names), tuple(a.input_names), by_position, "input", sides)
    outs, _ = match_names(
        tuple(a.output_names), tuple(b.output_names), by_position, "output", sides[::-1]
    )
    merged = a.copy()
    a_inputs = a.inputs
    index: list[int] = []
    next_input = 0
    for g in b.gates:
        if g.kind is Kind.INPUT:
            new = Gate(Kind.BUF, (Signal(a_inputs[ins[next_input]]),))
            next_input += 1
        else:
            new = g.with_fanins(Signal(index[f.gate], f.inverted) for f in g.fanins)
        index.append(merged.add(new).gate)
    for name, k in zip(a.output_names, outs):
        s = b.outputs[k]
        merged.add_output(Signal(index[s.gate], s.inverted), f"{name}@b")
    return merged


def _row_bits(row: int, n: int) -> np.ndarray:
    return np.array([(row >> (n - 1 - j)) & 1 for j in range(n)], dtype=np.uint8)


class _Deadline:
    def __init__(self, seconds: float | None):
        self.start = time.monotonic()
        self.end = None if seconds is None else self.start + seconds

    def left(self) -> float:
        return float("inf") if self.end is None else self.end - time.monotonic()


def _first_difference(out: np.ndarray, m: int, valid: np.ndarray | None) -> tuple[int, int] | None:
    """(word, bit) of the first row where the first and second halves of ``out`` differ."""
    diff = np.bitwise_or.reduce(out[:m] ^ out[m:], axis=0)
    if valid is not None:
        diff &= valid
    words = np.flatnonzero(diff)
    if not len(words):
        return None
    w = int(words[0])
    x = int(diff[w])
    return w, (x & -x).bit_length() - 1


def _cone(aig: Netlist, roots: list[Signal]) -> list[int]:
    """The gates ``roots`` depend on."""
    seen: set[int] = set()
    stack = [s.gate for s in roots]
    while stack:
        g = stack.pop()
        if g not in seen:
            seen.add(g)
            stack += [f.gate for f in aig.gates[g].fanins]
    return sorted(seen)


def _miter_clauses(aig: Netlist, x: Signal, y: Signal) -> list[list[int]]:
    """Tseitin clauses of the cone of ``x`` and ``y`` (three per AND; the variable of gate g
    is g + 1) and of ``x != y``."""
    clauses = [[_lit(x), _lit(y)], [-_lit(x), -_lit(y)]]
    for g in _cone(aig, [x, y]):
        gate = aig.gates[g]
        if gate.kind is Kind.CONST0:
            clauses.append([-(g + 1)])
        elif gate.kind is Kind.AND:
            p, q = (_lit(f) for f in gate.fanins)
            clauses += [[-(g + 1), p], [-(g + 1), q], [g + 1, -p, -q]]
    return clauses


def _lit(s: Signal) -> int:
    return -(s.gate + 1) if s.inverted else s.gate + 1


def _solve(n_vars: int, clauses: list[list[int]], deadline: _Deadline) -> tuple | str | None:
    """A model, None (unsatisfiable) or "unknown" when the time runs out first."""
    budget = FIRST_PROPAGATIONS
    while True:
        left = deadline.left()
        if left <= 0:
            return "unknown"
        t0 = time.monotonic()
        try:
            return picosat.satisfy_one(n_vars, clauses, propagation_limit=budget)
        except picosat.Error:
            rate = budget / max(time.monotonic() - t0, 1e-4)
            budget = int(min(4 * budget, max(rate * (deadline.left()), FIRST_PROPAGATIONS)))


def _confirm(program: bitsim.Program, bits: np.ndarray, m: int) -> tuple[str, str]:
    """Both circuits' outputs on one input row; a reported difference must be real."""
    got = bitsim.evaluate_rows(program, bits[None, :])[0]
    a, b = _bits(got[:m]), _bits(got[m:])
    if a == b:
        raise AssertionError("internal error: a counterexample that does not differ")
    return a, b


def equivalent(
    a: Netlist | ThresholdNetwork,
    b: Netlist | ThresholdNetwork,
    by_position: bool = False,
    time_limit: float | None = None,
    random_patterns: int = RANDOM_PATTERNS,
    seed=0,
    progress: Callable[[int, int], None] | None = None,
) -> EquivalenceResult:
    """Decide whether ``a`` and ``b`` compute the same outputs (see the module docstring)."""
    a, b = _as_netlist(a), _as_netlist(b)
    pair = pair_netlist(a, b, by_position)
    n, m = a.n_inputs, a.n_outputs
    deadline = _Deadline(time_limit)
    names = (tuple(a.input_names), tuple(a.output_names))

    def result(status: str, method: str, **kw) -> EquivalenceResult:
        return EquivalenceResult(
            status, method, *names, seconds=time.monotonic() - deadline.start, **kw
        )

    def different(method: str, bits: np.ndarray, **kw) -> EquivalenceResult:
        out_a, out_b = _confirm(program, bits, m)
        return result("different", method, counterexample=_bits(bits), outputs_a=out_a,
                      outputs_b=out_b, **kw)  # fmt: skip

    program = bitsim.compile_netlist(pair)
    if n <= MAX_EXHAUSTIVE:
        rows = 1 << n
        for word0, out in bitsim.iter_chunks(program, progress=progress):
            valid = bitsim.valid_mask(rows, word0, out.shape[1]) if n < 6 else None
            hit = _first_difference(out, m, valid)
            if hit is not None:
                row = 64 * (word0 + hit[0]) + hit[1]
                return different("exhaustive", _row_bits(row, n), rows_simulated=row + 1)
            if deadline.left() <= 0:
                done = min(rows, 64 * (word0 + out.shape[1]))
                return result("unknown", "exhaustive", rows_simulated=done)
        return result("equivalent", "exhaustive", rows_simulated=rows)

    rng = rng_from(seed)
    total = -(-random_patterns // 64)
    step = program.chunk_words()
    for word0 in range(0, total, step):
        if deadline.left() <= 0:
            return result("unknown", "simulation", rows_simulated=64 * word0)
        count = min(step, total - word0)
        planes = rng.integers(0, 2**64, size=(n, count), dtype=np.uint64, endpoint=False)
        hit = _first_difference(bitsim.run_words(program, 0, count, planes), m, None)
        if hit is not None:
            w, bit = hit
            bits = ((planes[:, w] >> np.uint64(bit)) & np.uint64(1)).astype(np.uint8)
            return different("simulation", bits, rows_simulated=64 * (word0 + w) + bit + 1)
    simulated = 64 * total

    aig = to_and2(pair)
    aig_inputs = aig.inputs
    pending = [k for k in range(m) if aig.outputs[k] != aig.outputs[m + k]]
    hashed, proved = m - len(pending), 0
    sizes = {k: len(_cone(aig, [aig.outputs[k], aig.outputs[m + k]])) for k in pending}
    pending.sort(key=sizes.get)  # small cones (usually easy) first
    unknown: list[str] = []
    for done, k in enumerate(pending):
        # Each output gets a fair share of the time left, so one hard output cannot starve
        # the easy ones.
        share = _Deadline(None if time_limit is None else deadline.left() / (len(pending) - done))
        if share.left() <= 0:
            unknown.append(a.output_names[k])
            continue
        model = _solve(
            len(aig.gates), _miter_clauses(aig, aig.outputs[k], aig.outputs[m + k]), share
        )
        if model is None:
            proved += 1
        elif model == "unknown":
            unknown.append(a.output_names[k])
        else:
            bits = np.array([model[g] == 1 for g in aig_inputs], dtype=np.uint8)
            return different("sat", bits, rows_simulated=simulated, proved_by_hashing=hashed,
                             proved_by_sat=proved)  # fmt: skip
    return result(
        "unknown" if unknown else "equivalent", "sat", rows_simulated=simulated,
        proved_by_hashing=hashed, proved_by_sat=proved, unknown_outputs=unknown,
    )  # fmt: skip
