"""Decomposition of any netlist into two-input ANDs and inverters (an And-Inverter Graph).

The AIG is the common currency of logic synthesis (ABC, AIGER): its AND count is the size
measure quoted by the paper and by the EPFL suite. Here every gate kind is rewritten:
AND/OR as balanced trees, XOR2 as three ANDs, MAJ3 as ``ab + c(a + b)`` (four ANDs), wider MAJ
and THRESHOLD gates through their ordered BDD (one multiplexer per node, memoised on the
remaining threshold), SOP covers as an OR of cube ANDs. Constants fold and identical ANDs are
shared (structural hashing) while building.
"""

from __future__ import annotations

from collections.abc import Sequence

from .netlist import Gate, Kind, Netlist, NetlistError, Signal


class AigBuilder:
    """Builds a netlist of INPUT, CONST0 and two-input AND gates with structural hashing."""

    def __init__(self, name: str = "top"):
        self.netlist = Netlist(name=name)
        self._const: Signal | None = None
        self._ands: dict[tuple[Signal, Signal], Signal] = {}

    def input(self, name: str | None) -> Signal:
        return self.netlist.add(Gate(Kind.INPUT, name=name))

    def const(self, value: bool) -> Signal:
        if self._const is None:
            self._const = self.netlist.add(Gate(Kind.CONST0))
        return Signal(self._const.gate, bool(value))

    def _is_const(self, s: Signal) -> bool:
        return self._const is not None and s.gate == self._const.gate

    def and2(self, a: Signal, b: Signal) -> Signal:
        for x, y in ((a, b), (b, a)):
            if self._is_const(x):
                return y if x.inverted else x
        if a == b:
            return a
        if a.gate == b.gate:
            return self.const(False)
        key = (a, b) if a < b else (b, a)
        if key not in self._ands:
            self._ands[key] = self.netlist.add(Gate(Kind.AND, key))
        return self._ands[key]

    def or2(self, a: Signal, b: Signal) -> Signal:
        return ~self.and2(~a, ~b)

    def xor2(self, a: Signal, b: Signal) -> Signal:
        return self.or2(self.and2(a, ~b), self.and2(~a, b))

    def mux(self, s: Signal, then: Signal, other: Signal) -> Signal:
        if then == other:
            return then
        return self.or2(self.and2(s, then), self.and2(~s, other))

    def tree(self, op, signals: Sequence[Signal], empty: bool) -> Signal:
        """A balanced tree of a two-input operation (``empty`` is the value of no operands)."""
        items = list(signals)
        if not items:
            return self.const(empty)
        while len(items) > 1:
            pairs = [op(items[i], items[i + 1]) for i in range(0, len(items) - 1, 2)]
            items = pairs + ([items[-1]] if len(items) % 2 else [])
        return items[0]

    def threshold(self, ins: Sequence[Signal], weights: Sequence[int], threshold: int) -> Signal:
        """1 when ``sum(w_i * v_i) >= threshold``, built as a memoised ordered BDD."""
        k = len(ins)
        lo = [0] * (k + 1)  # smallest / largest sum reachable from fan-in i on
        hi = [0] * (k + 1)
        for i in range(k - 1, -1, -1):
            lo[i] = lo[i + 1] + min(weights[i], 0)
            hi[i] = hi[i + 1] + max(weights[i], 0)
        memo: dict[tuple[int, int], Signal] = {}

        def node(i: int, need: int) -> Signal:
            if lo[i] >= need:
                return self.const(True)
            if hi[i] < need:
                return self.const(False)
            if (i, need) not in memo:
                memo[i, need] = self.mux(ins[i], node(i + 1, need - weights[i]), node(i + 1, need))
            return memo[i, need]

        return node(0, threshold)

    def gate(self, g: Gate, ins: Sequence[Signal]) -> Signal:
        """The AIG of one gate over already-built fan-in signals (inversions applied)."""
        kind = g.kind
        if kind in (Kind.CONST0, Kind.CONST1):
            return self.const(kind is Kind.CONST1)
        if kind is Kind.BUF:
            return ins[0]
        if kind is Kind.NOT:
            return ~ins[0]
        if kind is Kind.AND:
            return self.tree(self.and2, ins, True)
        if kind is Kind.OR:
            return self.tree(self.or2, ins, False)
        if kind is Kind.XOR:
            return self.tree(self.xor2, ins, False)
        if kind is Kind.MAJ and len(ins) == 3:
            a, b, c = ins
            return self.or2(self.and2(a, b), self.and2(c, self.or2(a, b)))
        if kind is Kind.MAJ:
            return self.threshold(ins, [1] * len(ins), (len(ins) + 1) // 2)
        if kind is Kind.THRESHOLD:
            return self.threshold(ins, g.weights, g.threshold)
        if kind is Kind.SOP:
            cubes = [
                self.tree(
                    self.and2,
                    [s if ch == "1" else ~s for ch, s in zip(cube, ins) if ch != "-"],
                    True,
                )
                for cube in g.cover
            ]
            hit = self.tree(self.or2, cubes, False)
            return hit if g.onset else ~hit
        raise NetlistError(f"cannot decompose gate kind {kind}")


def to_and2(netlist: Netlist) -> Netlist:
    """An equivalent netlist of INPUT, CONST0 and two-input AND gates (inversions on edges).

    >>> nl = Netlist(); a, b, c = (nl.add_input(x) for x in "abc")
    >>> nl.add_output(nl.add_gate(Kind.MAJ, [a, b, c]), "m")
    >>> sum(g.kind is Kind.AND for g in to_and2(nl).gates)
    4
    """
    builder = AigBuilder(netlist.name)
    signals: list[Signal] = []
    for g in netlist.gates:
        if g.kind is Kind.INPUT:
            signals.append(builder.input(g.name))
            continue
        ins = [
            Signal(signals[f.gate].gate, signals[f.gate].inverted ^ f.inverted) for f in g.fanins
        ]
        signals.append(builder.gate(g, ins))
    aig = builder.netlist
    for name, out in zip(netlist.output_names, netlist.outputs):
        s = signals[out.gate]
        aig.add_output(Signal(s.gate, s.inverted ^ out.inverted), name)
    return aig
