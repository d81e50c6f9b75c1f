"""A compact And-Inverter Graph over literals, for the passes that rewrite or prove AIGs node
by node (resubstitution, window resynthesis, SAT sweeping).

Nodes and literals follow AIGER: node 0 is the constant 0, nodes ``1..n_inputs`` the inputs,
then the ANDs in topological order; literal ``2 * node + complemented``. :meth:`Aig.rebuild`
replaces nodes by expressions over other literals and rebuilds from the outputs with structural
hashing, so dead logic goes and identical ANDs merge; :meth:`Aig.simulate` evaluates every node
on packed rows, one logic level at a time.

>>> from btfsynth.netlist import Gate, Kind, Netlist
>>> n = Netlist(); a, b = n.add_input("a"), n.add_input("b")
>>> n.add_output(n.add(Gate(Kind.AND, (a, ~b))), "y")
>>> Aig.from_netlist(n).ands
[(2, 5)]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..netlist import Gate, Kind, Netlist, Signal
from .aig import to_and2

ALL = np.uint64(0xFFFFFFFFFFFFFFFF)

Expr = int | tuple
"""A literal, ``("and", e1, e2)`` or ``("not", e)``: what :meth:`Aig.rebuild` puts in place."""


@dataclass
class Aig:
    """ANDs as pairs of literals (see the module docstring) and the outputs' literals."""

    n_inputs: int
    ands: list[tuple[int, int]] = field(default_factory=list)
    outputs: list[int] = field(default_factory=list)

    @property
    def size(self) -> int:
        """Nodes: the constant, the inputs and the ANDs."""
        return 1 + self.n_inputs + len(self.ands)

    def fanin(self, node: int) -> tuple[int, int]:
        return self.ands[node - 1 - self.n_inputs]

    def is_and(self, node: int) -> bool:
        return node > self.n_inputs

    @classmethod
    def from_netlist(cls, netlist: Netlist) -> Aig:
        """The AIG of :func:`btfsynth.passes.aig.to_and2` of ``netlist``."""
        start = to_and2(netlist)
        aig = cls(start.n_inputs)
        node: dict[int, int] = {}
        inputs = iter(range(1, start.n_inputs + 1))

        def literal(s: Signal) -> int:
            return 2 * node[s.gate] + s.inverted

        for i, g in enumerate(start.gates):
            if g.kind is Kind.INPUT:
                node[i] = next(inputs)
            elif g.kind is Kind.CONST0:
                node[i] = 0
            else:
                node[i] = aig.size
                aig.ands.append((literal(g.fanins[0]), literal(g.fanins[1])))
        aig.outputs = [literal(s) for s in start.outputs]
        return aig

    def to_netlist(self, like: Netlist) -> Netlist:
        """An AND2 netlist of this AIG with the names of ``like``."""
        out = Netlist(name=like.name)
        signal = [Signal(out.add(Gate(Kind.CONST0)).gate, False)]
        signal += [out.add_input(name) for name in like.input_names]
        for a, b in self.ands:
            fanins = tuple(
                Signal(signal[x >> 1].gate, signal[x >> 1].inverted ^ bool(x & 1)) for x in (a, b)
            )
            signal.append(out.add(Gate(Kind.AND, fanins)))
        for x, name in zip(self.outputs, like.output_names):
            s = signal[x >> 1]
            out.add_output(Signal(s.gate, s.inverted ^ bool(x & 1)), name)
        return out

    def rebuild(self, replace: dict[int, Expr]) -> tuple[Aig, dict[int, int]]:
        """This AIG with each node of ``replace`` computed by its expression (over literals of
        this AIG), rebuilt from the outputs with structural hashing and without dead nodes;
        also old node → new node for the nodes kept uncomplemented."""
        new = Aig(self.n_inputs)
        memo = {i: 2 * i for i in range(self.n_inputs + 1)}
        table: dict[tuple[int, int], int] = {}

        def and2(a: int, b: int) -> int:
            if a > b:
                a, b = b, a
            if a == 0 or a == b ^ 1:
                return 0
            if a == 1 or a == b:
                return b
            if (a, b) not in table:
                table[a, b] = 2 * new.size
                new.ands.append((a, b))
            return table[a, b]

        def build(e: Expr) -> int:
            if isinstance(e, int):
                return lit(e)
            if e[0] == "not":
                return build(e[1]) ^ 1
            return and2(build(e[1]), build(e[2]))

        def lit(x: int) -> int:
            v = x >> 1
            stack = [v]
            while stack:  # depth-first, so deep circuits need no recursion
                u = stack[-1]
                if u in memo:
                    stack.pop()
                    continue
                if u in replace:
                    needs = [w for w in _leaves(replace[u]) if w not in memo and w != u]
                    if needs:
                        stack.extend(needs)
                        continue
                    stack.pop()
                    memo[u] = build(replace[u])
                    continue
                missing = [f >> 1 for f in self.fanin(u) if f >> 1 not in memo]
                if missing:
                    stack.extend(missing)
                    continue
                stack.pop()
                a, b = (memo[f >> 1] ^ (f & 1) for f in self.fanin(u))
                memo[u] = and2(a, b)
            return memo[v] ^ (x & 1)

        new.outputs = [lit(x) for x in self.outputs]
        remap = {u: m >> 1 for u, m in memo.items() if not m & 1 and m >> 1 > self.n_inputs}
        return new, remap

    def levels(self) -> list[np.ndarray]:
        """The AND nodes by logic level (inputs and the constant are level 0)."""
        level = np.zeros(self.size, dtype=np.int64)
        first = self.n_inputs + 1
        for i, (a, b) in enumerate(self.ands, start=first):
            level[i] = 1 + max(level[a >> 1], level[b >> 1])
        ands = np.arange(first, self.size)
        order = np.argsort(level[first:], kind="stable")
        bounds = np.flatnonzero(np.diff(level[first:][order])) + 1
        return np.split(ands[order], bounds) if len(ands) else []

    def simulate(self, inputs: np.ndarray) -> np.ndarray:
        """Every node's value (``size`` × words) on the packed rows ``inputs`` (n × words)."""
        values = np.zeros((self.size, inputs.shape[1]), dtype=np.uint64)
        values[1 : self.n_inputs + 1] = inputs
        if not self.ands:
            return values
        pairs = np.array(self.ands, dtype=np.int64)
        masks = np.where(pairs & 1, ALL, np.uint64(0))
        first = self.n_inputs + 1
        for idx in self.levels():
            (a, b), (ma, mb) = pairs[idx - first].T, masks[idx - first].T
            values[idx] = (values[a >> 1] ^ ma[:, None]) & (values[b >> 1] ^ mb[:, None])
        return values


