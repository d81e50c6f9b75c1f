"""``btfsynth compile`` and ``stats``: threshold network → gate netlist, and its size.

``compile`` prints the compile report (which gate each BTF node became, THRESHOLD fallbacks and
data-exact nodes with their reasons, how the netlist was proven equal to the network) and the
netlist statistics, and records a one-line summary of the report as the written file's
``source`` (a header comment; the ``source`` key of .json). ``stats`` shows what any netlist
shows (gate counts by kind, THRESHOLD gates among them, AND2 count, depth) and, for .json files,
that recorded summary: per-node detail such as data-exactness comes only from ``compile``.
"""

from __future__ import annotations

import os

import click

from btfsynth.budget import Budget
from btfsynth.cli.compare import comparison
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
from btfsynth.compile import compile_network
from btfsynth.exporters import read_netlist, write_netlist
from btfsynth.exporters.model import read_network_json
from btfsynth.exporters.sources import read_table_or_task
from btfsynth.files import read_json
from btfsynth.netlist import LEAF_KINDS, Kind
from btfsynth.passes.aig import and2_count
from btfsynth.passes.stats import netlist_stats


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
    "networks of more than 24 inputs (smaller gates, equal to the network on these rows; "
    "without it such nodes become THRESHOLD gates proven on all their input patterns, "
    "where their margin allows), and is scored; in networks of at most 16 inputs its "
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
@click.option("--max-ands", type=click.IntRange(min=0), default=None, help=MAX_ANDS_HELP)
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
    max_ands: int | None,
    task_options: dict,
) -> None:
    """Compile the threshold network in MODEL (a learner result or network JSON) into a
    netlist proven equal to it, and write it to OUTPUT. Exit 1 above --max-ands (nothing is
    written then)."""
    check_netlist_output(output, (model,) + ((table,) if table else ()))
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
    for line in result.report.lines() + netlist_stats(result.netlist).lines():
        click.echo(line)
    if compare:
        click.echo(comparison(result.netlist, care))
    too_big(and2_count(result.netlist), max_ands)
    write_netlist(result.netlist, output, source=summary)
    click.echo(f"wrote {output}")


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
