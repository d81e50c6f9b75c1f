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
from dataclasses import replace
from pathlib import Path

from btfsynth.baselines import espresso_netlist
from btfsynth.exporters import read_netlist, write_netlist, write_table
from btfsynth.netlist import Kind, Netlist
from btfsynth.passes import and2_count
from btfsynth.passes.optimize import optimize
from btfsynth.passes.resub import MAX_INPUTS
from btfsynth.sim.check import complete_table
from btfsynth.truthtable import TruthTable

ABC = shutil.which("berkeley-abc") or shutil.which("abc")
TABLE_INPUTS = 16
"""Widest circuit whose own complete table ``--compare`` builds when no table is given."""
RESYN2 = (
    "balance; rewrite; refactor; balance; rewrite; rewrite -z; balance; refactor -z; "
    "rewrite -z; balance"
)


ABC_SCRIPT = "; ".join(
    ["strash", RESYN2] + [f"if -K {k}; mfs2 -W 20; strash; {RESYN2}" for k in (4, 3, 4)]
)
"""The optimiser ``optimize --abc`` runs: resyn2, then rounds of mapping into k-input LUTs,
don't-care-based resubstitution of the LUTs (``mfs2``: Mishchenko et al., FPGA 2009) and
resyn2 again (on the learned 3×3 multiplier 40 → 38 ANDs)."""


def abc_optimize(circuit: Netlist) -> Netlist:
    """``circuit`` after :data:`ABC_SCRIPT`, with its port names (by position); the caller
    proves it equal."""
    with tempfile.TemporaryDirectory(prefix="btfsynth-abc") as folder:
        given, got = Path(folder) / "in.aig", Path(folder) / "out.aig"
        write_netlist(circuit, given)
        subprocess.run(
            [ABC, "-c", f"read {given}; {ABC_SCRIPT}; write_aiger {got}"],
            capture_output=True,
            check=True,
        )
        out = read_netlist(got)
    names = iter(circuit.input_names)
    gates = [replace(g, name=next(names)) if g.kind is Kind.INPUT else g for g in out.gates]
    return Netlist(gates, list(out.outputs), list(circuit.output_names), circuit.name)


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
        if circuit.n_inputs > TABLE_INPUTS:
            return f"compare:    needs a table (--table) beyond {TABLE_INPUTS} inputs"
        table = complete_table(circuit)
    free = table.has_dont_cares or not table.is_complete
    care = table.care_rows(unseen=True) if free and table.n_inputs <= MAX_INPUTS else None
    espresso = str(and2_count(optimize(espresso_netlist(table), care=care)))
    with tempfile.TemporaryDirectory(prefix="btfsynth-compare") as folder:
        pla = Path(folder) / "table.pla"
        write_table(table, pla)
        abc = abc_ands(f"read_pla {pla}; strash; {RESYN2}")
    return (
        f"compare:    this circuit {and2_count(circuit)} AND2; from the bare table: "
        f"espresso + optimiser {espresso}, ABC resyn2 {abc if abc is not None else '- (no ABC)'}"
    )
