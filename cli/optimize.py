"""``btfsynth optimize``: any netlist made smaller as an AIG, proven equal to it.

The netlist (ours, or another tool's: EPFL files, Yosys output) goes through the AIG optimiser
of :mod:`btfsynth.passes.optimize`, optionally ABC after it, and is proven equal to its input
by :func:`btfsynth.sim.equivalent` (enumeration or SAT sweeping), or, with a table's
don't-cares, equal on every cared row by simulating all of them. Nothing is written unless the
proof succeeds and the result fits ``--max-ands``.
"""

from __future__ import annotations

import os
from dataclasses import replace

import click
import numpy as np

from btfsynth.budget import Budget
from btfsynth.cli.compare import ABC, abc_optimize, comparison
from btfsynth.cli.options import (
    BUDGET_HELP,
    COMPARE_HELP,
    DC_UNSEEN_HELP,
    MAX_ANDS_HELP,
    BudgetType,
    check_netlist_output,
    given,
    task_options,
    too_big,
)
from btfsynth.errors import BtfsynthError
from btfsynth.exporters import read_netlist, write_netlist
from btfsynth.exporters.sources import read_table_or_task
from btfsynth.netlist import Netlist
from btfsynth.passes import and2_count
from btfsynth.passes.optimize import optimize
from btfsynth.passes.resub import MAX_INPUTS
from btfsynth.sim import equivalent, verify
from btfsynth.sim.check import complete_table
from btfsynth.truthtable import TruthTable


@click.command("optimize")
@click.argument("netlist")
@click.option("-o", "--output", required=True, help="Netlist file to write (by extension).")
@click.option("--effort", type=click.Choice(["fast", "high"]), default="fast", show_default=True)
@click.option("--budget", type=BudgetType(), default=None, help=BUDGET_HELP)
@click.option(
    "--table",
    default=None,
    help="Truth table (.pla, .dat or task spec) whose don't-care outputs the optimiser may "
    "change (at most 16 inputs); the result is proven equal to NETLIST on the other rows.",
)
@click.option("--dc-unseen", is_flag=True, help=DC_UNSEEN_HELP)
@click.option(
    "--abc",
    is_flag=True,
    help="Also run ABC (berkeley-abc or abc on PATH) on the result and keep its circuit when "
    "it is smaller; proven like the rest.",
)
@click.option("--compare", is_flag=True, help=COMPARE_HELP)
@click.option(
    "--conflicts",
    type=click.IntRange(min=0),
    default=100_000,
    show_default=True,
    help="SAT conflicts the proof of each output may spend (0: no limit); unproven, nothing "
    "is written (exit 3).",
)
@click.option("--max-ands", type=click.IntRange(min=0), default=None, help=MAX_ANDS_HELP)
@task_options()
def optimize_(
    netlist: str,
    output: str,
    effort: str,
    budget: Budget | None,
    table: str | None,
    dc_unseen: bool,
    abc: bool,
    compare: bool,
    conflicts: int,
    max_ands: int | None,
    task_options: dict,
) -> None:
    """Optimise NETLIST (any readable format, from btfsynth or another tool) as an AIG, prove
    the result equal to it (enumeration or SAT sweeping; with --table's don't-cares,
    simulation of every cared row) and write it to OUTPUT. Exit 1 above --max-ands, 3 when the
    proof ran out of conflicts; nothing is written then."""
    check_netlist_output(output, (netlist,) + ((table,) if table else ()))
    if abc and ABC is None:
        raise BtfsynthError("--abc needs ABC: berkeley-abc or abc on PATH")
    circuit = read_netlist(netlist)
    truth = None if table is None else read_table_or_task(table, **given(task_options, table))
    care = _care_rows(circuit, truth, dc_unseen)
    before = and2_count(circuit)
    result = optimize(circuit, effort, None if budget is None else budget.seconds, care)
    by = f"effort {effort}"
    if abc:
        other = abc_optimize(result)
        if and2_count(other) < and2_count(result):
            result, by = other, f"effort {effort}, then ABC"
    after = and2_count(result)
    if care is not None:
        by += f", {int(care.size - care.sum())} don't-care output bits free"
    proven, how = _prove(circuit, result, care, conflicts)
    if proven is None:
        click.echo(
            f"optimised:  {before} → {after} AND2, but not proven equal within {conflicts} SAT "
            "conflicts (raise --conflicts, 0 for no limit): nothing written",
            err=True,
        )
        raise SystemExit(3)
    if not proven:
        raise BtfsynthError(f"internal error: the optimised {netlist} is not equal to it")
    click.echo(f"optimised:  {before} → {after} AND2 ({by}); {how}")
    if compare:
        click.echo(comparison(result, truth))
    too_big(after, max_ands)
    write_netlist(result, output, source=f"{os.path.basename(netlist)} optimised ({by})")
    click.echo(f"wrote {output}")


def _care_rows(circuit: Netlist, table: TruthTable | None, unseen: bool) -> np.ndarray | None:
    """The rows the optimiser must keep, from the table's don't-cares (None: all)."""
    if table is None:
        if unseen:
            raise BtfsynthError("--dc-unseen needs --table")
        return None
    if (table.n_inputs, table.n_outputs) != (circuit.n_inputs, circuit.n_outputs):
        raise BtfsynthError(
            f"the table has {table.n_inputs} inputs and {table.n_outputs} outputs, "
            f"the netlist {circuit.n_inputs} and {circuit.n_outputs}"
        )
    if table.n_inputs > MAX_INPUTS:
        raise BtfsynthError(f"don't-cares are used for at most {MAX_INPUTS} inputs")
    care = table.care_rows(unseen)
    return None if care.all() else care


def _prove(
    a: Netlist, b: Netlist, care: np.ndarray | None, conflicts: int
) -> tuple[bool | None, str]:
    """Whether ``b`` equals ``a`` (None: undecided), and how that was proven: by enumeration
    or SAT sweeping, or on the cared rows of all 2^n by simulation."""
    if care is None:
        proof = equivalent(a, b, by_position=True, conflicts=conflicts)
        rows = f"on all {1 << a.n_inputs} input rows"
        return proof.equal, f"proven equal ({rows if proof.method == 'exhaustive' else 'SAT'})"
    expected = replace(complete_table(a), care=care)
    ok = verify(b, expected, by_position=True, max_counterexamples=0).ok
    return ok, "proven equal on every cared row"
