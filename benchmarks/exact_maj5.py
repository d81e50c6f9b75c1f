"""Find the smallest AIG of MAJ5 by SAT-based exact synthesis (how ``MAJ5_AIG`` was found).

Encoding (the classic one of Kamath et al. and of Haaswijk et al., "SAT-based exact synthesis",
TCAD 2020): for each gate a one-hot choice of its two fan-ins among the earlier nodes and a
polarity for each; per gate and truth-table row a value variable tied to its fan-ins' values;
every gate but the last is used; the last one (or its complement) is the function. ``r - 1``
gates unsatisfiable and ``r`` satisfiable proves ``r`` optimal. Needs python-sat
(``pip install python-sat``); about 70 s for r = 10 on this machine.

    python benchmarks/exact_maj5.py [R]
"""

from __future__ import annotations

import itertools
import sys
import time

from pysat.formula import IDPool
from pysat.solvers import Cadical153


def synthesize(n: int, table: list[int], r: int) -> tuple[list[tuple], bool] | None:
    """An AIG of ``r`` gates computing ``table`` (row t: input j is bit j of t), as gates
    (a, a complemented, b, b complemented) over nodes 0..n-1 (inputs) and n.. (gates) and
    whether the output complements the last gate; None when there is none."""
    pool, clauses = IDPool(), []
    rows = range(1 << n)

    def value(node: int, row: int) -> int:
        return pool.id(("x", node, row))

    for j in range(n):
        clauses += [[value(j, t)] if t >> j & 1 else [-value(j, t)] for t in rows]
    pairs = {i: [(a, b) for a in range(i) for b in range(a + 1, i)] for i in range(n, n + r)}
    for i, choices in pairs.items():
        select = [pool.id(("s", i, a, b)) for a, b in choices]
        clauses.append(select)
        clauses += [[-u, -v] for u, v in itertools.combinations(select, 2)]
        pa, pb = pool.id(("pa", i)), pool.id(("pb", i))
        for (a, b), s in zip(choices, select):
            for t, qa, qb in itertools.product(rows, (0, 1), (0, 1)):
                when = [-s, -pa if qa else pa, -pb if qb else pb]
                la, lb = (
                    (-value(a, t) if qa else value(a, t)),
                    (-value(b, t) if qb else value(b, t)),
                )
                out = value(i, t)
                clauses += [when + [-out, la], when + [-out, lb], when + [out, -la, -lb]]
    for i in range(n, n + r - 1):
        clauses.append([pool.id(("s", k, a, b)) for k in pairs for a, b in pairs[k] if i in (a, b)])
    flip = pool.id("flip")
    for t in rows:
        out = value(n + r - 1, t)
        clauses += [[flip, out], [-flip, -out]] if table[t] else [[flip, -out], [-flip, out]]
    solver = Cadical153(bootstrap_with=clauses)
    if not solver.solve():
        return None
    true = {lit for lit in solver.get_model() if lit > 0}
    gates = [
        (a, pool.id(("pa", i)) in true, b, pool.id(("pb", i)) in true)
        for i, choices in pairs.items()
        for a, b in choices
        if pool.id(("s", i, a, b)) in true
    ]
    return gates, flip in true


def main(r: int) -> None:
    majority = [int(bin(t).count("1") >= 3) for t in range(32)]
    for size in (r - 1, r):
        start = time.perf_counter()
        found = synthesize(5, majority, size)
        print(f"MAJ5 with {size} ANDs: {found or 'none'} ({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
