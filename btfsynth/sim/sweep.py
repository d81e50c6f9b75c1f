"""SAT sweeping: prove pairs of AIG signals equal by first proving the internal nodes that
random simulation says are equal.

Two circuits that came one from the other (an optimiser's input and output, two writers of one
design) share most of their internal functions even where their structure differs. Proving
each output pair alone asks the SAT solver to rediscover all of them inside one big miter,
which is what makes wide arithmetic (EPFL sin, the multiplier) hard. Sweeping proves them one
by one instead, in topological order, each proof small because the equivalences below it are
already known: nodes are grouped into candidate classes by their values on random patterns (up
to complement), each node is checked against the first node of its class, a proof adds the
equivalence to the solver, and a counterexample's node values split the classes. This is the
functionally reduced AIG ("FRAIG") of Mishchenko, Chatterjee, Jiang and Brayton, "FRAIGs: a
unifying representation for logic synthesis and verification" (ERL technical report, 2005),
the method behind ABC's ``fraig`` and ``cec``, here with equivalences kept as clauses of one
incremental solver (Glucose 4, through python-sat) rather than by rebuilding the graph.

Every node's Tseitin clauses are in the solver, so a satisfying assignment holds the value of
every node on the counterexample's inputs: refining the classes costs no simulation.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..netlist import Kind, Netlist, Signal

ALL = np.uint64(0xFFFFFFFFFFFFFFFF)
SIM_WORDS = 32
"""Random patterns per node, in 64-bit words, for the first candidate classes."""
SIM_BYTES = 1 << 28
"""At most this much memory for node simulation values (fewer words for huge circuits)."""
NODE_CONFLICTS = 1000
"""Conflicts one internal equivalence may cost before the node is left unmerged."""


@dataclass
class Sweep:
    """What :func:`sweep` found: per pair ``True`` (proved), ``None`` (undecided within the
    limits) or, at the first pair that differs, the input bits of a counterexample, after which
    the later pairs are not examined; also how many internal nodes were merged and SAT calls
    made."""

    verdicts: list[bool | np.ndarray | None]
    merged: int
    sat_calls: int


class _Aig:
    """The AND2 netlist as arrays: per gate its fan-ins' gates and inversion masks."""

    def __init__(self, aig: Netlist):
        n = len(aig.gates)
        self.fanin = np.zeros((n, 2), dtype=np.int64)
        self.mask = np.zeros((n, 2), dtype=np.uint64)
        self.ands: list[int] = []
        self.inputs: list[int] = []
        self.constants: list[int] = []
        for i, g in enumerate(aig.gates):
            if g.kind is Kind.AND:
                for k, f in enumerate(g.fanins):
                    self.fanin[i, k], self.mask[i, k] = f.gate, ALL if f.inverted else 0
                self.ands.append(i)
            elif g.kind is Kind.INPUT:
                self.inputs.append(i)
            elif g.kind is Kind.CONST0:
                self.constants.append(i)
            else:
                raise ValueError(f"sweep needs an AND2 netlist, not a {g.kind.name} gate")
        self.size = n

    def levels(self) -> list[np.ndarray]:
        """The AND gates by logic level, for simulating a level at a time."""
        level = np.zeros(self.size, dtype=np.int64)
        for i in self.ands:
            level[i] = 1 + max(level[self.fanin[i, 0]], level[self.fanin[i, 1]])
        ands = np.array(self.ands, dtype=np.int64)
        order = np.argsort(level[ands], kind="stable")
        bounds = np.flatnonzero(np.diff(level[ands][order])) + 1
        return np.split(ands[order], bounds) if len(ands) else []

    def simulate(self, patterns: np.ndarray) -> np.ndarray:
        """Every gate's value on ``patterns`` (inputs × words; CONST0 is 0)."""
        values = np.zeros((self.size, patterns.shape[1]), dtype=np.uint64)
        values[self.inputs] = patterns
        for idx in self.levels():
            a, b = self.fanin[idx, 0], self.fanin[idx, 1]
            values[idx] = (values[a] ^ self.mask[idx, 0, None]) & (
                values[b] ^ self.mask[idx, 1, None]
            )
        return values


