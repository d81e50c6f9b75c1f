"""``btfsynth optimize`` on the EPFL combinational benchmarks, next to ABC in the same run.

For each circuit: its AND count, btfsynth's result (``optimize``, effort fast and high), the
proof that the high-effort result equals the file (:func:`btfsynth.sim.equivalent`:
enumeration or SAT sweeping, without a conflict limit) with its time, and ABC's ``resyn2`` on
the same file (Debian's ``berkeley-abc``; ``resyn2`` spelled out, as a bare ABC has no abc.rc).
Reads ``$BTFSYNTH_SHARED/benchmarks/epfl`` or ``../shared/benchmarks/epfl``, else the four
circuits vendored in ``tests/data/epfl``.

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
from btfsynth.passes.optimize import optimize
from btfsynth.sim import equivalent

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ["ctrl", "dec", "router", "i2c", "priority", "adder", "max", "bar", "sin", "multiplier"]


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


def timed(function, *args):
    start = time.perf_counter()
    return function(*args), time.perf_counter() - start


def main(names: list[str]) -> None:
    where = folder()
    print(f"circuits from {where}; ABC: {ABC or 'not found'}")
    print(
        f"{'circuit':10}{'ANDs':>7}{'fast':>7}{'s':>6}{'high':>7}{'s':>6}  {'proof':11}{'s':>6}"
        f"{'ABC':>7}{'s':>6}  high/ABC"
    )
    for name in names:
        path = where / f"{name}.aig"
        if not path.exists():
            continue
        circuit = read_netlist(path)
        fast, fast_s = timed(optimize, circuit, "fast")
        high, high_s = timed(optimize, circuit, "high")
        proof, proof_s = timed(equivalent, circuit, high, True)
        assert proof.status == "equivalent", f"{name}: {proof.summary()}"
        ands, abc_s = abc(path)
        ratio = f"{and2_count(high) / ands:.2f}" if ands else "-"
        print(
            f"{name:10}{and2_count(circuit):>7}{and2_count(fast):>7}{fast_s:>6.1f}"
            f"{and2_count(high):>7}{high_s:>6.1f}  {proof.method:11}{proof_s:>6.1f}"
            f"{ands if ands is not None else '-':>7}{abc_s:>6.1f}  {ratio}"
        )


if __name__ == "__main__":
    main(sys.argv[1:] or DEFAULT)
