"""Planted random layered circuits (docs/method.md §6): AND/OR or MAJ3 gates of random literals,
the data they produce on random inputs, and the equivalent threshold network."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ..netlist import Kind, Netlist, Signal
from ..network import ThresholdNetwork
from ..truthtable import Seed, TruthTable, rng_from
from .paper import planted_settings
from .rows import default_items, need, random_rows
from .task import Task

DEFAULT_P = 0.5
"""Probability that a planted node is a 2-literal AND/OR (or MAJ3) rather than a BUF/NOT: the
value of the paper's random circuits (reference command ``layered_andor .5 5.wth``)."""


def planted_andor(
    widths: Sequence[int], p: float = DEFAULT_P, items: int | None = None, seed: Seed = 0
) -> Task:
    """Data from a planted random layered AND/OR circuit (method.md §6).

    Each node of layer l ≥ 1 is, with probability ``p``, an AND or an OR (equally likely) of two
    literals on distinct random nodes of layer l−1, each negated with probability 1/2; else a
    BUF or NOT (equally likely) of one random node. ``items`` distinct random input rows
    (default 10 000) with the circuit's outputs.
    """
    return _planted(widths, p, items, seed, arity=2)


def planted_maj(
    widths: Sequence[int], p: float = DEFAULT_P, items: int | None = None, seed: Seed = 0
) -> Task:
    """As :func:`planted_andor`, with a MAJ3 of three literals in place of the AND/OR."""
    return _planted(widths, p, items, seed, arity=3)


def _planted(widths: Sequence[int], p: float, items: int | None, seed: Seed, arity: int) -> Task:
    widths = [int(w) for w in widths]
    need(len(widths) >= 2, f"widths {widths}: need inputs and at least one gate layer")
    need(min(widths) >= 1, f"widths {widths}: every layer needs at least one node")
    need(0.0 <= p <= 1.0, f"p is a probability, not {p}")
    if p > 0:
        narrow = [w for w in widths[:-1] if w < arity]
        need(not narrow, f"widths {widths}: {arity}-literal gates need layers of >= {arity} nodes")
    rng = rng_from(seed)
    kind = "andor" if arity == 2 else "maj"
    name = f"planted_{kind}_{'_'.join(map(str, widths))}"
    inputs = [f"x{j}" for j in range(widths[0])]
    outputs = [f"y{k}" for k in range(widths[-1])]
    netlist, weights = _plant(widths, p, arity, rng, inputs, outputs)
    netlist.name = name
    network = ThresholdNetwork.layered(widths, input_names=inputs, output_names=outputs)
    network = network.with_weights(weights, planted=kind, p=p)
    rows = random_rows(widths[0], default_items(items, widths[0]), rng)
    table = TruthTable(rows, netlist.evaluate(rows), None, inputs, outputs, name)
    spec = f"planted-{kind}:{'-'.join(map(str, widths))}"
    return Task(name, spec, table, planted_settings(widths), netlist.validate(), network)


def _plant(
    widths: list[int],
    p: float,
    arity: int,
    rng: np.random.Generator,
    inputs: list[str],
    outputs: list[str],
) -> tuple[Netlist, np.ndarray]:
    """Draw the planted gates layer by layer; return the netlist and the weights of the
    equivalent fully connected layered threshold network.

    Weights follow method.md §1 with m = fan-in + bias: BUF/NOT is ±sqrt(m) on one input; a
    2-literal gate is MAJ(bias literal, p, q) with ±sqrt(m/3) on p and q and +sqrt(m/3) on the
    bias edge for AND (the bias value −1 votes False) or −sqrt(m/3) for OR (it votes True); MAJ3
    is ±sqrt(m/3) on its three inputs. Negative weights are the negated literals.
    """
    netlist = Netlist(name="planted")
    layer = [netlist.add_input(x) for x in inputs]
    edges_per_layer = [(w_prev + 1) * w for w_prev, w in zip(widths[:-1], widths[1:])]
    weights = np.zeros(sum(edges_per_layer))
    edge = 0  # first edge of the current node: its bias edge, then one per previous node
    for depth, width in enumerate(widths[1:], start=1):
        m = len(layer) + 1
        new = []
        for j in range(width):
            gate_name = f"g{depth}_{j}"
            if rng.random() < p:
                sources = rng.choice(len(layer), size=arity, replace=False)
                negated = rng.random(arity) < 0.5
                literals = [Signal(layer[s].gate, bool(n)) for s, n in zip(sources, negated)]
                scale = math.sqrt(m / 3)
                if arity == 2:
                    gate_kind = Kind.AND if rng.random() < 0.5 else Kind.OR
                    weights[edge] = scale if gate_kind is Kind.AND else -scale
                else:
                    gate_kind = Kind.MAJ
                weights[edge + 1 + sources] = np.where(negated, -scale, scale)
            else:
                source = int(rng.integers(len(layer)))
                negated = bool(rng.random() < 0.5)
                gate_kind = Kind.NOT if negated else Kind.BUF
                literals = [Signal(layer[source].gate)]
                weights[edge + 1 + source] = -math.sqrt(m) if negated else math.sqrt(m)
            new.append(netlist.add_gate(gate_kind, literals, name=gate_name))
            edge += m
        layer = new
    for signal, name in zip(layer, outputs):
        netlist.add_output(signal, name)
    return netlist, weights
