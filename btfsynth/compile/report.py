"""What the compiler reports: the gate each node became, how exact, and how it was checked."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..netlist import Netlist


class CompileMismatch(RuntimeError):
    """The compiled netlist differs from the network on a row where it must not (a bug)."""

    def __init__(self, message: str, row: np.ndarray):
        super().__init__(message)
        self.row = row


@dataclass
class NodeGate:
    """How one BTF node was compiled."""

    node: int
    kind: str
    """const0, const1, buf, not, and, or, maj, threshold or (float rounding only) sop."""
    support: tuple[int, ...]
    """Network nodes the gate reads (the bias is folded into the gate)."""
    all_inputs: bool = True
    """True when decided on all input patterns of the node, False when data-exact."""
    reason: str = ""
    """Why the node is data-exact or a THRESHOLD gate."""


@dataclass
class CompileReport:
    """Per network: which gate each node became, how exact, and how the result was checked."""

    nodes: list[NodeGate] = field(default_factory=list)
    checked_rows: int = 0
    """Rows on which the netlist was proven equal to the network."""
    exhaustive: bool = False
    """True when ``checked_rows`` is the whole input space."""
    random_rows: int = 0
    random_agree: int = 0
    """Random rows outside the care set, and on how many of them all outputs agree."""
    table_accuracy: float | None = None
    """Bitwise accuracy of the netlist on the table's cared output bits, when a table is given."""
    optimized: tuple[str, int, int] | None = None
    """The optimiser's effort and the AND2 counts before and after it, when it ran."""
    everywhere: str | None = None
    """How a netlist of more than 24 inputs was proven equal to the network on every input
    (every node exact on all its input patterns, the netlist proven equal to those gates), or
    None when it was not."""
    dont_cares: int = 0
    """Output bits of the 2^n rows the optimiser was free to change (the table's don't-cares);
    the proof skips them."""

    @property
    def exact(self) -> int:
        """Nodes that became a constant, a literal, AND, OR or MAJ."""
        return len(self.nodes) - self.threshold

    @property
    def threshold(self) -> int:
        """Nodes that fell back to a THRESHOLD gate (or, where float rounding makes the field
        no threshold function, to an SOP cover)."""
        return sum(g.kind in ("threshold", "sop") for g in self.nodes)

    @property
    def data_exact(self) -> int:
        return sum(not g.all_inputs for g in self.nodes)

    @property
    def by_kind(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for g in self.nodes:
            counts[g.kind] = counts.get(g.kind, 0) + 1
        return dict(sorted(counts.items()))

    def lines(self) -> list[str]:
        kinds = ", ".join(f"{k} {v}" for k, v in self.by_kind.items())
        out = [
            f"BTF nodes:  {len(self.nodes)}  ({kinds})",
            f"exact:      {self.exact} exact gates, {self.threshold} THRESHOLD, "
            f"{self.data_exact} data-exact (not all-input-exact)",
        ]
        out += [f"  node {g.node} ({g.kind}): {g.reason}" for g in self.nodes if g.reason]
        if self.optimized is not None:
            effort, before, after = self.optimized
            kept = "" if after < before else " (no gain: the gates are kept)"
            free = f", {self.dont_cares} don't-care output bits free" if self.dont_cares else ""
            out.append(f"optimised:  {before} → {after} AND2 (effort {effort}{free}){kept}")
        if self.exhaustive and self.dont_cares:
            out.append(
                f"verified:   equal to the network on every cared output of all "
                f"{self.checked_rows} input rows (the {self.dont_cares} don't-care bits differ "
                "where that saved gates)"
            )
        elif self.exhaustive:
            out.append(f"verified:   equal to the network on all {self.checked_rows} input rows")
        elif self.everywhere:
            out.append(
                f"verified:   equal to the network on every input: each node's gate is exact "
                f"on all its input patterns, and the netlist is proven equal to those gates "
                f"({self.everywhere}); {self.random_agree} of {self.random_rows} random rows "
                "agree"
            )
        else:
            checked = "" if self.data_exact else (
                "each node's gate is exact on all its input patterns, but the netlist was not "
                "proven equal to those gates in time; "
            )  # fmt: skip
            out.append(
                f"verified:   {checked}equal to the network on {self.checked_rows} care-set "
                f"rows; {self.random_agree} of {self.random_rows} random rows agree"
            )
        if self.table_accuracy is not None:
            out.append(f"table:      {100 * self.table_accuracy:.2f} % of cared output bits right")
        return out


@dataclass
class CompileResult:
    """A compiled netlist and how it was compiled and checked."""

    netlist: Netlist
    report: CompileReport
