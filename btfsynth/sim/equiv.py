"""Equivalence of two circuits: enumeration, random simulation, then SAT on the miter.

:func:`equivalent` decides whether two circuits compute the same outputs: by enumerating all
2^n inputs when n ≤ 32 (generated inside the kernel, chunk by chunk), otherwise by random
simulation (a cheap way to find most differences) followed by one SAT call per output pair on
the miter. The two circuits are merged into one And-Inverter Graph with structural hashing
(:func:`btfsynth.passes.to_and2`), so identical logic is shared and outputs that hash to the same
node are proved without SAT; each remaining pair's cone is Tseitin-encoded (three clauses per
AND) and solved with PicoSAT through ``pyeda.boolalg.picosat`` (smallest cones first, each
output given a fair share of the time left). PicoSAT in pyeda has no time limit, only a
propagation limit, so each call is retried with a propagation budget growing fourfold and
sized to the time left (at most a third of the work is repeated); running out gives
"unknown", never a guess. Every counterexample is replayed on both circuits before it is
reported.

:func:`differing_rows` lists every row on which the two halves of a :func:`pair_netlist`
differ, for checks that must look at all of them (the compiler's proof).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
from pyeda.boolalg import picosat

from ..netlist import Gate, Kind, Netlist, Signal
from ..network import ThresholdNetwork
from ..passes.aig import to_and2
from ..threshold_netlist import network_to_netlist
from ..truthtable import pack_bits, rng_from
from .check import bit_string, match_names
from .packed import evaluate_rows, iter_chunks, run_words, valid_mask
from .program import Program, compile_netlist

MAX_EXHAUSTIVE = 32
RANDOM_PATTERNS = 10**6
FIRST_PROPAGATIONS = 10**4


def _as_netlist(circuit: Netlist | ThresholdNetwork) -> Netlist:
    if isinstance(circuit, ThresholdNetwork):
        return network_to_netlist(circuit)
    return circuit.validate()


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


def _diff_words(out: np.ndarray, m: int, valid: np.ndarray | None) -> np.ndarray:
    """Per word, the rows (bits) where the first and second halves of ``out`` differ."""
    diff = np.bitwise_or.reduce(out[:m] ^ out[m:], axis=0)
    if valid is not None:
        diff &= valid
    return diff


def _first_difference(out: np.ndarray, m: int, valid: np.ndarray | None) -> tuple[int, int] | None:
    """(word, bit) of the first row where the first and second halves of ``out`` differ."""
    diff = _diff_words(out, m, valid)
    words = np.flatnonzero(diff)
    if not len(words):
        return None
    w = int(words[0])
    x = int(diff[w])
    return w, (x & -x).bit_length() - 1


def differing_rows(pair: Program, rows: np.ndarray | None = None) -> Iterator[np.ndarray]:
    """The row numbers where the two halves of ``pair`` (a compiled :func:`pair_netlist`)
    differ in some output, chunk by chunk in increasing order: indices into the 0/1 ``rows``,
    or, when ``rows`` is None, canonical row numbers of all 2^n rows (the first input is the
    most significant bit)."""
    m = pair.n_outputs // 2
    if rows is None:
        planes, n_rows = None, 1 << pair.n_inputs
    else:
        planes, n_rows = pack_bits(rows), len(rows)
    for word0, out in iter_chunks(pair, planes):
        diff = _diff_words(out, m, valid_mask(n_rows, word0, out.shape[1]))
        words = np.flatnonzero(diff)
        bits = (diff[words, None] >> np.arange(64, dtype=np.uint64)) & np.uint64(1)
        word, bit = np.nonzero(bits)
        yield 64 * (word0 + words[word]) + bit


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


def _confirm(program: Program, bits: np.ndarray, m: int) -> tuple[str, str]:
    """Both circuits' outputs on one input row; a reported difference must be real."""
    got = evaluate_rows(program, bits[None, :])[0]
    a, b = bit_string(got[:m]), bit_string(got[m:])
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
        return result("different", method, counterexample=bit_string(bits), outputs_a=out_a,
                      outputs_b=out_b, **kw)  # fmt: skip

    program = compile_netlist(pair)
    if n <= MAX_EXHAUSTIVE:
        rows = 1 << n
        for word0, out in iter_chunks(program, progress=progress):
            valid = valid_mask(rows, word0, out.shape[1]) if n < 6 else None
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
        hit = _first_difference(run_words(program, 0, count, planes), m, None)
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
