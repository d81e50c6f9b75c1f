"""The pieces of a ``synth`` search: train one candidate network, turn networks into one
circuit, make a baseline circuit, and score a circuit."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..baselines import espresso_netlist, tree_netlist
from ..compile import compile_network
from ..dataset import Dataset
from ..netlist import Kind, Netlist, Signal
from ..passes import and2_count
from ..passes.optimize import optimize
from ..passes.resub import MAX_INPUTS
from ..rrr import LearnResult, learn
from ..rrr.snap import snap
from ..sim.check import accuracy
from ..truthtable import TruthTable
from .clock import Clock, Grant
from .plan import Candidate
from .result import Attempt, Tried

SMALL_RESTARTS = 8
"""Candidates of at most this many restarts run in this process: they are tiny, and starting
worker processes would cost more than their runs."""


@dataclass
class Part:
    """A circuit for some of the table's outputs, and the candidate that learned it."""

    outputs: tuple[int, ...]
    netlist: Netlist
    candidate: Candidate


def train(
    table: TruthTable,
    candidate: Candidate,
    grant: Grant,
    clock: Clock,
    seed: int,
    jobs: int,
    exact: bool,
    progress: Callable | None,
    cluster: str | None = None,
) -> tuple[LearnResult, Tried]:
    """Learn ``candidate`` on the rows of ``table``, within ``grant``; charge the clock. A
    candidate of many restarts runs them on ``jobs`` workers, or on the Dask ``cluster``."""
    data = table.select_outputs(candidate.outputs)
    start = time.monotonic()
    result = learn(
        data,
        candidate.widths(table.n_inputs),
        sigma=candidate.sigma,
        beta=candidate.beta,
        gamma=candidate.gamma,
        max_iter=candidate.max_iter,
        gap_stop=candidate.gap_stop,
        restarts=grant.restarts,
        jobs=jobs if candidate.restarts > SMALL_RESTARTS else 1,
        cluster=cluster if candidate.restarts > SMALL_RESTARTS else None,
        seed=seed,
        seconds=grant.seconds,
        stop_when_exact=exact,
        progress=progress,
    )
    met = result.solved or result.exact_on_train
    used = clock.charge(result.runs, result.seed if met else None)
    note = "time share used up" if result.out_of_time and not met else ""
    tried = Tried(
        candidate.label(table),
        result.solved,
        result.exact_on_train,
        result.train_accuracy,
        used,
        time.monotonic() - start,
        note,
    )
    return result, tried


def circuit_of(result: LearnResult, table: TruthTable, outputs: Sequence[int]) -> Netlist:
    """The learned network as gates, proven equal to it (with the table as the care set of
    nodes too wide to enumerate). A network right on every training row that did not meet the
    gap criterion is snapped here (the learner snaps only solved runs): snapping keeps every
    training row right, and turns dense weights, whose threshold functions of all inputs make
    large circuits, into the sparse gates the data asked for."""
    rows = table.select_outputs(outputs)
    network = result.network
    if not result.solved and result.exact_on_train:
        data = Dataset.from_table(rows)
        raw = result.raw_network
        weights, flags = snap(raw, raw.weights, data.signed_inputs(), data.targets)
        network = raw.with_weights(weights, snapped=flags)
    return compile_network(network, rows, effort=None).netlist


def assemble(table: TruthTable, parts: Sequence[Part]) -> Netlist:
    """One netlist over the table's inputs whose outputs come from the parts' circuits (each
    over the same inputs, in order); the optimiser's structural hashing then shares what the
    parts have in common."""
    out = Netlist(name=table.name)
    inputs = [out.add_input(name) for name in table.input_names]
    signals: list[Signal | None] = [None] * table.n_outputs
    for part in parts:
        index: list[int] = []
        leaves = iter(inputs)
        for g in part.netlist.gates:
            if g.kind is Kind.INPUT:
                index.append(next(leaves).gate)
            else:
                fanins = (Signal(index[f.gate], f.inverted) for f in g.fanins)
                index.append(out.add(g.with_fanins(fanins)).gate)
        for column, s in zip(part.outputs, part.netlist.outputs):
            signals[column] = Signal(index[s.gate], s.inverted)
    for signal, name in zip(signals, table.output_names):
        out.add_output(signal, name)
    return out.validate()


def care_of(table: TruthTable, exact: bool) -> np.ndarray | None:
    """The rows the optimiser must keep: in exact mode the table's cared outputs (its
    don't-cares are free); when generalising every row (the circuit keeps what was learned on
    the rows the table lacks). None: all rows, or too many inputs to list them."""
    if not exact or table.n_inputs > MAX_INPUTS or not table.has_dont_cares:
        return None
    return table.care_rows()


def polish(
    netlist: Netlist, table: TruthTable, exact: bool, effort: str, seconds: float | None
) -> Netlist:
    """``netlist`` after the AIG optimiser, free on the table's don't-cares in exact mode."""
    return optimize(netlist, effort, seconds, care_of(table, exact))


def baseline(kind: str, table: TruthTable, seed: int) -> Netlist:
    """The circuit of a baseline made from ``table``'s rows."""
    if kind == "espresso":
        return espresso_netlist(table)
    return tree_netlist(table, seed)


def score(
    kind: str,
    name: str,
    netlist: Netlist,
    fit: TruthTable,
    valid: TruthTable | None,
    test: TruthTable | None,
    seconds: float,
) -> Attempt:
    """An :class:`Attempt` for ``netlist``: its AND2 count and accuracies."""
    train = accuracy(netlist, fit, by_position=True)
    return Attempt(
        kind,
        name,
        and2_count(netlist),
        train.bits == 1.0,
        train.bits,
        None if valid is None else accuracy(netlist, valid, by_position=True).bits,
        None if test is None else accuracy(netlist, test, by_position=True).bits,
        seconds,
        netlist,
    )
