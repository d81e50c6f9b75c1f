"""``btfsynth synth``: a truth table in, the best verified circuit out, with no learner flags.

The command reads the table (a PLA, a boolearn ``.dat`` or a task spec), runs
:func:`btfsynth.synth.synth` within ``--budget``, writes the winning circuit (format by the
extension of ``-o``) and prints what it tried and why it kept what it kept. While it works, each
network tried and each circuit scored is a line on stderr (with the learner's progress redrawn
below them on a terminal). Ctrl-C or SIGTERM ends the search: the best circuit so far is
written and the exit status is 130. ``--max-ands`` with no circuit under it: nothing is
written, exit status 1.
"""

from __future__ import annotations

import sys

import click

from btfsynth import jit
from btfsynth.budget import Budget
from btfsynth.cli.options import (
    MAX_ANDS_HELP,
    BudgetType,
    check_netlist_output,
    given,
    task_options,
)
from btfsynth.cli.progress import SynthDisplay
from btfsynth.errors import BtfsynthError
from btfsynth.exporters import write_netlist
from btfsynth.exporters.sources import read_table_or_task
from btfsynth.synth import synth as run_synth
from btfsynth.synth.plan import MODES
from btfsynth.synth.search import NoCircuit


@click.command()
@click.argument("table")
@click.option("-o", "--output", required=True, help="Circuit file: .v .blif .aig .aag .dot .json.")
@click.option(
    "--budget",
    type=BudgetType(work=True),
    default="60s",
    show_default=True,
    help="Wall time (60s, 10m; numba's first compile not counted) or learner iterations "
    "(2e6it: the seed then fixes the result on any machine).",
)
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Restarts of a network run in this many processes.")  # fmt: skip
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True)
@click.option("--cluster", default=None,
              help="Run the learner's restarts on Dask: tcp://HOST:PORT or local:N.")  # fmt: skip
@click.option(
    "--mode",
    type=click.Choice(MODES),
    default=None,
    help="exact: the smallest circuit right on every cared row; generalise: the best accuracy "
    "on held-out rows. Default: exact when TABLE lists every input row, else generalise.",
)
@click.option("--test", "test_file", default=None,
              help="Rows to score the circuit on, never trained on.")  # fmt: skip
@click.option("--train", "n_train", type=click.IntRange(min=1), default=None,
              help="Train on the first N rows of TABLE and test on the rest.")  # fmt: skip
@click.option("--hidden", default=None,
              help="Fix the network: hidden widths such as 8,8 (all outputs jointly).")  # fmt: skip
@click.option("--widths", default=None,
              help="Fix the network by all its widths, such as 4-4-4-4 (as learn).")  # fmt: skip
@click.option("--sigma", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Fix σ for every network tried.")  # fmt: skip
@click.option("--beta", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Fix β for every network tried (default 0.2).")  # fmt: skip
@click.option("--gamma", type=click.FloatRange(min=0), default=None,
              help="Fix γ for every network tried (default: from its iterations).")  # fmt: skip
@click.option("--max-iter", type=click.IntRange(min=1), default=None,
              help="Fix the iterations per run of every network tried.")  # fmt: skip
@click.option("--gap-stop", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Fix the gap criterion of every network tried.")  # fmt: skip
@click.option("--restarts", type=click.IntRange(min=1), default=None,
              help="Fix the restarts per network tried (default: as time allows).")  # fmt: skip
@click.option("--max-ands", type=click.IntRange(min=0), default=None, help=MAX_ANDS_HELP)
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
@task_options()
def synth(
    table: str,
    output: str,
    budget: Budget,
    jobs: int,
    seed: int,
    cluster: str | None,
    mode: str | None,
    test_file: str | None,
    n_train: int | None,
    hidden: str | None,
    widths: str | None,
    sigma: float | None,
    beta: float | None,
    gamma: float | None,
    max_iter: int | None,
    gap_stop: float | None,
    restarts: int | None,
    max_ands: int | None,
    quiet: bool,
    task_options: dict,
) -> None:
    """Find a small verified circuit for TABLE: learn threshold networks of growing size,
    compile and optimise them, compare them with espresso and a decision tree on the same
    rows, and write the best to OUTPUT."""
    check_netlist_output(output, tuple(x for x in (table, test_file) if x))
    if test_file is not None and n_train is not None:
        raise BtfsynthError("give --test or --train, not both")
    rows = read_table_or_task(table, **given(task_options, table))
    test = None
    if test_file is not None:
        test = read_table_or_task(test_file, **given(task_options, test_file))
    if n_train is not None:
        if n_train >= rows.n_rows:
            raise BtfsynthError(f"--train {n_train}: TABLE has {rows.n_rows} rows")
        rows, test = rows.split(n_train)
    if hidden is not None and widths is not None:
        raise BtfsynthError("give --hidden or --widths, not both")
    layers = None if hidden is None else _widths(hidden)
    if widths is not None:
        layers = _full_widths(widths, rows)
    display = None if quiet else SynthDisplay.on(sys.stderr)
    if jit.is_cold():
        click.echo(jit.notice(), err=True)
    try:
        result = run_synth(rows, budget=budget, jobs=jobs, seed=seed, mode=mode, test=test,
                           hidden=layers, sigma=sigma, beta=beta, gamma=gamma,
                           max_iter=max_iter, gap_stop=gap_stop, restarts=restarts,
                           max_ands=max_ands, progress=display, cluster=cluster)  # fmt: skip
    except NoCircuit as exc:
        click.echo(f"{exc}: nothing written", err=True)
        raise SystemExit(1) from None
    finally:
        if display is not None:
            display.close()
    write_netlist(result.netlist, output, source=f"btfsynth synth: {result.winner.name}")
    for line in result.lines():
        click.echo(line)
    click.echo(f"wrote {output}")
    if result.stopped == "interrupted":
        click.echo("interrupted: wrote the best circuit so far", err=True)
        raise SystemExit(130)


def _widths(text: str) -> tuple[int, ...]:
    try:
        widths = tuple(int(w) for w in text.replace("-", ",").split(","))
    except ValueError:
        raise BtfsynthError(f"--hidden {text!r}: give widths such as 8 or 8,8") from None
    if not widths or min(widths) < 1:
        raise BtfsynthError(f"--hidden {text!r}: every layer needs a node")
    return widths


def _full_widths(text: str, rows) -> tuple[int, ...]:
    """The hidden widths of ``--widths IN-H...-OUT``, whose ends must match the table."""
    every = _widths(text)
    if len(every) < 3 or (every[0], every[-1]) != (rows.n_inputs, rows.n_outputs):
        raise BtfsynthError(
            f"--widths {text!r}: give {rows.n_inputs}-…-{rows.n_outputs} (inputs, hidden layers, "
            "outputs of the table)"
        )
    return every[1:-1]
