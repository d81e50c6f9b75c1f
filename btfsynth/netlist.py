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
        """Output bits for 0/1 input rows, shape (rows, n) → (rows, m); the plain reference
        evaluator, one numpy operation per gate (see :mod:`btfsynth.bitsim` for the fast one)."""
        values = self.evaluate_gates(inputs)
        if not self.outputs:
            return np.zeros((len(inputs), 0), dtype=np.uint8)
        return np.stack([values[s.gate] ^ s.inverted for s in self.outputs], axis=1).astype(
            np.uint8
        )

    def evaluate_gates(self, inputs: np.ndarray) -> list[np.ndarray]:
        """The value of every gate (bool arrays over rows) for 0/1 input rows."""
        inputs = np.asarray(inputs, dtype=np.uint8)
        if inputs.ndim != 2 or inputs.shape[1] != self.n_inputs:
            raise BtfsynthError(
                f"the netlist has {self.n_inputs} inputs, the rows have {inputs.shape[-1]}"
            )
        rows = len(inputs)
        values: list[np.ndarray] = []
        next_input = 0
        for g in self.gates:
            ins = [values[f.gate] ^ f.inverted for f in g.fanins]
            if g.kind is Kind.INPUT:
                v = inputs[:, next_input].astype(bool)
                next_input += 1
            else:
                v = gate_function(g, ins, rows)
            values.append(v)
        return values


def gate_function(g: Gate, ins: list[np.ndarray], rows: int) -> np.ndarray:
    """A gate's value from its (already inverted) fan-in values, as a bool array."""
    kind = g.kind
    if kind is Kind.CONST0:
        return np.zeros(rows, dtype=bool)
    if kind is Kind.CONST1:
        return np.ones(rows, dtype=bool)
    if kind is Kind.BUF:
        return ins[0].copy()
    if kind is Kind.NOT:
        return ~ins[0]
    if kind is Kind.AND:
        return np.logical_and.reduce(ins)
    if kind is Kind.OR:
        return np.logical_or.reduce(ins)
    if kind is Kind.XOR:
        return np.logical_xor.reduce(ins)
    if kind is Kind.MAJ:
        return np.sum(ins, axis=0) * 2 > len(ins)
    if kind is Kind.THRESHOLD:
        total = np.zeros(rows, dtype=np.int64)
        for w, v in zip(g.weights, ins):
            total += w * v
        return total >= g.threshold
    if kind is Kind.SOP:
        hit = np.zeros(rows, dtype=bool)
        for cube in g.cover:
            match = np.ones(rows, dtype=bool)
            for ch, v in zip(cube, ins):
                if ch == "1":
                    match &= v
                elif ch == "0":
                    match &= ~v
            hit |= match
        return hit if g.onset else ~hit
    raise NetlistError(f"cannot evaluate gate kind {kind}")


def to_networkx(netlist: Netlist) -> nx.DiGraph:
    """The netlist as a DiGraph: nodes are gate indices (attributes ``kind``, ``name``), edges
    fan-in → gate (attribute ``inverted``); graph attribute ``outputs`` lists (name, Signal)."""
    graph = nx.DiGraph(outputs=list(zip(netlist.output_names, netlist.outputs)), name=netlist.name)
    for i, g in enumerate(netlist.gates):
        graph.add_node(i, kind=g.kind, name=g.name)
        for f in g.fanins:
            graph.add_edge(f.gate, i, inverted=f.inverted)
    return graph
