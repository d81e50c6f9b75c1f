"""What each gate kind computes, written once: the gate table.

Every other place that interprets gate kinds — the numpy reference evaluator
(:mod:`btfsynth.sim.reference`, behind :meth:`btfsynth.netlist.Netlist.evaluate`), the
bit-packed evaluator's opcodes (:mod:`btfsynth.sim.program`), the AND2 lowering
(:mod:`btfsynth.passes.aig`) and the covers the writers emit (``exporters/nets.gate_cover``) — is
checked against :func:`value` on every fan-in pattern by ``tests/test_gates.py``;
:func:`arity_problem` is the one statement of the fan-ins each kind takes, used by
:meth:`Netlist.validate`.

Values are 0/1 after each fan-in's inversion flag is applied:

=========  ==================  ===========================================================
kind       fan-ins             value
=========  ==================  ===========================================================
CONST0/1   none                0 / 1
INPUT      none                the primary input (``name`` is the input name)
BUF, NOT   exactly one         the fan-in / its complement
AND, OR    at least one        all / any of them are 1
XOR        at least one        an odd number of them is 1
MAJ        an odd number       more than half of them are 1
THRESHOLD  one per weight      ``sum(w_i * v_i) >= threshold`` (integer ``weights``)
SOP        one per cube place  some cube of ``cover`` ('0', '1', '-') matches (``onset``),
                               or none does (``onset`` False: BLIF ``.names`` with output 0)
=========  ==================  ===========================================================
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from typing import Protocol


class Kind(enum.Enum):
    CONST0 = "const0"
    CONST1 = "const1"
    INPUT = "input"
    BUF = "buf"
    NOT = "not"
    AND = "and"
    OR = "or"
    XOR = "xor"
    MAJ = "maj"
    THRESHOLD = "threshold"
    SOP = "sop"


LEAF_KINDS = frozenset({Kind.CONST0, Kind.CONST1, Kind.INPUT})


class GateLike(Protocol):
    """What the table reads of a gate (btfsynth.netlist.Gate)."""

    kind: Kind
    weights: tuple[int, ...]
    threshold: int
    cover: tuple[str, ...]
    onset: bool


def _cube_matches(cube: str, bits: Sequence[int]) -> bool:
    return all(c == "-" or int(c) == b for c, b in zip(cube, bits))


MEANING: dict[Kind, Callable[[GateLike, Sequence[int]], bool]] = {
    Kind.CONST0: lambda g, v: False,
    Kind.CONST1: lambda g, v: True,
    Kind.BUF: lambda g, v: bool(v[0]),
    Kind.NOT: lambda g, v: not v[0],
    Kind.AND: lambda g, v: all(v),
    Kind.OR: lambda g, v: any(v),
    Kind.XOR: lambda g, v: sum(v) % 2 == 1,
    Kind.MAJ: lambda g, v: 2 * sum(v) > len(v),
    Kind.THRESHOLD: lambda g, v: sum(w * b for w, b in zip(g.weights, v)) >= g.threshold,
    Kind.SOP: lambda g, v: any(_cube_matches(c, v) for c in g.cover) == g.onset,
}
"""The value of a gate of each kind (all but INPUT) on one row of 0/1 fan-in values."""


def value(gate: GateLike, bits: Sequence[int]) -> bool:
    """The gate's value on one row of (already inverted) 0/1 fan-in values."""
    if gate.kind not in MEANING:
        raise ValueError(f"a {gate.kind.value} gate has no value of its own")
    return MEANING[gate.kind](gate, bits)


def arity_problem(gate: GateLike, k: int) -> str | None:
    """Why ``k`` fan-ins do not fit ``gate`` (with its weights or cover), or None."""
    kind = gate.kind
    if kind in LEAF_KINDS:
        return "must have no fan-ins" if k else None
    if kind in (Kind.BUF, Kind.NOT):
        return None if k == 1 else f"must have exactly one fan-in, not {k}"
    if kind in (Kind.AND, Kind.OR, Kind.XOR):
        return None if k >= 1 else "needs at least one fan-in"
    if kind is Kind.MAJ:
        return None if k % 2 else f"needs an odd number of fan-ins, not {k}"
    if kind is Kind.THRESHOLD:
        return (
            None if len(gate.weights) == k else f"has {len(gate.weights)} weights for {k} fan-ins"
        )
    for cube in gate.cover:
        if len(cube) != k or set(cube) - set("01-"):
            return f"has cube {cube!r} for {k} fan-ins"
    return None
