"""The one AND2 lowering: any netlist into two-input ANDs and inverters (an And-Inverter Graph).

The AIG is the common currency of logic synthesis (ABC, AIGER): its AND count is the size
measure quoted by the paper and by the EPFL suite, and the only AND2 count this tool prints
(:func:`and2_count`, used by ``stats``, the file headers and the compiler). Every gate kind is
rewritten here and nowhere else: AND/OR as balanced trees, XOR2 as three ANDs, MAJ and
THRESHOLD gates as the cheapest of their ordered BDD, a pruned sorting network, a weighted
adder compared with the threshold and, for MAJ5, its optimal 10-AND circuit
(:meth:`AigBuilder.threshold`), SOP covers as an OR of cube ANDs.
Repeated fan-ins merge first (:func:`project` for covers), constants fold and identical ANDs are
shared (structural hashing) while building.

Writers of formats without a gate kind call :func:`lower` with the kinds they can write, so a
circuit keeps its AND2 count whichever format it travels through.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from ..netlist import Gate, Kind, Netlist, NetlistError, Signal
from .simplify import remove_dead


def project(cover: Sequence[str], fanins: Sequence[Signal]) -> tuple[list[int], list[str]]:
    """A cover over signals (with inversion flags) rewritten over the distinct gates they name,
    in order of first appearance: inversions flip literals, repeated gates merge (a cube asking
    for both values vanishes) and repeated cubes go. Writers emit covers in this form and the
    lowering starts from it, so a cover lowers alike before and after a file.

    >>> project(["11", "1-"], [Signal(3, False), Signal(3, True)])
    ([3], ['1'])
    """
    columns: dict[int, int] = {}
    for f in fanins:
        columns.setdefault(f.gate, len(columns))
    cubes: dict[str, None] = {}
    for cube in cover:
        out = ["-"] * len(columns)
        for ch, f in zip(cube, fanins):
            if ch == "-":
                continue
            bit = "1" if (ch == "1") != f.inverted else "0"
            col = columns[f.gate]
            if out[col] not in ("-", bit):
                break
            out[col] = bit
        else:
            cubes["".join(out)] = None
    return list(columns), list(cubes)


def _distinct(ins: Sequence[Signal]) -> list[Signal] | None:
    """The fan-ins of an AND without repeats (first appearance kept); None when a signal
    meets its complement (the AND is 0)."""
    seen: dict[int, Signal] = {}
    for s in ins:
        if seen.setdefault(s.gate, s) != s:
            return None
    return list(seen.values())


def _parity(ins: Sequence[Signal]) -> tuple[list[Signal], bool]:
    """The fan-ins of an XOR with pairs of the same gate cancelled, and the output's
    inversion that the cancelled complements leave."""
    count: dict[int, int] = {}
    flip = False
    for s in ins:
        count[s.gate] = count.get(s.gate, 0) + 1
        flip ^= s.inverted
    return [Signal(g, False) for g, c in count.items() if c % 2], flip


SELECTION_LIMIT = 64
"""Thresholds over more fan-in copies than this get no selection network."""
BDD_LIMIT = 4096
"""Thresholds whose ordered BDD may have more nodes than this get no BDD."""


MAJ5_AIG = (
    (2, False, 4, False), (1, True, 3, True), (1, False, 3, False), (5, True, 7, True),
    (2, True, 4, True), (0, True, 8, False), (6, True, 10, True), (9, True, 11, False),
    (0, False, 8, True), (12, True, 13, True),
)  # fmt: skip
"""MAJ5 in 10 ANDs, the known optimum (against 12 for the pruned sorting network), found by
SAT-based exact synthesis (one-hot fan-in selection, polarity and simulation variables per
gate and row, CaDiCaL): nodes 0–4 are the inputs, node 5 + i is the i-th entry (a, a
complemented, b, b complemented), and the output is the last node complemented."""


def _bdd_bound(weights: Sequence[int]) -> int:
    """An upper bound on the nodes of a threshold's ordered BDD: level ``i`` holds at most
    ``2^i`` nodes and at most one per reachable partial sum."""
    total, spread = 0, 0
    for i, w in enumerate(weights):
        total += min(1 << i, spread + 1)
        spread += abs(w)
        if total > BDD_LIMIT:
            break
    return total


def odd_even_merge_sort(n: int) -> list[tuple[int, int]]:
    """The comparators ``(a, b)``, ``a < b``, of Batcher's odd-even merge sort on ``n`` wires
    (K. E. Batcher, "Sorting networks and their applications", 1968): the network for the next
    power of two, without the comparators that touch the wires from ``n`` on (they would only
    carry zeros to the end, so those comparators change nothing)."""
    size = 1
    while size < n:
        size *= 2
    out = []
    block = 1
    while block < size:  # merge sorted runs of ``block`` wires into runs of 2 * block
        step = block
        while step >= 1:
            for first in range(step % block, size - step, 2 * step):
                for i in range(min(step, size - first - step)):
                    a, b = first + i, first + i + step
                    if a // (2 * block) == b // (2 * block) and b < n:
                        out.append((a, b))
            step //= 2
        block *= 2
    return out


class AigBuilder:
    """Adds two-input AND gates (structurally hashed) and one CONST0 gate to ``netlist``."""

    def __init__(self, netlist: Netlist):
        self.netlist = netlist
        self._const: Signal | None = None
        self._ands: dict[tuple[Signal, Signal], Signal] = {}
        self._keys: list[tuple[Signal, Signal]] = []  # in the order the ANDs were added

    def input(self, name: str | None) -> Signal:
        return self.netlist.add(Gate(Kind.INPUT, name=name))

    def const(self, value: bool) -> Signal:
        if self._const is None:
            self._const = self.netlist.add(Gate(Kind.CONST0))
        return Signal(self._const.gate, bool(value))

    def is_const(self, s: Signal) -> bool:
        return self._const is not None and s.gate == self._const.gate

    def and2(self, a: Signal, b: Signal) -> Signal:
        for x, y in ((a, b), (b, a)):
            if self.is_const(x):
                return y if x.inverted else x
        if a == b:
            return a
        if a.gate == b.gate:
            return self.const(False)
        key = (a, b) if a < b else (b, a)
        if key not in self._ands:
            self._ands[key] = self.netlist.add(Gate(Kind.AND, key))
            self._keys.append(key)
        return self._ands[key]

    def truncate(self, size: int) -> None:
        """Forget the gates from index ``size`` on (a trial lowering that is not used)."""
        del self.netlist.gates[size:]
        while self._keys and self._ands[self._keys[-1]].gate >= size:
            del self._ands[self._keys.pop()]
        if self._const is not None and self._const.gate >= size:
            self._const = None

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

    def and_all(self, ins: Sequence[Signal]) -> Signal:
        """The AND of ``ins`` (1 when empty) after repeats merge, as a balanced tree."""
        distinct = _distinct(ins)
        return self.const(False) if distinct is None else self.tree(self.and2, distinct, True)

    def threshold(self, ins: Sequence[Signal], weights: Sequence[int], threshold: int) -> Signal:
        """1 when ``sum(w_i * v_i) >= threshold``: the cheapest (fewest new ANDs) of its
        ordered BDD (when it has at most :data:`BDD_LIMIT` nodes), a selection network over
        ``|w_i|`` copies of each fan-in (when there are at most :data:`SELECTION_LIMIT`) and a
        weighted adder compared with the threshold (always; its size grows with the weights'
        bits, not their values). A negative weight complements its fan-in and adds ``|w_i|``
        to the threshold. The BDD suits few fan-ins, the network counting gates (MAJ9's median
        network: 30 ANDs against the BDD's 60), the adder wide integer weights."""
        positive = [s if w > 0 else ~s for s, w in zip(ins, weights) if w]
        sizes = [abs(w) for w in weights if w]
        need = threshold - sum(w for w in weights if w < 0)
        builds = [lambda: self.weighted_sum_at_least(positive, sizes, need)]
        if sum(sizes) <= SELECTION_LIMIT:
            copies = [s for s, w in zip(positive, sizes) for _ in range(w)]
            builds.insert(0, lambda: self.at_least(copies, need))
            if len(copies) == 5 and need == 3:
                builds.insert(0, lambda: self.maj5(copies))
            if len(copies) == 9 and need == 5:
                builds.insert(0, lambda: self.median9(copies))
        if _bdd_bound(weights) <= BDD_LIMIT:
            builds.insert(0, lambda: self.bdd(ins, weights, threshold))
        return self.cheapest(builds)

    def maj5(self, ins: Sequence[Signal]) -> Signal:
        """MAJ5 of ``ins`` as :data:`MAJ5_AIG`."""
        nodes = list(ins)
        for a, invert_a, b, invert_b in MAJ5_AIG:
            x, y = nodes[a], nodes[b]
            nodes.append(self.and2(~x if invert_a else x, ~y if invert_b else y))
        return ~nodes[-1]

    def maj3(self, a: Signal, b: Signal, c: Signal) -> Signal:
        """MAJ3 in 4 ANDs: ``ab + c(a + b)``."""
        return self.or2(self.and2(a, b), self.and2(c, self.or2(a, b)))

    def median9(self, ins: Sequence[Signal]) -> Signal:
        """MAJ9 in 30 ANDs as the median of a 3×3 grid (A. W. Paeth, "Median finding on a 3×3
        grid", Graphics Gems, 1990): sort each row (6 ANDs), then the median is the MAJ3 of the
        largest row minimum, the median of the row medians and the smallest row maximum."""
        lows, mids, highs = [], [], []
        for a, b, c in (ins[0:3], ins[3:6], ins[6:9]):
            low, high = self.and2(b, c), self.or2(b, c)
            lows.append(self.and2(a, low))
            upper = self.or2(a, low)
            mids.append(self.and2(upper, high))
            highs.append(self.or2(upper, high))
        return self.maj3(~self.and_all([~s for s in lows]), self.maj3(*mids), self.and_all(highs))

    def full_adder(self, a: Signal, b: Signal, c: Signal) -> tuple[Signal, Signal]:
        """(sum, carry) of three bits: XOR3 and MAJ3 sharing ``a ⊕ b``."""
        half = self.xor2(a, b)
        return self.xor2(half, c), self.or2(self.and2(a, b), self.and2(c, half))

    def weighted_sum_at_least(
        self, ins: Sequence[Signal], weights: Sequence[int], k: int
    ) -> Signal:
        """1 when ``sum(w_i * v_i) >= k`` for positive integer weights: each fan-in enters the
        columns of its weight's one bits, full and half adders compress every column to one
        bit (carries go to the next column), and the binary sum is compared with ``k``."""
        if k <= 0 or k > sum(weights):
            return self.const(k <= 0)
        columns: list[list[Signal]] = [[] for _ in range(max(weights).bit_length() + len(ins))]
        for s, w in zip(ins, weights):
            for j in range(w.bit_length()):
                if w >> j & 1:
                    columns[j].append(s)
        bits = []
        for j, column in enumerate(columns):
            while len(column) > 1:
                if len(column) >= 3:
                    total, carry = self.full_adder(column.pop(0), column.pop(0), column.pop(0))
                else:
                    a, b = column.pop(0), column.pop(0)
                    total, carry = self.xor2(a, b), self.and2(a, b)
                column.append(total)
                if j + 1 < len(columns):
                    columns[j + 1].append(carry)
            bits.append(column[0] if column else self.const(False))
        at_least = self.const(True)  # sum >= k, decided from the least significant bit up
        for j, bit in enumerate(bits):
            at_least = self.and2(bit, at_least) if k >> j & 1 else self.or2(bit, at_least)
        return at_least

    def cheapest(self, builds: Sequence[Callable[[], Signal]]) -> Signal:
        """The signal of the build that adds the fewest ANDs (the first on a tie); the
        others are tried and taken back."""
        size = len(self.netlist.gates)
        costs = []
        for build in builds:
            build()
            costs.append(sum(g.kind is Kind.AND for g in self.netlist.gates[size:]))
            self.truncate(size)
        return builds[costs.index(min(costs))]()

    def bdd(self, ins: Sequence[Signal], weights: Sequence[int], threshold: int) -> Signal:
        """``sum(w_i * v_i) >= threshold`` as a memoised ordered BDD (one mux per node)."""
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

    def at_least(self, ins: Sequence[Signal], k: int) -> Signal:
        """1 when at least ``k`` of ``ins`` are 1: wire ``k - 1`` of a sorting network that
        puts the ones first (a comparator is an OR and an AND), built only where that wire
        depends on it."""
        if k <= 0 or k > len(ins):
            return self.const(k <= 0)
        comparators = odd_even_merge_sort(len(ins))
        needed = [False] * len(ins)
        needed[k - 1] = True
        wanted = []
        for a, b in reversed(comparators):
            wanted.append((needed[a], needed[b]))
            needed[a] = needed[b] = needed[a] or needed[b]
        wires = list(ins)
        for (a, b), (high, low) in zip(comparators, reversed(wanted)):
            x, y = wires[a], wires[b]
            if high:
                wires[a] = self.or2(x, y)
            if low:
                wires[b] = self.and2(x, y)
        return wires[k - 1]

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
            return self.and_all(ins)
        if kind is Kind.OR:
            return ~self.and_all([~s for s in ins])
        if kind is Kind.XOR:
            odd, flip = _parity(ins)
            hit = self.tree(self.xor2, odd, False)
            return ~hit if flip else hit
        if kind is Kind.MAJ:
            return self.threshold(ins, [1] * len(ins), (len(ins) + 1) // 2)
        if kind is Kind.THRESHOLD:
            return self.threshold(ins, g.weights, g.threshold)
        if kind is Kind.SOP:
            gates, cover = project(g.cover, ins)
            cubes = [
                self.and_all([Signal(j, ch == "0") for j, ch in zip(gates, cube) if ch != "-"])
                for cube in cover
            ]
            hit = ~self.and_all([~c for c in cubes])
            return hit if g.onset else ~hit
        raise NetlistError(f"cannot decompose gate kind {kind}")


_ALWAYS = frozenset({Kind.CONST0, Kind.CONST1, Kind.BUF, Kind.NOT})
"""Kinds :func:`lower` always absorbs: constants fold, BUF and NOT become edge inversions."""


def lower(netlist: Netlist, keep: Callable[[Gate], bool]) -> Netlist:
    """``netlist`` with every gate that ``keep`` rejects rewritten into two-input ANDs, for a
    writer whose format lacks that kind. A gate is kept (copied over the new fan-ins) only
    where its lowering builds new ANDs and no fan-in is constant; otherwise it is the wire,
    constant or shared AND the lowering finds, so the file lowers exactly as the original
    does. Constants, BUF and NOT are always absorbed; a lowered gate's name goes to its new
    root. The :func:`and2_count` of the result is the original's."""
    out = Netlist(name=netlist.name)
    builder = AigBuilder(out)
    signals: list[Signal] = []
    for g in netlist.gates:
        ins = [signals[f.gate] if not f.inverted else ~signals[f.gate] for f in g.fanins]
        if g.kind is Kind.INPUT:
            signals.append(builder.input(g.name))
            continue
        before = len(out.gates)
        s = builder.gate(g, ins)
        new = s.gate >= before and out.gates[s.gate].kind is Kind.AND  # not a wire or constant
        if new and g.kind not in _ALWAYS and keep(g) and not any(map(builder.is_const, ins)):
            builder.truncate(before)
            s = out.add(g.with_fanins(ins))
        elif new and g.name and out.gates[s.gate].name is None:
            out.gates[s.gate] = replace(out.gates[s.gate], name=g.name)
        signals.append(s)
    for name, s in zip(netlist.output_names, netlist.outputs):
        out.add_output(~signals[s.gate] if s.inverted else signals[s.gate], name)
    return out


def to_and2(netlist: Netlist) -> Netlist:
    """The AIG of ``netlist``: INPUT, at most one CONST0 and two-input AND gates (inversions on
    edges), without logic that no output uses.

    >>> nl = Netlist(); a, b, c = (nl.add_input(x) for x in "abc")
    >>> nl.add_output(nl.add_gate(Kind.MAJ, [a, b, c]), "m")
    >>> and2_count(nl)
    4
    """
    return remove_dead(lower(netlist, lambda g: False))


def and2_count(netlist: Netlist) -> int:
    """Two-input ANDs of :func:`to_and2` (inverters free): the size every command prints."""
    return sum(g.kind is Kind.AND for g in to_and2(netlist).gates)
