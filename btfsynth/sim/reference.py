"""The plain numpy reference evaluator: one numpy operation per gate over packed bit planes.

It is the one reference for every other evaluator: :meth:`Netlist.evaluate` delegates to it,
the tests check the numba kernel (:mod:`btfsynth.sim.kernels`) against it, and
``benchmarks/bitsim_speed.py`` uses it as the baseline. Gate values are uint64 words, 64 rows
each (the layout of :func:`btfsynth.truthtable.pack_bits`); MAJ and THRESHOLD gates are
bit-sliced counters over those words, compared with the threshold plane by plane.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..errors import BtfsynthError
from ..netlist import Gate, Kind, Netlist, NetlistError
from ..truthtable import pack_bits, unpack_bits

Lit = tuple[int, bool]  # (value id, inverted)

ALL_ONES = 0xFFFFFFFFFFFFFFFF


def positive_form(
    lits: Sequence[Lit], weights: Sequence[int], threshold: int
) -> tuple[list[Lit], list[int], int]:
    """``Σ w·v ≥ T`` rewritten with positive weights: ``w·v = w + |w|·¬v`` for ``w < 0``, so
    negative weights flip the literal and raise the threshold; zero weights are dropped."""
    out_lits, out_w = [], []
    for (v, inv), w in zip(lits, weights):
        w = int(w)
        if w < 0:
            inv, w, threshold = not inv, -w, threshold - w
        if w:
            out_lits.append((v, inv))
            out_w.append(w)
    return out_lits, out_w, int(threshold)


def bits_of(x: int) -> list[int]:
    """Positions of the set bits of ``x``, least significant first."""
    return [q for q in range(x.bit_length()) if (x >> q) & 1]


def _counter_ge(
    ins: list[np.ndarray], weights: Sequence[int], threshold: int, words: int
) -> np.ndarray:
    """Bit-sliced ``Σ w·v ≥ T`` over packed planes, with numpy operations per plane."""
    lits, ws, t = positive_form([(k, False) for k in range(len(ins))], weights, threshold)
    ones = np.full(words, ALL_ONES, dtype=np.uint64)
    if t <= 0 or t > sum(ws):
        return ones if t <= 0 else np.zeros(words, dtype=np.uint64)
    width = sum(ws).bit_length()
    acc = [np.zeros(words, dtype=np.uint64) for _ in range(width)]
    for (k, inv), w in zip(lits, ws):
        u = ~ins[k] if inv else ins[k]
        for q0 in bits_of(w):
            carry = u
            for q in range(q0, width):
                acc[q], carry = acc[q] ^ carry, acc[q] & carry
    gt, eq = np.zeros(words, dtype=np.uint64), ones
    for q in range(width - 1, -1, -1):
        if (t >> q) & 1:
            eq = eq & acc[q]
        else:
            gt = gt | (eq & acc[q])
            eq = eq & ~acc[q]
    return gt | eq


def gate_planes(g: Gate, ins: list[np.ndarray], words: int) -> np.ndarray:
    """A gate's value planes from its (already inverted) fan-in planes."""
    kind = g.kind
    ones = np.full(words, ALL_ONES, dtype=np.uint64)
    if kind in (Kind.CONST0, Kind.CONST1):
        return ones if kind is Kind.CONST1 else np.zeros(words, dtype=np.uint64)
    if kind is Kind.BUF:
        return ins[0]
    if kind is Kind.NOT:
        return ~ins[0]
    if kind is Kind.AND:
        return np.bitwise_and.reduce(ins)
    if kind is Kind.OR:
        return np.bitwise_or.reduce(ins)
    if kind is Kind.XOR:
        return np.bitwise_xor.reduce(ins)
    if kind is Kind.MAJ:
        return _counter_ge(ins, [1] * len(ins), (len(ins) + 1) // 2, words)
    if kind is Kind.THRESHOLD:
        return _counter_ge(ins, g.weights, g.threshold, words)
    if kind is Kind.SOP:
        hit = np.zeros(words, dtype=np.uint64)
        for cube in g.cover:
            match = ones
            for ch, v in zip(cube, ins):
                if ch != "-":
                    match = match & (v if ch == "1" else ~v)
            hit = hit | match
        return hit if g.onset else ~hit
    raise NetlistError(f"cannot evaluate gate kind {kind}")


def _output_planes(netlist: Netlist, planes: np.ndarray) -> np.ndarray:
    """Output planes ``(m, words)``, each gate value freed after its last reader."""
    words = planes.shape[1]
    last = [-1] * len(netlist.gates)
    for i, g in enumerate(netlist.gates):
        for f in g.fanins:
            last[f.gate] = i
    for s in netlist.outputs:
        last[s.gate] = len(netlist.gates)
    values: list[np.ndarray | None] = [None] * len(netlist.gates)
    next_input = 0
    for i, g in enumerate(netlist.gates):
        if g.kind is Kind.INPUT:
            values[i] = planes[next_input]
            next_input += 1
        else:
            ins = [~values[f.gate] if f.inverted else values[f.gate] for f in g.fanins]
            values[i] = gate_planes(g, ins, words)
        for f in g.fanins:
            if last[f.gate] == i:
                values[f.gate] = None
    out = np.empty((netlist.n_outputs, words), dtype=np.uint64)
    for k, s in enumerate(netlist.outputs):
        out[k] = ~values[s.gate] if s.inverted else values[s.gate]
    return out


def evaluate_packed_numpy(netlist: Netlist, planes: np.ndarray) -> np.ndarray:
    """Output planes ``(m, words)`` of a (valid) netlist for input planes ``(n, words)``."""
    netlist.validate()
    planes = np.asarray(planes, dtype=np.uint64)
    if planes.shape[0] != netlist.n_inputs:
        raise BtfsynthError(f"{planes.shape[0]} input planes for {netlist.n_inputs} inputs")
    return _output_planes(netlist, planes)


def evaluate_rows_numpy(netlist: Netlist, inputs: np.ndarray) -> np.ndarray:
    """0/1 output rows ``(rows, m)`` for 0/1 input rows ``(rows, n)`` (what
    :meth:`Netlist.evaluate` returns; the netlist is not validated first)."""
    inputs = np.asarray(inputs, dtype=np.uint8)
    if inputs.ndim != 2 or inputs.shape[1] != netlist.n_inputs:
        raise BtfsynthError(
            f"the netlist has {netlist.n_inputs} inputs, the rows have {inputs.shape[-1]}"
        )
    if not netlist.outputs:
        return np.zeros((len(inputs), 0), dtype=np.uint8)
    return unpack_bits(_output_planes(netlist, pack_bits(inputs)), len(inputs))
