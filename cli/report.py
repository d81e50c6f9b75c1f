"""``btfsynth report``: a learner result as one self-contained HTML page.

The result's network is compiled (default effort; ``--table`` scores the circuit against a
truth table or task and gives wide networks their care set), drawn by graphviz when its
``dot`` is installed, and laid out by :func:`btfsynth.report.html_page` with the learning
curves (matplotlib, when installed) and, for circuits of at most 16 inputs, the baselines
from the bare table (``--compare``'s espresso and ABC).
"""

from __future__ import annotations

import os

import click

from btfsynth.compile import compile_network
from btfsynth.curves import curves_image
from btfsynth.errors import BtfsynthError
from btfsynth.exporters.dot import format_dot, rendered
from btfsynth.exporters.model import read_result
from btfsynth.exporters.sources import read_table_or_task
from btfsynth.files import check_output, write_text
from btfsynth.passes.stats import netlist_stats
from btfsynth.report import Page, html_page
from btfsynth.sim import verify

from .compare import TABLE_INPUTS, comparison
from .options import given, task_options

MAX_DRAWN_GATES = 2_000
"""Circuits with more gates are not drawn (graphviz takes minutes and the drawing is noise)."""


@click.command("report")
@click.argument("result", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, help="The page to write (.html).")
@click.option(
    "--table",
    default=None,
    help="Truth table or task spec the circuit is checked against (and, for networks of more "
    "than 24 inputs, the care set of the compile).",
)
@click.option("--title", default=None, help="Page title (default: the result's file name).")
@task_options()
def report(
    result: str, output: str, table: str | None, title: str | None, task_options: dict
) -> None:
    """Write RESULT.json (from learn -o) as one HTML page that needs no network: summary,
    parameters, learning curves, the compiled circuit drawn as SVG, gates by kind, each node's
    snapping and gate, the verification and, up to 16 inputs, the baselines."""
    if not output.lower().endswith((".html", ".htm")):
        raise BtfsynthError(f"{output}: a report is an .html file")
    check_output(output, (result,) + ((table,) if table else ()))
    learned = read_result(result)
    care = None if table is None else read_table_or_task(table, **given(task_options, table))
    compiled = compile_network(learned.network, care)
    stats = netlist_stats(compiled.netlist)
    curves, curves_note = _curves(learned)
    circuit, circuit_note = _circuit(compiled.netlist, stats.gates)
    check = None
    if care is not None:
        check = verify(compiled.netlist, care, by_position=True).summary()
    baselines = None
    if care is not None or compiled.netlist.n_inputs <= TABLE_INPUTS:
        baselines = comparison(compiled.netlist, care)
    page = Page(
        title or os.path.splitext(os.path.basename(result))[0],
        learned,
        compiled,
        stats,
        curves,
        circuit,
        curves_note,
        circuit_note,
        check,
        baselines,
    )
    write_text(output, html_page(page))
    click.echo(f"wrote {output}")


def _curves(learned) -> tuple[str | None, str]:
    try:
        return curves_image(learned, "svg").decode(), ""
    except BtfsynthError as exc:
        return None, f"No learning curves: {exc}."


def _circuit(netlist, gates: int) -> tuple[str | None, str]:
    if gates > MAX_DRAWN_GATES:
        return None, f"The circuit has {gates} gates, too many to draw (at most {MAX_DRAWN_GATES})."
    try:
        return rendered(format_dot(netlist), "svg").decode(), ""
    except BtfsynthError as exc:
        return None, f"No drawing: {exc}."
