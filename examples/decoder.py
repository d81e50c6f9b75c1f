"""Decoders (method.md §5–6): generative problems with no input data, whose input codes the
learner chooses itself.

``--kind words``: 16 random 16-bit words, each to be produced from its own free 4-bit
hypercube code (net 4-16-16, β 0.5, γ 1e-4, gap 0.01, 1e6 iterations); a solved net gives every
word a distinct code. ``--kind images``: the first 1 024 images of ``decode/mnist4.dat``
(256 pixels) from 16 one-hot generators (net 16-256-256, σ 5, β 0.2, γ 1e-3, gap 0.01, 2e4
iterations); the gap criterion is never reached there (the constraints are infeasible) and the
reference documents that all 16 generators end up used, by 23 to 99 images each.
The defaults shown are the words decoder's; --kind images takes its own for every option not
given. Example: ``python examples/decoder.py --kind images --budget 600``.
"""

from __future__ import annotations

from pathlib import Path

import click
import numpy as np
from common import (
    Row,
    Runs,
    cut,
    existing,
    paper_defaults,
    percent,
    reference_file,
    report,
    rrr_options,
    run,
    solve_count,
    thousands,
)

from btfsynth.exporters.boolearn import read_dataset
from btfsynth.tasks import decoder
from btfsynth.tasks.paper import decoder_settings, image_decoder_settings

IMAGES = image_decoder_settings()


@click.command(help=__doc__)
@click.option("--kind", type=click.Choice(["words", "images"]), default="words",
              show_default=True, help="Random words through hypercube codes, or MNIST images "
                                      "through one-hot generators.")  # fmt: skip
@click.option("--words", default=16, show_default=True, help="Random words (--kind words).")
@click.option("--bits", default=16, show_default=True, help="Bits per word (--kind words).")
@click.option(
    "--restarts",
    default=10,
    show_default=True,
    help="Runs of the words decoder, every one to its end (--kind words).",
)
@click.option(
    "--data",
    type=click.Path(dir_okay=False, path_type=Path),
    default=reference_file("decode/mnist4.dat"),
    show_default=True,
    help="The images (--kind images; reference .dat format, one-hot generators).",
)
@click.option(
    "--train",
    "n_train",
    default=1024,
    show_default=True,
    help="Images taken from the start of --data (--kind images).",
)
@click.option(
    "--data-seed", default=0, show_default=True, help="Seed of the random words (--kind words)."
)
@rrr_options(decoder_settings(16, 16), restarts=True)
def main(
    kind: str, words: int, bits: int, restarts: int, data: Path, n_train: int, data_seed: int,
    **options,
) -> list[Row]:  # fmt: skip
    if kind == "images":
        return report([images(Runs.of(paper_defaults(options, IMAGES)), data, n_train)])
    return report([random_words(Runs.of(options), words, bits, restarts, data_seed)])


def random_words(runs: Runs, words: int, bits: int, restarts: int, data_seed: int) -> Row:
    """Restarts of the hypercube decoder; the lowest solving seed's codes are checked."""
    task = decoder(words, bits, seed=data_seed)
    widths = task.widths
    result = runs.learn(f"decoder{words}_{bits}", task.dataset, widths, restarts=restarts,
                        all_restarts=True)  # fmt: skip
    solved, ours = solve_count(result, runs)
    if result.solved:
        codes = {tuple(code) for code in result.codes}
        ours += (
            f"; seed {result.seed}: {percent(result.train_accuracy)} of the bits right, "
            f"{len(codes)} distinct codes for {words} words"
        )
    iterations = ", ".join(map(thousands, solved)) or "—"
    return Row(
        f"decoder of {words} random {bits}-bit words, {'-'.join(map(str, widths))}", ours,
        "— (settings only)", runs.seeds(len(result.runs)), iterations, result.seconds,
        cut=cut(result, runs),
    )  # fmt: skip


def images(runs: Runs, data: Path, n_train: int) -> Row:
    """One run of the one-hot generator decoder; the row counts the images per generator."""
    items = read_dataset(existing(data), code_width=IMAGES.widths[0]).take(slice(0, n_train))
    result = runs.learn("decoder_mnist4", items, IMAGES.widths)
    usage = np.bincount(np.argmax(result.codes, axis=1), minlength=IMAGES.widths[0])
    used = usage[usage > 0]
    ours = (
        f"**{len(used)} of {len(usage)}** generators used, by {used.min()}–{used.max()} images "
        f"each; {percent(result.train_accuracy)} of the pixels right"
    )
    return Row(
        f"one-hot decoder of {n_train} MNIST images, 16-256-256", ours,
        "all 16 used, by 23–99 images each", runs.seeds(1), thousands(result.iterations),
        result.seconds, cut=cut(result, runs),
    )  # fmt: skip


if __name__ == "__main__":
    run(main)
