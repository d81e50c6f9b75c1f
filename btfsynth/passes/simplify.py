"""Netlist simplification: each pass is a pure function Netlist → Netlist that keeps the function.

Passes: :func:`fold_constants` (constants and degenerate fan-ins: repeated or complementary
literals, MAJ with constant fan-ins becoming AND/OR), :func:`push_inverters` (NOT gates become
inversion flags on edges, so double negations cancel; AND/OR/MAJ/XOR/THRESHOLD gates whose
fan-ins are mostly inverted are replaced by their dual with an inverted output),
:func:`remove_buffers`, :func:`strash` (structural hashing: equal gates over the same fan-ins,
order-insensitive for symmetric kinds, are merged) and :func:`remove_dead`. :func:`simplify`
iterates them to a fixed point. Inputs and outputs keep their names and order; INPUT gates are
never removed, even when unused, because they are part of the interface. The AND2 form and
count are in :mod:`btfsynth.aig`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from ..netlist import Gate, Kind, Netlist, Signal

Rewrite = Callable[[Netlist, Gate, list[Signal]], Signal]
"""A rewrite adds the replacement of one gate (fan-ins already mapped) to the new netlist."""

SYMMETRIC = frozenset({Kind.AND, Kind.OR, Kind.XOR, Kind.MAJ})
DUAL = {Kind.AND: Kind.OR, Kind.OR: Kind.AND, Kind.MAJ: Kind.MAJ}


def _through(mapped: Sequence[Signal], s: Signal) -> Signal:
    """The new signal for old signal ``s``, given the new signal of every old gate."""
    t = mapped[s.gate]
    return Signal(t.gate, t.inverted ^ s.inverted)


def _rebuild(netlist: Netlist, rewrite: Rewrite) -> Netlist:
    """Copy ``netlist`` gate by gate through ``rewrite`` (INPUT gates are always kept)."""
    new = Netlist(name=netlist.name)
    mapped: list[Signal] = []
    for g in netlist.gates:
        fanins = [_through(mapped, f) for f in g.fanins]
        if g.kind is Kind.INPUT:
            mapped.append(new.add(Gate(Kind.INPUT, name=g.name)))
        else:
            mapped.append(rewrite(new, g, fanins))
    for name, out in zip(netlist.output_names, netlist.outputs):
        new.add_output(_through(mapped, out), name)
    return new


def _keep(new: Netlist, g: Gate, fanins: list[Signal]) -> Signal:
    return new.add(g.with_fanins(fanins))


def _const(new: Netlist, value: bool) -> Signal:
    return new.add(Gate(Kind.CONST1 if value else Kind.CONST0))


def _value(new: Netlist, s: Signal) -> bool | None:
    """The constant value of ``s``, or None when it is not a constant."""
    kind = new.gates[s.gate].kind
    if kind is Kind.CONST0:
        return s.inverted
    if kind is Kind.CONST1:
        return not s.inverted
    return None


# -- constant propagation ---------------------------------------------------------------------
def _threshold(new: Netlist, terms: list[tuple[Signal, int]], threshold: int, g: Gate) -> Signal:
    """``sum(w * s) >= threshold`` over (signal, integer weight) terms, in its simplest form:
    constants folded, negative weights turned into inverted fan-ins, repeated and complementary
    literals merged, and unit-weight gates named AND, OR or MAJ where they are one."""
    weights: dict[int, int] = {}  # gate -> weight on its non-inverted value
    for s, w in terms:
        value = _value(new, s)
        if value is not None:
            threshold -= w * value
        elif s.inverted:  # w * (1 - v)
            threshold -= w
            weights[s.gate] = weights.get(s.gate, 0) - w
        else:
            weights[s.gate] = weights.get(s.gate, 0) + w
    fanins, ws = [], []
    for gate, w in weights.items():
        if w < 0:  # w * v = |w| * (1 - v) - |w|
            threshold += -w
        if w:
            fanins.append(Signal(gate, w < 0))
            ws.append(abs(w))
    if threshold <= 0 or sum(ws) < threshold:
        return _const(new, threshold <= 0)
    ws = [min(w, threshold) for w in ws]
    relevant = _relevant(ws, threshold)
    fanins = [s for s, keep in zip(fanins, relevant) if keep]
    ws = [w for w, keep in zip(ws, relevant) if keep]
    divisor = math.gcd(*ws)
    ws, threshold = [w // divisor for w in ws], -(-threshold // divisor)
    if len(fanins) == 1:
        return fanins[0]
    if len(set(ws)) == 1:
        need, r = -(-threshold // ws[0]), len(ws)
        if need == 1:
            return new.add(Gate(Kind.OR, tuple(fanins), name=g.name))
        if need == r:
            return new.add(Gate(Kind.AND, tuple(fanins), name=g.name))
        if r % 2 and need == (r + 1) // 2:
            return new.add(Gate(Kind.MAJ, tuple(fanins), name=g.name))
        ws, threshold = [1] * r, need
    return new.add(
        Gate(Kind.THRESHOLD, tuple(fanins), name=g.name, weights=tuple(ws), threshold=threshold)
    )


def _relevant(weights: list[int], threshold: int, limit: int = 16) -> list[bool]:
    """Which positive weights can change ``sum >= threshold``: weight i matters when the other
    weights can sum to a value in [threshold − w_i, threshold − 1]. Exact below ``limit``
    fan-ins (subset sums capped at the threshold); above it every weight is kept."""
    if len(weights) > limit:
        return [True] * len(weights)
    result = []
    for i, w in enumerate(weights):
        sums = {0}
        for j, other in enumerate(weights):
            if j != i:
                sums |= {min(s + other, threshold) for s in sums}
        result.append(any(threshold - w <= s < threshold for s in sums))
    return result


def _fold_xor(new: Netlist, g: Gate, fanins: list[Signal]) -> Signal:
    parity = False
    odd: dict[int, bool] = {}  # gate -> whether it occurs an odd number of times
    for s in fanins:
        value = _value(new, s)
        parity ^= s.inverted if value is None else value
        if value is None:
            odd[s.gate] = not odd.get(s.gate, False)
    rest = [Signal(gate) for gate, keep in odd.items() if keep]
    if not rest:
        return _const(new, parity)
    out = rest[0] if len(rest) == 1 else new.add(Gate(Kind.XOR, tuple(rest), name=g.name))
    return Signal(out.gate, out.inverted ^ parity)


def _fold_sop(new: Netlist, g: Gate, fanins: list[Signal]) -> Signal:
    values = [_value(new, s) for s in fanins]
    keep = [i for i, v in enumerate(values) if v is None]
    cover = []
    for cube in g.cover:
        if all(ch == "-" or v is None or (ch == "1") == v for ch, v in zip(cube, values)):
            cover.append("".join(cube[i] for i in keep))
    if not cover or any(set(c) <= {"-"} for c in cover):
        return _const(new, bool(cover) == g.onset)
    if len(keep) == len(fanins):
        return new.add(g.with_fanins(fanins))
    return new.add(
        Gate(Kind.SOP, tuple(fanins[i] for i in keep), g.name, cover=tuple(cover), onset=g.onset)
    )


def _fold(new: Netlist, g: Gate, fanins: list[Signal]) -> Signal:
    kind = g.kind
    if kind in (Kind.CONST0, Kind.CONST1):
        return _const(new, kind is Kind.CONST1)
    if kind in (Kind.BUF, Kind.NOT):
        value = _value(new, fanins[0])
        if value is not None:
            return _const(new, value ^ (kind is Kind.NOT))
        return new.add(g.with_fanins(fanins))
    if kind is Kind.AND:
        return _threshold(new, [(s, 1) for s in fanins], len(fanins), g)
    if kind is Kind.OR:
        return _threshold(new, [(s, 1) for s in fanins], 1, g)
    if kind is Kind.MAJ:
        return _threshold(new, [(s, 1) for s in fanins], (len(fanins) + 1) // 2, g)
    if kind is Kind.THRESHOLD:
        return _threshold(new, list(zip(fanins, g.weights)), g.threshold, g)
    if kind is Kind.XOR:
        return _fold_xor(new, g, fanins)
    return _fold_sop(new, g, fanins)


def fold_constants(netlist: Netlist) -> Netlist:
    """Propagate constants and collapse degenerate gates (AND(a, ¬a) = 0, MAJ(0, a, b) =
    AND(a, b), MAJ(a, a, b) = a, XOR(a, a) = 0, single-fan-in AND/OR/MAJ, ...)."""
    return _rebuild(netlist, _fold)


# -- inverters --------------------------------------------------------------------------------
def _push(new: Netlist, g: Gate, fanins: list[Signal]) -> Signal:
    kind = g.kind
    if kind is Kind.NOT:
        return ~fanins[0]
    if kind is Kind.XOR:
        parity = sum(s.inverted for s in fanins) % 2 == 1
        out = new.add(g.with_fanins(Signal(s.gate) for s in fanins))
        return Signal(out.gate, parity)
    flipped = [~s for s in fanins]
    if kind in DUAL and 2 * sum(s.inverted for s in fanins) > len(fanins):
        return ~new.add(Gate(DUAL[kind], tuple(flipped), name=g.name))
    if kind is Kind.THRESHOLD:
        inverted = sum(w for s, w in zip(fanins, g.weights) if s.inverted)
        if 2 * inverted > sum(g.weights):  # ¬(Σ w v >= T)  ⇔  Σ w (1 − v) >= Σ w − T + 1
            dual = sum(g.weights) - g.threshold + 1
            return ~new.add(Gate(Kind.THRESHOLD, tuple(flipped), g.name, g.weights, dual))
    return new.add(g.with_fanins(fanins))


def push_inverters(netlist: Netlist) -> Netlist:
    """Turn NOT gates into inversion flags (double negations cancel) and move inversions from
    the fan-ins of a gate to its output where that leaves fewer inverted edges (De Morgan for
    AND/OR, self-duality of MAJ and THRESHOLD, parity for XOR)."""
    return _rebuild(netlist, _push)


def remove_buffers(netlist: Netlist) -> Netlist:
    """Replace every BUF gate by its fan-in."""

    def rewrite(new: Netlist, g: Gate, fanins: list[Signal]) -> Signal:
        return fanins[0] if g.kind is Kind.BUF else _keep(new, g, fanins)

    return _rebuild(netlist, rewrite)


# -- structural hashing and dead gates --------------------------------------------------------
def _key(g: Gate, fanins: list[Signal]) -> tuple:
    if g.kind in SYMMETRIC:
        return (g.kind, tuple(sorted(fanins)))
    if g.kind is Kind.THRESHOLD:
        return (g.kind, tuple(sorted(zip(fanins, g.weights))), g.threshold)
    return (g.kind, tuple(fanins), g.cover, g.onset)


def strash(netlist: Netlist) -> Netlist:
    """Merge gates of the same kind over the same fan-ins (in any order for AND/OR/XOR/MAJ and
    THRESHOLD); the first gate's name is kept. Constants are merged too."""
    seen: dict[tuple, Signal] = {}

    def rewrite(new: Netlist, g: Gate, fanins: list[Signal]) -> Signal:
        key = _key(g, fanins)
        if key not in seen:
            seen[key] = _keep(new, g, fanins)
        return seen[key]

    return _rebuild(netlist, rewrite)


