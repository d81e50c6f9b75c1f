"""Equivalence of two circuits: enumeration, random simulation, then SAT sweeping.

:func:`equivalent` decides whether two circuits compute the same outputs: by enumerating all
2^n inputs when that is cheap (n ≤ 32 and at most :data:`EXHAUSTIVE_WORK` gate·rows; the rows
are generated inside the kernel, chunk by chunk), otherwise by random simulation (a cheap way
to find most differences) followed by SAT. The two circuits are merged into one
And-Inverter Graph with structural hashing (:func:`btfsynth.passes.to_and2`), so identical
logic is shared and outputs that hash to the same node are proved without SAT; the rest are
proved by SAT sweeping (:mod:`btfsynth.sim.sweep`), which proves the internal equivalences
first, so circuits that came one from the other (an optimiser's input and output) are proved
in seconds even when they are wide arithmetic. Running out of time gives "unknown", never a
guess. Every counterexample is replayed on both circuits before it is reported.

:func:`differing_rows` lists every row on which the two halves of a :func:`pair_netlist`
differ, for checks that must look at all of them (the compiler's proof).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np

from ..netlist import Gate, Kind, Netlist, Signal
from ..network import ThresholdNetwork
from ..passes.aignet import Aig
from ..threshold_netlist import network_to_netlist
from ..truthtable import pack_bits, rng_from
from .check import bit_string, match_names
from .packed import evaluate_rows, iter_chunks, run_words, valid_mask
from .program import Program, compile_netlist
from .sweep import sweep

MAX_EXHAUSTIVE = 32
EXHAUSTIVE_WORK = 1 << 38
"""Gate·rows up to which enumerating all rows beats SAT (about a second of the kernel)."""
RANDOM_PATTERNS = 10**6


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
    merged_nodes: int = 0
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
                f"{self.proved_by_sat} by SAT sweeping ({self.merged_nodes} internal "
                "equivalences proved on the way)"
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
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    conflicts: int = 0,
) -> EquivalenceResult:
    """Decide whether ``a`` and ``b`` compute the same outputs (see the module docstring);
    ``conflicts`` bounds the SAT call of each output pair (0: no bound, only ``time_limit``).
    """
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
    if n <= MAX_EXHAUSTIVE and (len(pair.gates) << n) <= EXHAUSTIVE_WORK:
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

    aig = Aig.from_netlist(pair)
    pending = [k for k in range(m) if aig.outputs[k] != aig.outputs[m + k]]
    found = sweep(
        aig,
        [(aig.outputs[k], aig.outputs[m + k]) for k in pending],
        conflicts,
        None if time_limit is None else max(0.0, deadline.left()),
        seed,
    )
    counts = dict(
        rows_simulated=simulated,
        proved_by_hashing=m - len(pending),
        proved_by_sat=sum(v is True for v in found.verdicts),
        merged_nodes=found.merged,
    )
    if found.verdicts and isinstance(found.verdicts[-1], np.ndarray):
        return different("sat", found.verdicts[-1], **counts)
    unknown = [a.output_names[k] for k, v in zip(pending, found.verdicts) if v is None]
    return result("unknown" if unknown else "equivalent", "sat", unknown_outputs=unknown, **counts)
