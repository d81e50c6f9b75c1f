"""Binary autoencoders of the paper (method.md §5–7): 2^k random words of 2^k bits squeezed
through a k-node bottleneck (net 2^k-k-2^k-2^k).

A solved net reproduces every word and gives each word its own, exactly binary, bottleneck
code; the row counts the solving restarts and checks the codes of the lowest solving seed.
The words are drawn with --data-seed, or with --reference-words are those of the reference
implementation (autocode/auto8.dat, auto16.dat, auto32.dat). The reference C code solves
10 of 10 runs of 8-3-8-8 and 5 of 5 of 16-4-16-16 (≈ 5.5e4 ± 1.2e4 iterations).
Example: ``python examples/autoencoder.py --k 4 --restarts 5``.
"""

from __future__ import annotations

import statistics

import click
from common import (
    Row,
    Runs,
    cut,
    existing,
    reference_file,
    report,
    rrr_options,
    run,
    solve_count,
    thousands,
)

from btfsynth.exporters.boolearn import read_table
from btfsynth.tasks import autoencoder
from btfsynth.tasks.paper import autoencoder_settings

PUBLISHED = {
    3: "C code: 10 of 10",
    4: "C code: 5 of 5, ≈ 55k ± 12k iterations (its net written 16-16-4-16-16)",
    5: "— (settings only)",
}


@click.command(help=__doc__)
@click.option(
    "--k",
    type=click.IntRange(1, 6),
    default=3,
    show_default=True,
    help="Bottleneck width: 2^k words of 2^k bits (the paper: 3, 4, 5).",
)
@click.option("--restarts", default=10, show_default=True, help="Runs, every one to its end.")
@click.option("--data-seed", default=0, show_default=True, help="Seed of the random words.")
@click.option("--reference-words", is_flag=True,
              help="The reference implementation's words (autocode/autoK.dat under "
                   "$BTFSYNTH_SHARED/benchmarks/boolearn) instead of random ones.")  # fmt: skip
@rrr_options(autoencoder_settings(3), restarts=True)
def main(k: int, restarts: int, data_seed: int, reference_words: bool, **options) -> list[Row]:
    runs = Runs.of(options)
    widths = autoencoder_settings(k).widths
    table = autoencoder(k, seed=data_seed).table
    if reference_words:
        table = read_table(existing(reference_file(f"autocode/auto{1 << k}.dat")))
    result = runs.learn(f"autoencoder{k}", table, widths, restarts=restarts, all_restarts=True)
    solved, ours = solve_count(result, runs)
    if result.solved:
        net = result.network
        _, y = net.forward(2.0 * table.inputs - 1.0)
        codes = {tuple(row) for row in y[:, net.btf_nodes[:k]]}
        ours += (
            f"; seed {result.seed}: {'exact' if result.exact_on_train else 'inexact'} "
            f"reconstruction, {len(codes)} distinct codes for {table.n_rows} words"
        )
    iterations = "—"
    if solved:
        iterations = f"median {thousands(statistics.median(solved))} ({thousands(solved[0])}–"
        iterations += f"{thousands(solved[-1])})"
    row = Row(
        f"autoencoder {'-'.join(map(str, widths))}", ours, PUBLISHED.get(k, "—"),
        runs.seeds(len(result.runs)), iterations, result.seconds, cut=cut(result, runs),
    )  # fmt: skip
    return report([row])


if __name__ == "__main__":
    run(main)
