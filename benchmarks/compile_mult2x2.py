"""Learn the 2×2 multiplier from many seeds, compile every solved network, count AND2 gates.

The paper's setting (method.md §5: 4-4-4-4, σ = 3, β = 0.2, γ = 1e−3, 10^4 iterations per seed).
Every solved network must compile to AND / OR / MAJ / NOT gates only, equal to the multiplier on
all 16 rows. AND2 counts (inverters free, after :func:`btfsynth.passes.aig.to_and2`) are printed
for the compile without the AIG optimiser, with ``shrink`` (every node re-examined on the
patterns it receives) and for the default compile (optimised with ``effort="fast"``); the proven
optimum for the 2×2 multiplier is 8.

    NUMBA_CACHE_DIR=.numba_cache .venv/bin/python benchmarks/compile_mult2x2.py [SEEDS]
"""

from __future__ import annotations

import sys
import time
from collections import Counter

import numpy as np

from btfsynth import learn
from btfsynth.compile import compile_network
from btfsynth.netlist import Kind
from btfsynth.passes.aig import and2_count
from btfsynth.tasks import multiplier

EXACT_KINDS = {Kind.INPUT, Kind.CONST0, Kind.CONST1, Kind.AND, Kind.OR, Kind.MAJ}


def main(seeds: int = 50) -> None:
    table = multiplier(2).table
    configs = {  # label: (effort, shrink)
        "compile --effort none": (None, False),
        "compile --effort none --shrink": (None, True),
        "compile (default: --effort fast)": ("fast", False),
    }
    counts = {label: Counter() for label in configs}
    solved = not_exact = 0
    start = time.perf_counter()
    for seed in range(seeds):
        result = learn(table, [4, 4, 4, 4], seed=seed)
        if not result.solved:
            continue
        solved += 1
        for label, (effort, shrink) in configs.items():
            compiled = compile_network(result.network, effort=effort, shrink=shrink)
            netlist = compiled.netlist
            assert np.array_equal(netlist.evaluate(table.inputs), table.outputs)
            if {g.kind for g in netlist.gates} - EXACT_KINDS:
                not_exact += 1
                print(f"seed {seed}: not AND/OR/MAJ/NOT only: {compiled.report.by_kind}")
            counts[label][and2_count(netlist)] += 1
    seconds = time.perf_counter() - start
    print(
        f"2x2 multiplier, 4-4-4-4: {solved} of {seeds} seeds solved in 1e4 iterations "
        f"({seconds:.0f} s); {not_exact} compiled netlists with other gates"
    )
    for label, dist_counts in counts.items():
        dist = ", ".join(f"{k}: {v}" for k, v in sorted(dist_counts.items()))
        best = min(dist_counts, default=None)
        print(f"AND2 counts, {label}: {dist or 'none'}; best {best} (optimum 8)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
