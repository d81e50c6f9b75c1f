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

import numpy as np

from ..netlist import Netlist
from .aignet import ALL, Aig, input_words, pack_rows, value

MAX_INPUTS = 16
"""Circuits of more inputs are returned as they are (2^16 rows are 1 024 words a signal)."""
MAX_WORK = 1 << 27
"""Circuits whose ANDs² × words exceed this are returned as they are: every node's care rows
and divisors cost a pass over the circuit's simulation (about 360 ANDs at 16 inputs, 11 000
at 6 or fewer)."""
MAX_LITERALS = 64
"""At most this many candidate literals per node enter the two-new-AND search."""

MAX_FIRST = 16
"""At most this many first literals are tried for ``l1 & (l2 | l3)``."""


class _Resub:
    """The state of the pass: the AIG, its simulation, fan-outs and reference counts."""

    def __init__(self, aig: Aig, inputs: np.ndarray, care: np.ndarray):
        self.aig, self.inputs, self.care = aig, inputs, care
        self.values = aig.simulate(inputs)
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

        def now(f: int) -> np.ndarray:
            v = flipped.get(f >> 1)
            if v is None:
                return value(self.values, f)
            return v ^ ALL if f & 1 else v

        for u in cone:
            a, b = self.aig.fanin(u)
            flipped[u] = now(a) & now(b)
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
        where = care & value(values, first)
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
    aig = Aig.from_netlist(netlist)
    n = netlist.n_inputs
    words = -(-(1 << n) // 64)
    if n > MAX_INPUTS or len(aig.ands) ** 2 * words > MAX_WORK:
        return aig.to_netlist(netlist)
    deadline = None if seconds is None else time.monotonic() + seconds
    inputs = input_words(n)
    if care is None:
        care = np.ones((1 << n, netlist.n_outputs), dtype=bool)
    cared = pack_rows(care)
    changed = True
    while changed:
        changed = False
        state, tried = _Resub(aig, inputs, cared), set()
        node = aig.n_inputs + 1
        while node < aig.size:
            if deadline is not None and time.monotonic() > deadline:
                return aig.to_netlist(netlist)
            if node in tried or state.refs[node] == 0:
                node += 1
                continue
            tried.add(node)
            found = state.replacement(node)
            if found is None:
                node += 1
                continue
            aig, remap = aig.rebuild({node: found[1]})
            tried = {remap[u] for u in tried if u in remap}
            state, changed = _Resub(aig, inputs, cared), True
            node = aig.n_inputs + 1
    return aig.to_netlist(netlist)