def _classes(key: np.ndarray, rank: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Class ids of the rows of ``key`` (equal rows, equal ids) and each gate's
    representative: the gate of lowest ``rank`` in its class."""
    _, ids = np.unique(key, axis=0, return_inverse=True)
    ids = ids.reshape(-1)
    first = np.full(ids.max() + 1, len(ids), dtype=np.int64)
    np.minimum.at(first, ids, rank)
    return ids, np.argsort(rank)[first[ids]]


class _Solver:
    """An incremental Glucose 4 over the AIG's Tseitin clauses (the variable of gate ``g`` is
    ``g + 1``), with a conflict budget per call and a deadline that interrupts a call in
    progress."""

    def __init__(self, aig: _Aig, deadline: float | None):
        from pysat.solvers import Solver

        self.solver = Solver(name="glucose4")
        self.deadline, self.calls = deadline, 0
        for g in aig.ands:
            (a, b), (ma, mb) = aig.fanin[g], aig.mask[g]
            x, y = (int(a) + 1) * (-1 if ma else 1), (int(b) + 1) * (-1 if mb else 1)
            self.solver.append_formula([[-(g + 1), x], [-(g + 1), y], [g + 1, -x, -y]])
        self.solver.append_formula([[-(g + 1)] for g in aig.constants])
        self.size = aig.size

    def close(self) -> None:
        self.solver.delete()

    def differ(self, x: int, y: int, conflicts: int) -> bool | np.ndarray | None:
        """Whether literals ``x`` and ``y`` can differ: False (proved equal, and the
        equivalence added), the value of every gate where they differ, or None (a limit)."""
        for assumptions in ([x, -y], [-x, y]):
            left = None if self.deadline is None else self.deadline - time.monotonic()
            if left is not None and left <= 0:
                return None
            self.calls += 1
            self.solver.conf_budget(conflicts if conflicts > 0 else -1)
            timer = None if left is None else threading.Timer(left, self.solver.interrupt)
            if timer is not None:
                timer.start()
            try:
                found = self.solver.solve_limited(
                    assumptions=assumptions, expect_interrupt=timer is not None
                )
            finally:
                if timer is not None:
                    timer.cancel()
                    self.solver.clear_interrupt()
            if found is None:
                return None
            if found:
                model = np.array(self.solver.get_model(), dtype=np.int64)
                bits = np.zeros(self.size, dtype=bool)
                bits[np.abs(model) - 1] = model > 0
                return bits
        self.solver.append_formula([[-x, y], [x, -y]])
        return False


def _literal(s: Signal) -> int:
    return -(s.gate + 1) if s.inverted else s.gate + 1


def sweep(
    aig: Netlist,
    pairs: Sequence[tuple[Signal, Signal]],
    conflicts: int = 0,
    seconds: float | None = None,
    seed: int = 0,
) -> Sweep:
    """Decide for each pair of signals of the AND2 netlist ``aig`` whether they are equal on
    every input (see the module docstring). ``conflicts`` bounds each output pair's SAT call
    (0: no bound), ``seconds`` the whole sweep; ``seed`` fixes the random patterns, so the
    verdicts depend only on the arguments (unless the time runs out)."""
    deadline = None if seconds is None else time.monotonic() + seconds
    graph = _Aig(aig)
    words = max(1, min(SIM_WORDS, SIM_BYTES // (8 * max(graph.size, 1))))
    rng = np.random.default_rng(seed)
    patterns = rng.integers(0, 2**64, size=(len(graph.inputs), words), dtype=np.uint64)
    values = graph.simulate(patterns)
    phase = (values[:, 0] & np.uint64(1)).astype(bool)
    key = values ^ np.where(phase, ALL, np.uint64(0))[:, None]
    rank = np.arange(graph.size)  # gates by index, the constant first
    rank[graph.constants] = -1
    rank = np.argsort(np.argsort(rank))
    ids, rep = _classes(key, rank)
    solver = _Solver(graph, deadline)
    merged, next_id = 0, int(ids.max()) + 1
    try:
        for v in graph.ands:
            while rep[v] != v:
                if deadline is not None and time.monotonic() > deadline:
                    break
                r = int(rep[v])
                y = (r + 1) * (-1 if phase[v] != phase[r] else 1)
                found = solver.differ(v + 1, y, NODE_CONFLICTS)
                if found is False:
                    merged += 1
                    break
                if found is None:  # too hard: v stands alone from now on
                    ids[v], rep[v], next_id = next_id, v, next_id + 1
                    break
                ids, rep = _classes(np.stack([ids, found ^ phase], axis=1), rank)
        verdicts: list[bool | np.ndarray | None] = []
        for a, b in pairs:
            x, y = _literal(a), _literal(b)
            found = False if x == y else solver.differ(x, y, conflicts)
            if found is None:
                verdicts.append(None)
            elif found is False:
                verdicts.append(True)
            else:
                verdicts.append(found[graph.inputs].astype(np.uint8))
                break
        return Sweep(verdicts, merged, solver.calls)
    finally:
        solver.close()
