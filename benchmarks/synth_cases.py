"""``synth`` with no learner flags on the cases of issue #13, the baselines beside it.

Exact cases (complete tables, ``--budget 60s``): the 2×2 multiplier, MAJ7, the 6-input sorter
and the 7-segment decoder (``examples/seg7.pla``, codes 10–15 don't-care). Generalising cases
(``--budget 600s``, trained on the training rows only, scored on test rows never seen): rule 30
one step on 16 cells (256 training states, 2 000 test), the planted AND/OR net 32-32-32-32
(256 training rows, the other 9 744 of 10 000 for test) and the 8-input threshold function
[3·x0 + 2·x1 + 2·x2 + x3 + x4 + x5 − x6 − 2·x7 ≥ 3] (a random 200 of its 256 rows, test on
the other 56). For each: the circuit synth kept, the best learned circuit's own figures, and
espresso's and the decision tree's from the same rows, in the same run; exact cases are
checked on every cared row of their table.

    python benchmarks/synth_cases.py [NAME ...] [--jobs 2] [--scale 1.0]

``--scale`` multiplies every budget (0.1 for a quick look).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from btfsynth.budget import Budget
from btfsynth.exporters import read_table
from btfsynth.sim import verify
from btfsynth.synth import synth
from btfsynth.tasks import from_spec, majority, multiplier, sorter
from btfsynth.truthtable import TruthTable, all_input_rows

ROOT = Path(__file__).resolve().parents[1]


def threshold8() -> TruthTable:
    rows = all_input_rows(8)
    weights = np.array([3, 2, 2, 1, 1, 1, -1, -2])
    return TruthTable(rows, (rows @ weights >= 3).astype(np.uint8)[:, None], name="threshold8")


def cases():
    """name → (training rows, test rows or None, budget seconds)."""
    rule30 = from_spec("ca:30:16:1", items=2256, seed=0).table.split(256)
    planted = from_spec("planted-andor:32-32-32-32", items=10_000, seed=0).table.split(256)
    return {
        "mult2": (multiplier(2).table, None, 60),
        "maj7": (majority(7).table, None, 60),
        "sorter6": (sorter(6).table, None, 60),
        "seg7": (read_table(ROOT / "examples" / "seg7.pla"), None, 60),
        "rule30": (*rule30, 600),
        "planted": (*planted, 600),
        "threshold8": (*threshold8().split(200, seed=1), 600),
    }


def figures(attempt) -> str:
    if attempt is None:
        return "-"
    if attempt.test is not None:
        return f"{attempt.ands} AND2, test {100 * attempt.test:.2f}%"
    return f"{attempt.ands} AND2"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    table = cases()
    for name in args.names or table:
        train, test, seconds = table[name]
        start = time.monotonic()
        result = synth(train, budget=Budget(seconds=seconds * args.scale), test=test,
                       jobs=args.jobs)  # fmt: skip
        took = time.monotonic() - start
        best = {}
        for a in result.attempts:
            key = (-(a.valid if a.valid is not None else a.train), a.ands)
            if a.kind not in best or key < best[a.kind][0]:
                best[a.kind] = (key, a)
        learned = best.get("learned", (None, None))[1]
        checked = verify(result.netlist, train).ok if result.mode == "exact" else "-"
        print(f"{name} ({result.mode}, budget {seconds * args.scale:g} s, took {took:.0f} s):")
        print(f"  kept       {result.winner.kind}: {figures(result.winner)}; "
              f"right on every cared row: {checked}")  # fmt: skip
        print(f"  learned    {figures(learned)}  ({learned.name if learned else 'none'})")
        for kind in ("espresso", "decision tree"):
            print(f"  {kind:10} {figures(best.get(kind, (None, None))[1])}")


if __name__ == "__main__":
    main()
