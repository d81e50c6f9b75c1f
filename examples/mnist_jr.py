"""The MNIST-jr classifier of the reference implementation (method.md §6): 8×8 digit images
(64 analog inputs in [0, 1]) into 10 classes, one-hot outputs scored by argmax.

The learner gets the first N images of ``mnist/mnistjr.dat`` and is tested on all the others.
The reference documentation gives σ 5, β 0.2, γ 1e-3, 2e5 iterations, gap 0.05 and the net
64-10; its older 64-64-10 net scored 64.1 / 81.8 / 90.1 % test for N = 128 / 256 / 512.
Example: ``python examples/mnist_jr.py --train 512 --widths 64-64-10``.
"""

from __future__ import annotations

from pathlib import Path

import click
from common import (
    Row,
    Runs,
    count_list,
    existing,
    generalisation,
    reference_file,
    report,
    rrr_options,
    run,
    width_list,
)

from btfsynth.exporters.boolearn import read_dataset
from btfsynth.tasks.paper import mnist_jr_settings

PAPER = mnist_jr_settings()
PUBLISHED = {128: "64.1 % (64-64-10)", 256: "81.8 % (64-64-10)", 512: "90.1 % (64-64-10)"}


@click.command(help=__doc__)
@click.option(
    "--data",
    type=click.Path(dir_okay=False, path_type=Path),
    default=reference_file("mnist/mnistjr.dat"),
    show_default=True,
    help="The MNIST-jr data file (reference .dat format).",
)
@click.option(
    "--widths",
    default="-".join(map(str, PAPER.widths)),
    show_default=True,
    help="Network widths, inputs to classes.",
)
@click.option(
    "--train",
    "sizes",
    default="128,256,512",
    show_default=True,
    help="Training set sizes N, one learner call each.",
)
@rrr_options(PAPER)
def main(data: Path, widths: str, sizes: str, **options) -> list[Row]:
    runs = Runs.of(options)
    items = read_dataset(existing(data))
    layers = width_list(widths)
    rows = []
    for n in count_list(sizes):
        experiment = f"MNIST-jr {widths}, N = {n}"
        name = f"mnistjr_{widths}_N{n}"
        published = PUBLISHED.get(n, "—")
        rows.append(generalisation(experiment, name, items, n, layers, runs, published))
    return report(rows)


if __name__ == "__main__":
    run(main)
