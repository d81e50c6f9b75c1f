"""``btfsynth compile``, ``stats`` and ``optimize``: threshold network → gate netlist, its size,
and any netlist made smaller.

``compile`` prints the compile report (which gate each BTF node became, THRESHOLD fallbacks and
data-exact nodes with their reasons, how the netlist was proven equal to the network) and the
netlist statistics, and records a one-line summary of the report as the written file's
``source`` (a header comment; the ``source`` key of .json). ``stats`` shows what any netlist
shows (gate counts by kind, THRESHOLD gates among them, AND2 count, depth) and, for .json files,
that recorded summary: per-node detail such as data-exactness comes only from ``compile``.
"""

from __future__ import annotations

import os
from dataclasses import replace

import click
import numpy as np

from btfsynth.budget import Budget
from btfsynth.cli.compare import ABC, abc_optimize, comparison
from btfsynth.cli.options import BudgetType, given, task_options
from btfsynth.compile import compile_network
from btfsynth.errors import BtfsynthError
from btfsynth.exporters import NETLIST_FORMATS, read_netlist, write_netlist
from btfsynth.exporters.model import read_network_json
from btfsynth.exporters.sources import read_table_or_task
from btfsynth.files import check_output, read_json
from btfsynth.netlist import LEAF_KINDS, Kind, Netlist
from btfsynth.passes import and2_count
from btfsynth.passes.optimize import equal, optimize
from btfsynth.passes.resub import MAX_INPUTS
from btfsynth.passes.stats import netlist_stats
from btfsynth.sim import verify
from btfsynth.sim.check import complete_table
from btfsynth.truthtable import TruthTable

DC_UNSEEN_HELP = (
    "Treat the rows the table lacks as don't-cares too (a sampled table); by default the "
    "circuit keeps the learned values there."
)
BUDGET_HELP = "Time the optimiser may take, such as 60s or 2m (a started round finishes)."
COMPARE_HELP = (
    "Also build the circuit from the bare truth table (--table, or the circuit's own complete "
    "table) with espresso + the optimiser and with ABC resyn2, and print the AND2 counts."
)


def _check_output(path: str, inputs: tuple[str, ...]) -> None:
    """Refuse an unknown extension or an unwritable path before any work is done."""
    ext = os.path.splitext(path)[1].lower()
    if ext not in NETLIST_FORMATS:
        known = ", ".join(sorted(NETLIST_FORMATS))
        raise BtfsynthError(
            f"{path}: unknown netlist format {ext or '(no extension)'!r}; known: {known}"
        )
    check_output(path, inputs)


@click.command("compile")
@click.argument("model")
@click.option(
    "-o",
    "--output",
    required=True,
    help="Netlist file: .blif, .v, .json, .aag/.aig or .dot (by extension).",
)
@click.option(
    "--table",
    default=None,
    help="Care set (.pla, .dat or task spec): decides nodes too wide to enumerate in "
    "networks of more than 24 inputs, and is scored; in networks of at most 16 inputs its "
    "don't-care outputs are free for the optimiser.",
)
@click.option("--dc-unseen", is_flag=True, help=DC_UNSEEN_HELP)
@click.option("--budget", type=BudgetType(), default=None, help=BUDGET_HELP)
@click.option("--no-simplify", is_flag=True, help="Keep one gate per BTF node (no optimising).")
@click.option(
    "--effort",
    type=click.Choice(["fast", "high", "none"]),
    default="fast",
    show_default=True,
    help="AIG optimisation after simplifying (mockturtle's resubstitution, rewriting and "
    "refactoring, through aigverse); kept only when it gives fewer AND2 gates.",
)
@click.option(
    "--shrink",
    is_flag=True,
    help="Give every node the cheapest gate equal to it on the patterns it receives "
    "(networks of at most 24 inputs; still equal to the network on every input).",
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Seed of the random rows checked for networks of more than 24 inputs.",
)
@click.option("--compare", is_flag=True, help=COMPARE_HELP)
@task_options()
def compile_(
    model: str,
    output: str,
    table: str | None,
    no_simplify: bool,
    effort: str,
    shrink: bool,
    dc_unseen: bool,
    budget: Budget | None,
    seed: int,
    compare: bool,
    task_options: dict,
) -> None:
    """Compile the threshold network in MODEL (a learner result or network JSON) into a
    netlist proven equal to it, and write it to OUTPUT."""
    _check_output(output, (model,) + ((table,) if table else ()))
    network = read_network_json(model)
    _warn_if_unsolved(model)
    care = None if table is None else read_table_or_task(table, **given(task_options, table))
    result = compile_network(
        network,
        care,
        simplify=not no_simplify,
        effort=None if effort == "none" else effort,
        shrink=shrink,
        dont_cares="unseen" if dc_unseen else "table",
        seconds=None if budget is None else budget.seconds,
        seed=seed,
    )
    report = result.report
    summary = (
        f"{os.path.basename(model)}: {report.exact} exact gates, "
        f"{report.threshold} THRESHOLD, {report.data_exact} data-exact"
    )
    write_netlist(result.netlist, output, source=summary)
    click.echo(f"wrote {output}")
    for line in result.report.lines() + netlist_stats(result.netlist).lines():
        click.echo(line)
    if compare:
        click.echo(comparison(result.netlist, care))


