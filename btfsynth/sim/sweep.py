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

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..passes.aignet import ALL, Aig
from ..sat import new_solver, solve

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


def _classes(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Class ids of the rows of ``key`` (equal rows, equal ids) and each node's
    representative: the lowest-numbered node of its class (the constant, node 0, first)."""
    _, ids = np.unique(key, axis=0, return_inverse=True)
    ids = ids.reshape(-1)
    first = np.full(ids.max() + 1, len(ids), dtype=np.int64)
    np.minimum.at(first, ids, np.arange(len(ids)))
    return ids, first[ids]


class _Solver:
    """An incremental Glucose 4 over the AIG's Tseitin clauses (the variable of node ``v`` is
    ``v + 1``), with a conflict budget per call and a deadline that interrupts a call in
    progress."""

    def __init__(self, aig: Aig, deadline: float | None):
        self.solver = new_solver()
        self.deadline, self.calls = deadline, 0
        self.solver.add_clause([-1])  # node 0 is the constant 0
        for g, (a, b) in enumerate(aig.ands, start=aig.n_inputs + 1):
            x, y = _variable(a), _variable(b)
            self.solver.append_formula([[-(g + 1), x], [-(g + 1), y], [g + 1, -x, -y]])
        self.size = aig.size

    def close(self) -> None:
        self.solver.delete()

    def differ(self, x: int, y: int, conflicts: int) -> bool | np.ndarray | None:
        """Whether literals ``x`` and ``y`` can differ: False (proved equal, and the
        equivalence added), the value of every gate where they differ, or None (a limit)."""
        for assumptions in ([x, -y], [-x, y]):
            self.calls += 1
            found = solve(self.solver, assumptions, conflicts, self.deadline)
            if found is None:
                return None
            if found:
                model = np.array(self.solver.get_model(), dtype=np.int64)
                bits = np.zeros(self.size, dtype=bool)
                bits[np.abs(model) - 1] = model > 0
                return bits
        self.solver.append_formula([[-x, y], [x, -y]])
        return False


def _variable(x: int) -> int:
    """The solver literal of AIG literal ``x``."""
    return -((x >> 1) + 1) if x & 1 else (x >> 1) + 1


def sweep(
    aig: Aig,
    pairs: Sequence[tuple[int, int]],
    conflicts: int = 0,
    seconds: float | None = None,
    seed: int = 0,
) -> Sweep:
    """Decide for each pair of literals of ``aig`` whether they are equal on every input (see
    the module docstring). ``conflicts`` bounds each output pair's SAT call
    (0: no bound), ``seconds`` the whole sweep; ``seed`` fixes the random patterns, so the
    verdicts depend only on the arguments (unless the time runs out)."""
    deadline = None if seconds is None else time.monotonic() + seconds
    words = max(1, min(SIM_WORDS, SIM_BYTES // (8 * aig.size)))
    rng = np.random.default_rng(seed)
    patterns = rng.integers(0, 2**64, size=(aig.n_inputs, words), dtype=np.uint64)
    values = aig.simulate(patterns)
    phase = (values[:, 0] & np.uint64(1)).astype(bool)
    key = values ^ np.where(phase, ALL, np.uint64(0))[:, None]
    ids, rep = _classes(key)
    solver = _Solver(aig, deadline)
    merged, next_id = 0, int(ids.max()) + 1
    try:
        for v in range(aig.n_inputs + 1, aig.size):
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
                ids, rep = _classes(np.stack([ids, found ^ phase], axis=1))
        verdicts: list[bool | np.ndarray | None] = []
        for a, b in pairs:
            found = False if a == b else solver.differ(_variable(a), _variable(b), conflicts)
            if found is None:
                verdicts.append(None)
            elif found is False:
                verdicts.append(True)
            else:
                verdicts.append(found[1 : aig.n_inputs + 1].astype(np.uint8))
                break
        return Sweep(verdicts, merged, solver.calls)
    finally:
        solver.close()
