"""Elementary cellular automata (method.md §6): learn T steps of rule R on a ring of L cells.

Random ring states go through T steps of the rule; the learner gets the first N (state, state
after T steps) pairs and is tested on the rest. Published: rule 30, 16 cells, one step,
N = 256 → ~99.7 % test (an AdamW MLP: 86.1 %); two steps: gradient baselines stay at 55–63 %
and the paper gives no figure of its own; rule 232 (majority), 32 cells, three steps, net
32-32-32-32 → solved at ≈ 1.1e5 iterations, train 99.90 %, test 98.27 %.
Example: ``python examples/cellular_automaton.py --steps 2``.
"""

from __future__ import annotations

import click
from common import Row, Runs, generalisation, report, rrr_options, run, width_list

from btfsynth.tasks import cellular_automaton
from btfsynth.tasks.paper import automaton_settings

PUBLISHED = {
    (30, 16, 1, 256): ("~99.7 %", "AdamW MLP: 86.1 %"),
    (30, 16, 2, 256): ("— (not in the paper)", "gradient: 55–63 %"),
    (232, 32, 3, 256): ("98.27 % (train 99.90 %, ≈ 110k it)", "—"),
}
"""(rule, cells, steps, N) → the published test accuracy and the gradient baseline."""


@click.command(help=__doc__)
@click.option(
    "--rule",
    type=click.IntRange(0, 255),
    default=30,
    show_default=True,
    help="Elementary rule: bit 4·left + 2·centre + right of R is the new cell.",
)
@click.option(
    "--cells",
    type=click.IntRange(3),
    default=16,
    show_default=True,
    help="Cells of the ring (the paper: 16 for rule 30, 32 for rule 232).",
)
@click.option(
    "--steps",
    type=click.IntRange(1),
    default=1,
    show_default=True,
    help="Steps of the rule between input and output.",
)
@click.option(
    "--widths",
    default=None,
    help="Network widths, inputs to outputs.  [default: the paper's: L-2L-2L-L for "
    "one step, L-3L-3L-3L-L for two, L-L-L-L for rule 232 over three]",
)
@click.option(
    "--train",
    "n_train",
    default=256,
    show_default=True,
    help="Training states N (the first N drawn).",
)
@click.option(
    "--items",
    default=10_000,
    show_default=True,
    help="Random states drawn; those after the first N are the test set.",
)
@click.option("--data-seed", default=0, show_default=True, help="Seed of the random states.")
@rrr_options(automaton_settings(30, 16, 1))
def main(
    rule: int, cells: int, steps: int, widths: str | None, n_train: int, items: int,
    data_seed: int, **options,
) -> list[Row]:  # fmt: skip
    runs = Runs.of(options)
    task = cellular_automaton(rule, cells, steps, items, seed=data_seed)
    if widths is None and task.widths is None:
        raise click.UsageError(f"the paper has no network for {steps} steps: give --widths")
    layers = task.widths if widths is None else width_list(widths)
    published, baseline = PUBLISHED.get((rule, cells, steps, n_train), ("—", "—"))
    net = "-".join(map(str, layers))
    step_text = f"{steps} step{'s' * (steps > 1)}"
    experiment = f"rule {rule}, {cells} cells, {step_text}, {net}, N = {n_train}"
    name = f"ca{rule}_{cells}_{steps}_{net}_N{n_train}"
    return report(
        [generalisation(experiment, name, task.table, n_train, layers, runs, published, baseline)]
    )


if __name__ == "__main__":
    run(main)