def _warn_if_unsolved(model: str) -> None:
    """A learner result that did not solve its table compiles, but to the wrong function."""
    data = read_json(model)
    if isinstance(data, dict) and data.get("solved") is False:
        accuracy = data.get("train_accuracy")
        score = f" (training accuracy {accuracy:.4f})" if isinstance(accuracy, float) else ""
        click.echo(
            f"warning: {model}: the learner did not solve its table{score}; the netlist "
            "computes the network, not the table",
            err=True,
        )


@click.command()
@click.argument("netlist")
def stats(netlist: str) -> None:
    """Print gate counts, AND2 count and depth of NETLIST (any readable netlist format)."""
    circuit = read_netlist(netlist)
    for line in netlist_stats(circuit).lines():
        click.echo(line)
    logic = [g for g in circuit.gates if g.kind not in LEAF_KINDS and g.kind is not Kind.BUF]
    threshold = sum(g.kind is Kind.THRESHOLD for g in logic)
    click.echo(f"THRESHOLD:  {threshold} of {len(logic)} logic gates")
    if netlist.lower().endswith(".json"):
        source = read_json(netlist).get("source")
        if source:
            click.echo(f"compiled:   {source}")


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
    help="SAT conflicts the proof may spend (0: no limit); unproven, nothing is written (exit 3).",
)
@click.option(
    "--max-ands",
    type=click.IntRange(min=0),
    default=None,
    help="Write nothing and exit 1 when the result has more AND2 gates than this.",
)
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
    the result equal to it (SAT equivalence checking; with --table's don't-cares, simulation of
    every cared row) and write it to OUTPUT. Exit 1 above --max-ands, 3 when the proof ran out
    of conflicts; nothing is written then."""
    _check_output(output, (netlist,) + ((table,) if table else ()))
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
    proven = _prove(circuit, result, care, conflicts)
    if proven is None:
        click.echo(
            f"optimised:  {before} → {after} AND2, but not proven equal within {conflicts} SAT "
            "conflicts (raise --conflicts, 0 for no limit): nothing written",
            err=True,
        )
        raise SystemExit(3)
    if not proven:
        raise BtfsynthError(f"internal error: the optimised {netlist} is not equal to it")
    how = "proven equal (SAT)" if care is None else "proven equal on every cared row"
    click.echo(f"optimised:  {before} → {after} AND2 ({by}); {how}")
    if compare:
        click.echo(comparison(result, truth))
    if max_ands is not None and after > max_ands:
        click.echo(f"{after} AND2 is more than --max-ands {max_ands}: nothing written", err=True)
        raise SystemExit(1)
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


def _prove(a: Netlist, b: Netlist, care: np.ndarray | None, conflicts: int) -> bool | None:
    """``b`` equal to ``a``: by SAT, or on the cared rows of all 2^n by simulation."""
    if care is None:
        return equal(a, b, conflicts)
    expected = replace(complete_table(a), care=care)
    return verify(b, expected, by_position=True, max_counterexamples=0).ok
