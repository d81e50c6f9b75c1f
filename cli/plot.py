"""``btfsynth plot``: the learning curves of a learner result, as SVG, PNG or PDF."""

from __future__ import annotations

import click

from btfsynth.curves import FORMATS, plot_curves
from btfsynth.exporters.model import read_result
from btfsynth.files import check_output


@click.command("plot")
@click.argument("result", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    required=True,
    help=f"Plot file: {', '.join('.' + f for f in FORMATS)} (by extension).",
)
def plot(result: str, output: str) -> None:
    """Plot RESULT.json's learning curves (written by learn -o): gap, min gap, train and test
    accuracy against the iteration on a log axis, one line per restart, the reported one in
    colour. Needs matplotlib (pip install 'btfsynth[plot]')."""
    check_output(output, (result,))
    learned = read_result(result)
    plot_curves(learned, output)
    runs = sum(1 for r in learned.runs if r.get("history")) or 1
    click.echo(f"wrote {output} ({runs} restart{'s' * (runs != 1)})")