def _leaves(e: Expr) -> list[int]:
    """The nodes an expression reads."""
    if isinstance(e, int):
        return [e >> 1]
    return [w for part in e[1:] for w in _leaves(part)]


def value(values: np.ndarray, x: int) -> np.ndarray:
    """The packed value of literal ``x`` given every node's (:meth:`Aig.simulate`)."""
    return values[x >> 1] ^ ALL if x & 1 else values[x >> 1]


def input_words(n: int) -> np.ndarray:
    """Input ``j`` on all ``2^n`` rows (first input most significant), 64 rows a word, the
    last word padded with zeros."""
    rows = np.arange(1 << n, dtype=np.int64)
    bits = (rows[None, :] >> np.arange(n - 1, -1, -1)[:, None]) & 1
    words = -(-(1 << n) // 64)
    padded = np.zeros((n, words * 64), dtype=np.uint8)
    padded[:, : 1 << n] = bits
    return np.packbits(padded, axis=1, bitorder="little").view(np.uint64)


def pack_rows(bits: np.ndarray) -> np.ndarray:
    """Per column of the 0/1 array ``bits`` (rows × columns), its rows packed as
    :func:`input_words` packs them."""
    rows, _ = bits.shape
    words = -(-rows // 64)
    padded = np.zeros((bits.shape[1], words * 64), dtype=np.uint8)
    padded[:, :rows] = np.asarray(bits, dtype=np.uint8).T
    return np.packbits(padded, axis=1, bitorder="little").view(np.uint64)
