"""Resubstitution with don't-cares, over the whole circuit, for circuits of few inputs.

The AND2 form of the circuit is simulated on all ``2^n`` input rows, 64 rows to a word. A
node's *care rows* are the rows where complementing it changes an output on a row that output
cares about: elsewhere the node is free (observability don't-cares, and the table's own
don't-cares when a care set is given). The node is replaced by an existing signal, or by the
AND / OR of two or three existing signals (one, two new ANDs), that agrees with it on its care
rows, when that frees more ANDs than it adds: the ANDs only the node uses (its maximum
fan-out-free cone). One replacement at a time, with the simulation redone after it, so the
don't-cares of different nodes never conflict. This is the idea of ABC's ``mfs``
(Mishchenko et al., "Scalable don't-care-based logic optimization and resynthesis", FPGA 2009),
with the whole circuit as the window: exact, because every input row is simulated.

>>> from btfsynth.netlist import Gate, Kind, Netlist
>>> n = Netlist(); a, b = n.add_input("a"), n.add_input("b")
>>> x = n.add(Gate(Kind.AND, (a, b))); y = n.add(Gate(Kind.AND, (x, a)))
>>> n.add_output(y, "y"); and2_count(resubstitute(n))
1
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from ..netlist import Gate, Kind, Netlist, Signal
from .aig import and2_count, to_and2

MAX_INPUTS = 16
"""Circuits of more inputs are returned as they are (2^16 rows are 1 024 words a signal)."""
MAX_WORK = 1 << 26
"""Circuits whose ANDs × words exceed this are returned as they are (the care rows of one node
cost a simulation of its fan-out cone)."""
MAX_LITERALS = 64
"""At most this many candidate literals per node enter the two-new-AND search."""

MAX_FIRST = 16
"""At most this many first literals are tried for ``l1 & (l2 | l3)``."""

ALL = np.uint64(0xFFFFFFFFFFFFFFFF)


@dataclass
class _Aig:
    """An AIG over literals ``2 * node + complemented``: node 0 is constant 0, nodes
    ``1..n_inputs`` the inputs, then the ANDs in topological order."""

    n_inputs: int
    ands: list[tuple[int, int]] = field(default_factory=list)
    outputs: list[int] = field(default_factory=list)

    @property
    def size(self) -> int:
        return 1 + self.n_inputs + len(self.ands)

    def fanin(self, node: int) -> tuple[int, int]:
        return self.ands[node - 1 - self.n_inputs]


def _from_netlist(netlist: Netlist) -> _Aig:
    aig = _Aig(netlist.n_inputs)
    node: dict[int, int] = {}
    inputs = iter(range(1, netlist.n_inputs + 1))

    def literal(s: Signal) -> int:
        return 2 * node[s.gate] + s.inverted

    for i, g in enumerate(netlist.gates):
        if g.kind is Kind.INPUT:
            node[i] = next(inputs)
        elif g.kind is Kind.CONST0:
            node[i] = 0
        else:
            node[i] = aig.size
            aig.ands.append((literal(g.fanins[0]), literal(g.fanins[1])))
    aig.outputs = [literal(s) for s in netlist.outputs]
    return aig


def _to_netlist(aig: _Aig, like: Netlist) -> Netlist:
    out = Netlist(name=like.name)
    signal = [Signal(out.add(Gate(Kind.CONST0)).gate, False)]
    signal += [out.add_input(name) for name in like.input_names]
    for a, b in aig.ands:
        fanins = tuple(
            Signal(signal[x >> 1].gate, signal[x >> 1].inverted ^ bool(x & 1)) for x in (a, b)
        )
        signal.append(out.add(Gate(Kind.AND, fanins)))
    for x, name in zip(aig.outputs, like.output_names):
        s = signal[x >> 1]
        out.add_output(Signal(s.gate, s.inverted ^ bool(x & 1)), name)
    return out


def _rebuild(aig: _Aig, node: int, expr) -> tuple[_Aig, dict[int, int]]:
    """``aig`` with ``node`` computed by ``expr`` (a literal, or ``("and", e1, e2)``), rebuilt
    from the outputs with structural hashing and without dead nodes; also old → new node."""
    new = _Aig(aig.n_inputs)
    memo = {i: 2 * i for i in range(aig.n_inputs + 1)}
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

    def build(e) -> int:
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
            if u == node:
                stack.pop()
                memo[u] = build(expr)
                continue
            missing = [f >> 1 for f in aig.fanin(u) if f >> 1 not in memo]
            if missing:
                stack.extend(missing)
                continue
            stack.pop()
            a, b = (memo[f >> 1] ^ (f & 1) for f in aig.fanin(u))
            memo[u] = and2(a, b)
        return memo[v] ^ (x & 1)

    new.outputs = [lit(x) for x in aig.outputs]
    remap = {u: m >> 1 for u, m in memo.items() if not m & 1 and m >> 1 > aig.n_inputs}
    return new, remap


def _simulate(aig: _Aig, inputs: np.ndarray) -> np.ndarray:
    values = np.zeros((aig.size, inputs.shape[1]), dtype=np.uint64)
    values[1 : aig.n_inputs + 1] = inputs
    for i, (a, b) in enumerate(aig.ands, start=aig.n_inputs + 1):
        values[i] = _value(values, a) & _value(values, b)
    return values


def _value(values: np.ndarray, x: int) -> np.ndarray:
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


def care_words(care: np.ndarray) -> np.ndarray:
    """Per output, its care rows (a ``2^n × outputs`` 0/1 array) packed as :func:`input_words`."""
    rows, _ = care.shape
    words = -(-rows // 64)
    padded = np.zeros((care.shape[1], words * 64), dtype=np.uint8)
    padded[:, :rows] = np.asarray(care, dtype=np.uint8).T
    return np.packbits(padded, axis=1, bitorder="little").view(np.uint64)


class _Resub:
    """The state of the pass: the AIG, its simulation, fan-outs and reference counts."""

    def __init__(self, aig: _Aig, inputs: np.ndarray, care: np.ndarray):
        self.aig, self.inputs, self.care = aig, inputs, care
        self.values = _simulate(aig, inputs)
        n = aig.size
        self.fanouts: list[list[int]] = [[] for _ in range(n)]
        self.refs = np.zeros(n, dtype=np.int64)
        for i, pair in enumerate(aig.ands, start=aig.n_inputs + 1):
            for f in pair:
                self.fanouts[f >> 1].append(i)
                self.refs[f >> 1] += 1
        for x in aig.outputs:
            self.refs[x >> 1] += 1

    def cone(self, node: int) -> list[int]:
        """The transitive fan-out of ``node`` (without it), in topological order."""
        seen, stack = set(), [node]
        while stack:
            for u in self.fanouts[stack.pop()]:
                if u not in seen:
                    seen.add(u)
                    stack.append(u)
        return sorted(seen)

    def care_rows(self, node: int, cone: list[int]) -> np.ndarray:
        """The rows where complementing ``node`` changes a cared output."""
        flipped = {node: self.values[node] ^ ALL}

        def value(f: int) -> np.ndarray:
            v = flipped.get(f >> 1)
            if v is None:
                return _value(self.values, f)
            return v ^ ALL if f & 1 else v

        for u in cone:
            a, b = self.aig.fanin(u)
            flipped[u] = value(a) & value(b)
        rows = np.zeros_like(self.values[node])
        for x, care in zip(self.aig.outputs, self.care):
            if x >> 1 in flipped:
                rows |= (flipped[x >> 1] ^ self.values[x >> 1]) & care
        return rows

    def mffc(self, node: int) -> set[int]:
        """The ANDs that only ``node`` uses, itself included."""
        refs, out, stack = self.refs.copy(), {node}, [node]
        while stack:
            for f in self.aig.fanin(stack.pop()):
                u = f >> 1
                refs[u] -= 1
                if refs[u] == 0 and u > self.aig.n_inputs:
                    out.add(u)
                    stack.append(u)
        return out

    def replacement(self, node: int):
        """(gain, expression) of the best replacement of ``node``, or None."""
        cone = self.cone(node)
        care = self.care_rows(node, cone)
        freed = self.mffc(node)
        if not care.any():
            return len(freed), 0
        banned = np.zeros(self.aig.size, dtype=bool)
        banned[cone] = True
        banned[list(freed)] = True
        divisors = np.flatnonzero(~banned)
        target = self.values[node]
        found = _zero_resub(self.values, divisors, target, care)
        if found is not None:
            return len(freed), found
        for cost in (1, 2):
            if len(freed) <= cost:
                return None
            found = _and_resub(self.values, divisors, target, care, cost)
            if found is not None:
                return len(freed) - cost, found
        return None


def _zero_resub(values, divisors, target, care):
    """A literal equal to ``target`` on ``care``."""
    differs = ((values[divisors] ^ target) & care).any(axis=1)
    for d, complemented in (
        (divisors[~differs], 0),
        (divisors[~((values[divisors] ^ target ^ ALL) & care).any(axis=1)], 1),
    ):
        if len(d):
            return 2 * int(d[0]) + complemented
    return None


def _covering(values, divisors, target, care):
    """Literals that are 1 wherever ``target`` is 1 on ``care``, with the care rows where
    they are 1 and ``target`` is 0 (ordered by how few those are)."""
    on, off = target & care, ~target & care
    lits, offs = [], []
    for complemented in (0, 1):
        v = values[divisors] ^ (ALL if complemented else np.uint64(0))
        ok = ~(on & ~v).any(axis=1)
        lits.append(2 * divisors[ok] + complemented)
        offs.append(v[ok] & off)
    lits, offs = np.concatenate(lits), np.concatenate(offs)
    order = np.argsort([int(np.unpackbits(o.view(np.uint8)).sum()) for o in offs], kind="stable")
    return lits[order][:MAX_LITERALS], offs[order][:MAX_LITERALS]


def _and_of(lits, offs, cost):
    """An AND of ``cost + 1`` of ``lits`` whose ``offs`` have no row in common."""
    for i in range(len(lits)):
        if not offs[i].any():
            return int(lits[i])
        rest = offs[i + 1 :] & offs[i]
        clear = np.flatnonzero(~rest.any(axis=1))
        if len(clear):
            return ("and", int(lits[i]), int(lits[i + 1 + clear[0]]))
        if cost == 2:
            for j in range(i + 1, len(lits)):
                both = offs[i] & offs[j]
                clear = np.flatnonzero(~(offs[j + 1 :] & both).any(axis=1))
                if len(clear):
                    return ("and", ("and", int(lits[i]), int(lits[j])), int(lits[j + 1 + clear[0]]))
    return None


def _and_resub(values, divisors, target, care, cost):
    """An AND or OR of ``cost + 1`` literals equal to ``target`` on ``care``, or with two new
    ANDs the AND of a literal and an OR of two (and dually)."""
    for complemented in (0, 1):
        t = target ^ ALL if complemented else target
        lits, offs = _covering(values, divisors, t, care)
        found = _and_of(lits, offs, cost)
        if found is None and cost == 2:
            found = _and_of_or(values, divisors, t, care, lits)
        if found is not None:
            return ("not", found) if complemented else found
    return None


def _and_of_or(values, divisors, target, care, lits):
    """``l1 & (l2 | l3)`` equal to ``target`` on ``care``, ``l1`` one of the covering
    ``lits``: where ``l1`` is 1 the OR must equal the target, so its complement is an AND of
    two literals there."""
    for first in lits[:MAX_FIRST]:
        first = int(first)
        where = care & _value(values, first)
        inner, offs = _covering(values, divisors, target ^ ALL, where)
        found = _and_of(inner, offs, 1)
        if isinstance(found, tuple):
            return ("and", first, ("not", found))
    return None


def resubstitute(
    netlist: Netlist, care: np.ndarray | None = None, seconds: float | None = None
) -> Netlist:
    """An AND2 netlist equal to ``netlist`` on every cared output row (all rows when ``care``
    is None; else ``care[r, o]`` says whether output ``o`` must keep its value on row ``r``,
    rows in canonical order), with nodes replaced as the module docstring says, in passes
    until one frees nothing; ``seconds`` bounds the time (checked between nodes).
    Deterministic. Circuits beyond :data:`MAX_INPUTS` inputs or :data:`MAX_WORK` are returned
    as their AND2 form."""
    start = to_and2(netlist)
    n = netlist.n_inputs
    words = -(-(1 << n) // 64)
    if n > MAX_INPUTS or and2_count(start) * words > MAX_WORK:
        return start
    deadline = None if seconds is None else time.monotonic() + seconds
    inputs = input_words(n)
    if care is None:
        care = np.ones((1 << n, netlist.n_outputs), dtype=bool)
    cared = care_words(care)
    aig = _from_netlist(start)
    changed = True
    while changed:
        changed = False
        state, tried = _Resub(aig, inputs, cared), set()
        node = aig.n_inputs + 1
        while node < aig.size:
            if deadline is not None and time.monotonic() > deadline:
                return _to_netlist(aig, netlist)
            if node in tried or state.refs[node] == 0:
                node += 1
                continue
            tried.add(node)
            found = state.replacement(node)
            if found is None:
                node += 1
                continue
            aig, remap = _rebuild(aig, node, found[1])
            tried = {remap[u] for u in tried if u in remap}
            state, changed = _Resub(aig, inputs, cared), True
            node = aig.n_inputs + 1
    return _to_netlist(aig, netlist)
