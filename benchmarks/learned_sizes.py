"""AND2 counts of learned circuits, by the default ``compile`` and through BLIF, against the
bare truth table's circuits in the same run (the figures of issue #12).

Each function is learned with the settings of the issue, compiled with the defaults (AIG
optimisation at effort fast; the 7-segment decoder's don't-cares from its table) and at
effort high, checked on every cared row of its table; the default's netlist is written to BLIF
and read back. The baselines, from the bare table: espresso's cover through the same optimiser
(effort fast / high), and ABC's ``resyn2`` on the table written as PLA. The 3×3 multiplier is
the learned network vendored in ``tests/data/learned/mult3.json`` (learning it takes minutes).
Seconds are compile + optimise + proof, without learning.

    python benchmarks/learned_sizes.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from btfsynth import compile_network, learn
from btfsynth.baselines import espresso_netlist
from btfsynth.cli.compare import RESYN2, abc_ands
from btfsynth.exporters import read_netlist, read_table, write_netlist, write_table
from btfsynth.exporters.model import read_result
from btfsynth.passes import and2_count
from btfsynth.passes.optimize import optimize
from btfsynth.sim import verify
from btfsynth.tasks import majority, multiplier, sorter

ROOT = Path(__file__).resolve().parents[1]
CASES = [  # name, task, learner settings (or None: the vendored network), best known
    ("MAJ5", majority(5), {"widths": [5, 1], "sigma": 5.0}, 10),
    ("MAJ7", majority(7), {"widths": [7, 1], "sigma": 7.0}, 20),
    ("MAJ9", majority(9), {"widths": [9, 1], "sigma": 9.0}, 30),
    ("sorter5", sorter(5), {"widths": [5, 5], "sigma": 5.0, "restarts": 8, "jobs": 2}, 18),
    (
        "sorter6",
        sorter(6),
        {"widths": [6, 6], "sigma": 6.0, "restarts": 16, "jobs": 2, "max_iter": 50_000},
        24,
    ),  # fmt: skip
    ("mult2", multiplier(2), {"widths": [4, 4, 4, 4], "restarts": 32, "jobs": 2}, 8),
    ("mult3", multiplier(3), None, 35),
    ("seg7", None, {"widths": [4, 8, 7], "restarts": 8}, None),
]
SEG7 = ROOT / "examples" / "seg7.pla"


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    return function(*args, **kwargs), time.perf_counter() - start


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="learned_sizes"))
    print(
        f"{'function':10}{'compile':>8}{'s':>6}{'high':>6}{'s':>6}{'BLIF':>6}"
        f"{'espresso':>10}{'ABC table':>11}{'best':>6}  exact"
    )
    for name, task, settings, best in CASES:
        table = read_table(SEG7) if task is None else task.table
        if settings is None:
            network = read_result(ROOT / "tests/data/learned/mult3.json").network
        else:
            network = learn(table, seed=1, **settings).network
        fast, fast_s = timed(compile_network, network, table)
        high, high_s = timed(compile_network, network, table, effort="high")
        blif, pla = folder / f"{name}.blif", folder / f"{name}.pla"
        write_netlist(fast.netlist, blif)
        write_table(table, pla)
        exact = verify(fast.netlist, table).ok and verify(high.netlist, table).ok
        cover, care = espresso_netlist(table), table.care_rows()
        espresso = [and2_count(optimize(cover, effort, care=care)) for effort in ("fast", "high")]
        abc = abc_ands(f"read_pla {pla}; strash; {RESYN2}")
        print(
            f"{name:10}{and2_count(fast.netlist):>8}{fast_s:>6.1f}{and2_count(high.netlist):>6}"
            f"{high_s:>6.1f}{and2_count(read_netlist(blif)):>6}{'/'.join(map(str, espresso)):>10}"
            f"{'-' if abc is None else abc:>11}{'-' if best is None else best:>6}"
            f"  {'yes' if exact else 'NO'}"
        )


if __name__ == "__main__":
    main()
