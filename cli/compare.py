"""``--compare``: the circuit's AND2 count next to circuits made from the bare truth table.

The baselines are espresso's two-level cover, lowered and optimised by the same optimiser
(:func:`btfsynth.baselines.espresso_netlist`), and ABC's ``resyn2`` on the table written as PLA
(Debian's ``berkeley-abc`` or an ``abc`` on PATH; a bare ABC loads no abc.rc, so ``resyn2`` is
spelled out here). Used by ``compile`` and ``optimize``; the size benchmarks use it too.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from btfsynth.baselines import ESPRESSO_INPUTS, espresso_netlist
from btfsynth.exporters import write_table
from btfsynth.netlist import Netlist
from btfsynth.passes import and2_count
from btfsynth.passes.optimize import optimize
from btfsynth.sim.check import complete_table
from btfsynth.truthtable import TruthTable

ABC = shutil.which("berkeley-abc") or shutil.which("abc")
RESYN2 = (
    "balance; rewrite; refactor; balance; rewrite; rewrite -z; balance; refactor -z; "
    "rewrite -z; balance"
)


def abc_ands(script: str) -> int | None:
    """The AND count ABC prints after ``script`` (None without ABC or without a count)."""
    if ABC is None:
        return None
    out = subprocess.run([ABC, "-c", f"{script}; print_stats"], capture_output=True, text=True)
    found = re.search(r"and\s*=\s*(\d+)", out.stdout)
    return int(found.group(1)) if found else None


def comparison(circuit: Netlist, table: TruthTable | None) -> str:
    """One line: the AND2 counts of ``circuit``, of espresso + the optimiser and of ABC on
    ``table`` (by default the circuit's own complete table)."""
    if table is None:
        if circuit.n_inputs > ESPRESSO_INPUTS:
            return f"compare:    needs a table of at most {ESPRESSO_INPUTS} inputs"
        table = complete_table(circuit)
    if table.is_complete and table.n_inputs <= ESPRESSO_INPUTS:
        espresso = str(and2_count(optimize(espresso_netlist(table))))
    else:
        espresso = "- (needs a complete table)"
    with tempfile.TemporaryDirectory(prefix="btfsynth-compare") as folder:
        pla = Path(folder) / "table.pla"
        write_table(table, pla)
        abc = abc_ands(f"read_pla {pla}; strash; {RESYN2}")
    return (
        f"compare:    this circuit {and2_count(circuit)} AND2; from the bare table: "
        f"espresso + optimiser {espresso}, ABC resyn2 {abc if abc is not None else '- (no ABC)'}"
    )
