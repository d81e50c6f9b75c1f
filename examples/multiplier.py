"""The n×n multipliers of the paper (method.md §5–7): all 2^(2n) products, learned whole.

Restarts run from seeds seed, seed+1, ... up to --max-iter iterations each; the row counts how
many solve (the method's gap criterion) and compiles the lowest solving seed's network into an
AND/OR/NOT circuit proven equal to the product on every input. The reference C code solves
18 of 50 restarts of the 2×2 multiplier within 1e4 iterations, and 4 of 4 runs of the 3×3 one
within 1e6. The defaults shown are the paper's for 2 bits; --bits 3 takes its 3×3 settings
(γ 1e-4, 1e6 iterations) for every option not given.
Example: ``python examples/multiplier.py --bits 3 --restarts 4``.
"""

from __future__ import annotations

import statistics

import click
from common import (
    Row,
    Runs,
    cut,
    paper_defaults,
    report,
    rrr_options,
    run,
    solve_count,
    thousands,
)

from btfsynth import compile_network
from btfsynth.passes.aig import and2_count
from btfsynth.tasks import multiplier
from btfsynth.tasks.paper import multiplier_settings

PUBLISHED = {
    2: "C code: 18 of 50 (36 %) within 1e4, mean ≈ 4.8k iterations",
    3: "C code: 4 of 4 within 1e6 (at 270k, 328k, 468k, 775k), none within 1e5",
}
RESTARTS = {2: 100, 3: 4}


@click.command(help=__doc__)
@click.option(
    "--bits",
    type=click.IntRange(2, 3),
    default=2,
    show_default=True,
    help="Bits per factor: 2 (net 4-4-4-4) or 3 (net 6-12-12-12-6).",
)
@click.option(
    "--restarts",
    type=int,
    default=None,
    help="Runs, every one to its end.  [default: 100 for 2 bits, 4 for 3]",
)
@rrr_options(multiplier_settings(2), restarts=True)
def main(bits: int, restarts: int | None, **options) -> list[Row]:
    paper = multiplier_settings(bits)
    runs = Runs.of(paper_defaults(options, paper))
    restarts = RESTARTS[bits] if restarts is None else restarts
    table = multiplier(bits).table
    result = runs.learn(
        f"mult{bits}x{bits}", table, paper.widths, restarts=restarts, all_restarts=True
    )
    solved, ours = solve_count(result, runs)
    if result.solved:
        circuit = compile_network(result.network, table).netlist
        ours += f"; seed {result.seed} compiles to {and2_count(circuit)} AND2, proven exact"
    iterations = "—"
    if solved:
        iterations = (
            f"mean {thousands(statistics.mean(solved))}"
            if bits == 2
            else ", ".join(map(thousands, solved))
        )
    row = Row(
        f"{bits}×{bits} multiplier, {'-'.join(map(str, paper.widths))}", ours, PUBLISHED[bits],
        runs.seeds(len(result.runs)), iterations, result.seconds, cut=cut(result, runs),
    )  # fmt: skip
    return report([row])


if __name__ == "__main__":
    run(main)