def remove_dead(netlist: Netlist) -> Netlist:
    """Drop gates that no output depends on (INPUT gates stay: they are the interface)."""
    live = [g.kind is Kind.INPUT for g in netlist.gates]
    for s in netlist.outputs:
        live[s.gate] = True
    for i in range(len(netlist.gates) - 1, -1, -1):
        if live[i]:
            for f in netlist.gates[i].fanins:
                live[f.gate] = True
    new = Netlist(name=netlist.name)
    index = [-1] * len(netlist.gates)
    for i, g in enumerate(netlist.gates):
        if live[i]:
            fanins = (Signal(index[f.gate], f.inverted) for f in g.fanins)
            index[i] = new.add(g.with_fanins(fanins)).gate
    for name, s in zip(netlist.output_names, netlist.outputs):
        new.add_output(Signal(index[s.gate], s.inverted), name)
    return new


PASSES = (fold_constants, push_inverters, remove_buffers, strash, remove_dead)


def _same(a: Netlist, b: Netlist) -> bool:
    return a.gates == b.gates and a.outputs == b.outputs


def simplify(netlist: Netlist, max_rounds: int = 100) -> Netlist:
    """Apply :data:`PASSES` in turn until the netlist no longer changes.

    >>> nl = Netlist(); a, b = nl.add_input("a"), nl.add_input("b")
    >>> zero = nl.add_const(False)
    >>> nl.add_output(nl.add_gate(Kind.NOT, [nl.add_gate(Kind.MAJ, [~a, ~b, zero])]), "y")
    >>> [g.kind.value for g in simplify(nl).gates], simplify(nl).outputs
    (['input', 'input', 'or'], [Signal(gate=2, inverted=False)])
    """
    current = netlist
    for _ in range(max_rounds):
        new = current
        for step in PASSES:
            new = step(new)
        if _same(new, current):
            return new
        current = new
    raise RuntimeError(f"simplification did not reach a fixed point in {max_rounds} rounds")
