"""Netlist statistics: gates by kind, AND2-equivalent size, logic depth."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..netlist import LEAF_KINDS, Kind, Netlist
from .aig import to_and2


@dataclass
class NetlistStats:
    inputs: int
    outputs: int
    gates: int
    """Logic gates: everything but INPUT, constants and BUF (NOT gates count)."""
    by_kind: dict[str, int] = field(default_factory=dict)
    """Logic gates by kind (they add up to ``gates``)."""
    buffers: int = 0
    and2: int = 0
    """Two-input AND gates after :func:`btfsynth.aig.to_and2` (inverters free)."""
    depth: int = 0
    """Longest input-to-output path counted in logic gates (BUF and NOT are free)."""
    and2_depth: int = 0

    def lines(self) -> list[str]:
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(self.by_kind.items()))
        buffers = f", plus {self.buffers} buffers" if self.buffers else ""
        return [
            f"inputs:     {self.inputs}",
            f"outputs:    {self.outputs}",
            f"gates:      {self.gates}  ({kinds or 'none'}){buffers}",
            f"AND2 count: {self.and2}  (inverters free)",
            f"depth:      {self.depth}  (AND2 depth {self.and2_depth})",
        ]


def depth(netlist: Netlist) -> int:
    """Logic levels on the longest path to an output; BUF and NOT add no level."""
    level: list[int] = []
    for g in netlist.gates:
        below = max((level[f.gate] for f in g.fanins), default=0)
        free = g.kind in LEAF_KINDS or g.kind in (Kind.BUF, Kind.NOT)
        level.append(below if free else below + 1)
    return max((level[s.gate] for s in netlist.outputs), default=0)


def netlist_stats(netlist: Netlist) -> NetlistStats:
    """Count gates by kind, the AND2-equivalent size and the depth of ``netlist``."""
    by_kind: dict[str, int] = {}
    for g in netlist.gates:
        if g.kind not in LEAF_KINDS and g.kind is not Kind.BUF:
            by_kind[g.kind.value] = by_kind.get(g.kind.value, 0) + 1
    aig = to_and2(netlist)
    return NetlistStats(
        inputs=netlist.n_inputs,
        outputs=netlist.n_outputs,
        gates=sum(by_kind.values()),
        by_kind=by_kind,
        buffers=sum(g.kind is Kind.BUF for g in netlist.gates),
        and2=sum(g.kind is Kind.AND for g in aig.gates),
        depth=depth(netlist),
        and2_depth=depth(aig),
    )
