"""The gate-level netlist IR: gates in topological order, fan-ins with inversion flags.

A :class:`Netlist` is a list of :class:`Gate` objects; a gate refers to earlier gates through
:class:`Signal` (gate index, inverted). INPUT gates, in list order, are the primary inputs;
``outputs`` are signals with names. What each gate :class:`Kind` computes, and the fan-ins it
takes, is stated once, in :mod:`btfsynth.gates`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple

import networkx as nx
import numpy as np

from .errors import BtfsynthError, first_duplicate
from .gates import LEAF_KINDS, Kind, arity_problem

__all__ = ["LEAF_KINDS", "Gate", "Kind", "Netlist", "NetlistError", "Signal"]


class Signal(NamedTuple):
    """A reference to gate ``gate``'s value, complemented when ``inverted``."""

    gate: int
    inverted: bool = False

    def __invert__(self) -> Signal:
        return Signal(self.gate, not self.inverted)


@dataclass(frozen=True, slots=True)
class Gate:
    """One gate; ``weights``/``threshold`` only for THRESHOLD, ``cover``/``onset`` only for SOP."""

    kind: Kind
    fanins: tuple[Signal, ...] = ()
    name: str | None = None
    weights: tuple[int, ...] = ()
    threshold: int = 0
    cover: tuple[str, ...] = ()
    onset: bool = True

    def with_fanins(self, fanins: Iterable[Signal]) -> Gate:
        return replace(self, fanins=tuple(fanins))


class NetlistError(BtfsynthError):
    """A structurally invalid netlist (bad arity, forward reference, ...)."""


@dataclass
class Netlist:
    """Gates in topological order plus named outputs.

    >>> nl = Netlist()
    >>> a, b = nl.add_input("a"), nl.add_input("b")
    >>> nl.add_output(nl.add_gate(Kind.AND, [a, ~b]), "y")
    >>> nl.evaluate(np.array([[1, 0], [1, 1]], dtype=np.uint8)).ravel().tolist()
    [1, 0]
    """

    gates: list[Gate] = field(default_factory=list)
    outputs: list[Signal] = field(default_factory=list)
    output_names: list[str] = field(default_factory=list)
    name: str = "top"

    # -- building ----------------------------------------------------------------------------
    def add(self, gate: Gate) -> Signal:
        """Append a gate (fan-ins must refer to existing gates) and return its signal."""
        index = len(self.gates)
        for f in gate.fanins:
            if not 0 <= f.gate < index:
                raise NetlistError(f"gate {index} refers to gate {f.gate}, which is not before it")
        self.gates.append(gate)
        return Signal(index)

    def add_input(self, name: str) -> Signal:
        return self.add(Gate(Kind.INPUT, name=name))

    def add_const(self, value: bool) -> Signal:
        return self.add(Gate(Kind.CONST1 if value else Kind.CONST0))

    def add_gate(
        self, kind: Kind, fanins: Sequence[Signal], name: str | None = None, **kw
    ) -> Signal:
        return self.add(Gate(kind, tuple(Signal(*f) for f in fanins), name=name, **kw))

    def add_output(self, signal: Signal, name: str) -> None:
        self.outputs.append(Signal(*signal))
        self.output_names.append(name)

    # -- views -------------------------------------------------------------------------------
    @property
    def inputs(self) -> list[int]:
        """Gate indices of the primary inputs, in input order."""
        return [i for i, g in enumerate(self.gates) if g.kind is Kind.INPUT]

    @property
    def input_names(self) -> list[str]:
        return [
            g.name or f"i{k}" for k, g in enumerate(g for g in self.gates if g.kind is Kind.INPUT)
        ]

    @property
    def n_inputs(self) -> int:
        return sum(g.kind is Kind.INPUT for g in self.gates)

    @property
    def n_outputs(self) -> int:
        return len(self.outputs)

    def __len__(self) -> int:
        return len(self.gates)

    def copy(self) -> Netlist:
        return Netlist(list(self.gates), list(self.outputs), list(self.output_names), self.name)

    # -- checks ------------------------------------------------------------------------------
    def validate(self) -> Netlist:
        """Check topological order, arities, MAJ oddness, weights and covers; return self."""
        for i, g in enumerate(self.gates):
            k = len(g.fanins)
            where = f"gate {i} ({g.kind.value}{' ' + g.name if g.name else ''})"
            for f in g.fanins:
                if not 0 <= f.gate < i:
                    raise NetlistError(f"{where} refers to gate {f.gate}: not before it (cycle?)")
            problem = arity_problem(g, k)
            if problem:
                raise NetlistError(f"{where} {problem}")
        for name, out in zip(self.output_names, self.outputs):
            if not 0 <= out.gate < len(self.gates):
                raise NetlistError(f"output {name} refers to missing gate {out.gate}")
        if len(self.outputs) != len(self.output_names):
            raise NetlistError("every output needs a name")
        for kind, names in (("input", self.input_names), ("output", self.output_names)):
            if len(set(names)) != len(names):
                dup = first_duplicate(names)
                raise NetlistError(f"duplicate {kind} name {dup!r}")
        return self

    # -- evaluation (reference) --------------------------------------------------------------
    def evaluate(self, inputs: np.ndarray) -> np.ndarray:
        """Output bits for 0/1 input rows, shape (rows, n) → (rows, m), by the plain numpy
        reference evaluator (:mod:`btfsynth.sim.reference`; :mod:`btfsynth.sim` has the fast
        one)."""
        from .sim.reference import evaluate_rows_numpy

        return evaluate_rows_numpy(self, inputs)


def to_networkx(netlist: Netlist) -> nx.DiGraph:
    """The netlist as a DiGraph: nodes are gate indices (attributes ``kind``, ``name``), edges
    fan-in → gate (attribute ``inverted``); graph attribute ``outputs`` lists (name, Signal)."""
    graph = nx.DiGraph(outputs=list(zip(netlist.output_names, netlist.outputs)), name=netlist.name)
    for i, g in enumerate(netlist.gates):
        graph.add_node(i, kind=g.kind, name=g.name)
        for f in g.fanins:
            graph.add_edge(f.gate, i, inverted=f.inverted)
    return graph
