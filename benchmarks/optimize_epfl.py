"""``btfsynth optimize`` on the EPFL combinational benchmarks, next to ABC in the same run.

For each circuit: its AND count, btfsynth's result (``optimize``, effort fast and high; proven
equal by SAT equivalence checking within 10^5 conflicts, else marked) and ABC's ``resyn2`` on
the same file (Debian's ``berkeley-abc``; ``resyn2`` spelled out, as a bare ABC has no abc.rc),
with their times. Reads ``$BTFSYNTH_SHARED/benchmarks/epfl`` or ``../shared/benchmarks/epfl``,
else the four circuits vendored in ``tests/data/epfl``.

    python benchmarks/optimize_epfl.py [NAME ...]
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from btfsynth.cli.compare import ABC, RESYN2, abc_ands
from btfsynth.exporters import read_netlist
from btfsynth.passes import and2_count
from btfsynth.passes.optimize import equal, optimize

ROOT = Path(__file__).resolve().parents[1]
CONFLICTS = 100_000
"""SAT conflicts each proof may spend (the default of ``btfsynth optimize``)."""
DEFAULT = ["ctrl", "dec", "int2float", "router", "cavlc", "priority", "i2c", "adder", "max"]


def folder() -> Path:
    shared = Path(os.environ.get("BTFSYNTH_SHARED", ROOT.parent / "shared"))
    return (
        shared / "benchmarks" / "epfl"
        if (shared / "benchmarks/epfl").is_dir()
        else ROOT / "tests/data/epfl"
    )


def abc(path: Path) -> tuple[int | None, float]:
    """ABC's resyn2 AND count on ``path`` and its time."""
    start = time.perf_counter()
    return abc_ands(f"read {path}; strash; {RESYN2}"), time.perf_counter() - start


def main(names: list[str]) -> None:
    where = folder()
    print(f"circuits from {where}; ABC: {ABC or 'not found'}")
    heads = [("circuit", 10), ("ANDs", 7), ("fast", 7), ("s", 6), ("high", 7), ("s", 6)]
    print(
        "".join(f"{h:>{w}}" if w < 10 else f"{h:{w}}" for h, w in heads) + "    ABC     s  high/ABC"
    )
    for name in names:
        path = where / f"{name}.aig"
        if not path.exists():
            continue
        circuit = read_netlist(path)
        row, unproven = [and2_count(circuit)], 0
        for effort in ("fast", "high"):
            start = time.perf_counter()
            result = optimize(circuit, effort)
            seconds = time.perf_counter() - start
            proven = equal(circuit, result, CONFLICTS)
            assert proven is not False, f"{name}: not equal after optimize ({effort})"
            unproven += proven is None
            row += [and2_count(result), seconds]
        ands, seconds = abc(path)
        ratio = f"{row[3] / ands:.2f}" if ands else "-"
        print(
            f"{name:10}{row[0]:>7}{row[1]:>7}{row[2]:>6.1f}{row[3]:>7}{row[4]:>6.1f}"
            f"{ands if ands is not None else '-':>7}{seconds:>6.1f}  {ratio}"
            + ("  (not proven within the conflict limit)" if unproven else "")
        )


if __name__ == "__main__":
    main(sys.argv[1:] or DEFAULT)
