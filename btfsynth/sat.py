"""One way to call the SAT solver: Glucose 4 through python-sat, within a conflict budget and
a wall-clock deadline (a timer interrupts a call in progress). Used by exact synthesis
(:mod:`btfsynth.passes.exact`) and SAT sweeping (:mod:`btfsynth.sim.sweep`).

>>> with new_solver([[1, 2], [-1]]) as solver:
...     solve(solver, [], 0, None), solve(solver, [-2], 0, None)
(True, False)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

SOLVER = "glucose4"
"""Glucose 4: incremental, with conflict budgets and interrupts in python-sat."""


def new_solver(clauses: Sequence[Sequence[int]] = ()):
    """A fresh solver holding ``clauses`` (a context manager that frees it)."""
    from pysat.solvers import Solver

    return Solver(name=SOLVER, bootstrap_with=clauses)


def solve(
    solver, assumptions: Sequence[int], conflicts: int, deadline: float | None
) -> bool | None:
    """Satisfiable under ``assumptions`` (True), not (False), or None when ``conflicts``
    (0: no bound) or the ``deadline`` (``time.monotonic()`` seconds) ran out first."""
    left = None if deadline is None else deadline - time.monotonic()
    if left is not None and left <= 0:
        return None
    solver.conf_budget(conflicts if conflicts > 0 else -1)
    timer = None if left is None else threading.Timer(left, solver.interrupt)
    if timer is not None:
        timer.start()
    try:
        return solver.solve_limited(
            assumptions=list(assumptions), expect_interrupt=timer is not None
        )
    finally:
        if timer is not None:
            timer.cancel()
            solver.clear_interrupt()
