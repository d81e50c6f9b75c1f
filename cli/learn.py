"""``btfsynth learn``: learn a threshold network from a truth table with RRR."""

from __future__ import annotations

import sys

import click

from btfsynth import jit
from btfsynth.cli.options import BudgetType, given, task_options
from btfsynth.cli.progress import ProgressDisplay
from btfsynth.errors import BtfsynthError
from btfsynth.exporters.model import write_result
from btfsynth.exporters.sources import read_dataset, read_network
from btfsynth.files import check_output
from btfsynth.rrr import LearnResult
from btfsynth.rrr import learn as learn_network


def _int_list(text: str, sep: str, what: str) -> list[int]:
    try:
        values = [int(v) for v in text.split(sep)]
    except ValueError:
        raise BtfsynthError(f"{what} {text!r}: expected integers separated by {sep!r}") from None
    if min(values) < 0:
        raise BtfsynthError(f"{what} {text!r}: widths cannot be negative")
    return values


@click.command()
@click.argument("data")
@click.option("--hidden", help="Hidden layer widths, e.g. 4,4 (inputs and outputs from DATA).")
@click.option("--widths", help="All layer widths, inputs to outputs, e.g. 4-4-4-4.")
@click.option(
    "--net",
    "net_file",
    type=click.Path(dir_okay=False),
    help="Network structure: a .net/.sol file or a network .json.",
)
@click.option("--sigma", type=float, default=3.0, show_default=True, help="Support parameter σ.")
@click.option("--beta", type=float, default=0.2, show_default=True, help="RRR step β.")
@click.option("--gamma", type=float, default=1e-3, show_default=True, help="Metric rate γ.")
@click.option(
    "--max-iter", type=int, default=10_000, show_default=True, help="Iterations per restart."
)
@click.option(
    "--gap-stop",
    type=float,
    default=0.01,
    show_default=True,
    help="Stop when the minimum gap falls below this.",
)
@click.option("--restarts", type=int, default=1, show_default=True, help="Independent runs.")
@click.option("--jobs", type=int, default=1, show_default=True, help="Runs in parallel.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the first run.")
@click.option(
    "--train",
    "n_train",
    type=int,
    default=None,
    help="Train on the first N items and test on the rest (default: train on all).",
)
@click.option(
    "--all-restarts", is_flag=True, help="Run every restart, not just to the first solution."
)
@click.option(
    "--stop-when-exact",
    is_flag=True,
    help="Also stop a run once its consensus network is right on every training row "
    "(before the gap criterion; such a run is exact but not 'solved').",
)
@click.option(
    "--budget",
    type=BudgetType(),
    default=None,
    help="Wall time for the whole search, such as 60s or 2m: then every run stops, keeping "
    "its best weights.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress display on stderr.")
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False), help="Result file (.json)."
)
@task_options()
def learn(
    data,
    hidden,
    widths,
    net_file,
    sigma,
    beta,
    gamma,
    max_iter,
    gap_stop,
    restarts,
    jobs,
    seed,
    n_train,
    all_restarts,
    stop_when_exact,
    budget,
    quiet,
    output,
    task_options,
) -> None:
    """Learn a Boolean threshold network for DATA with RRR and write the result as JSON.

    DATA is a .pla or .dat file, or a task spec such as mult:2 or ca:30:16:1 (for a spec
    the paper's widths are the default network). Progress of every run goes to stderr
    (redrawn on a terminal, a line every few seconds otherwise). Ctrl-C or SIGTERM stops every
    run and writes the best weights so far.
    """
    if sum(x is not None for x in (hidden, widths, net_file)) > 1:
        raise BtfsynthError("give at most one of --hidden, --widths and --net")
    check_output(output, tuple(x for x in (data, net_file) if x))
    network = read_network(net_file) if net_file else None
    full = _int_list(widths, "-", "--widths") if widths else None
    code_width = network.n_inputs if network else (full[0] if full else 0)
    items, task_widths = read_dataset(data, code_width, **given(task_options, data))
    if hidden is not None:
        full = [items.n_inputs, *_int_list(hidden, ",", "--hidden"), items.n_outputs]
    if full is None and network is None:
        if task_widths is None:
            raise BtfsynthError("give the network with --hidden, --widths or --net")
        full = task_widths
    test = None
    if n_train is not None:
        if not 0 < n_train <= items.n_items:
            raise BtfsynthError(f"--train {n_train}: DATA has {items.n_items} items")
        items, test = items.take(slice(0, n_train)), items.take(slice(n_train, None))
    display = None if quiet else ProgressDisplay.on(sys.stderr)
    cold = jit.is_cold()
    if cold:
        click.echo(jit.notice(), err=True)
    try:
        result = learn_network(
            items,
            full,
            network=network,
            sigma=sigma,
            beta=beta,
            gamma=gamma,
            max_iter=max_iter,
            gap_stop=gap_stop,
            restarts=restarts,
            jobs=jobs,
            seed=seed,
            test=test,
            progress=display,
            stop_at_first=not all_restarts,
            stop_when_exact=stop_when_exact,
            seconds=None if budget is None else budget.seconds,
        )
    finally:
        if display is not None:
            display.close()
    if cold and result.iterations:
        jit.mark_warm()
    write_result(result, output)
    click.echo(summary(result, output))
    for run in result.runs:
        if "lost" in run:
            click.echo(f"warning: restart with seed {run['seed']} lost: {run['lost']}", err=True)
    if result.interrupted and not result.solved:
        click.echo("interrupted: wrote the best weights so far", err=True)
        sys.exit(130)
    if result.out_of_time and not result.solved:
        click.echo("the time budget ended the search: wrote the best weights so far", err=True)


def summary(result: LearnResult, output: str) -> str:
    """What the command prints after a run: the gap criterion's verdict and, when it failed,
    how the network still fares (an unsolved run can be exact on the training rows)."""
    snapped = result.network.metadata.get("snapped", [])
    state = "solved" if result.solved else "not solved"
    lines = [
        f"{state} after {result.iterations} iterations (seed {result.seed}, "
        f"{result.seconds:.2f} s, {len(result.runs)} run(s))"
    ]
    if not result.solved:
        lines.append(convergence(result))
    lines += [
        f"train accuracy {100 * result.train_accuracy:.2f}%"
        + (
            f", test accuracy {100 * result.test_accuracy:.2f}%"
            if result.test_accuracy is not None
            else ""
        ),
        f"snapped {sum(snapped)} of {len(snapped)} nodes to ±1 patterns",
        f"wrote {output}",
    ]
    return "\n".join(lines)


def convergence(result: LearnResult) -> str:
    """Why an unsolved result is unsolved, and whether its network is right anyway."""
    last = result.history[-1] if result.history else {}
    min_gap, gap_stop = last.get("min_gap"), result.params.get("gap_stop")
    gap = f"gap {min_gap:.3g} above {gap_stop:g}" if min_gap is not None else "no gap yet"
    if result.exact_on_train:
        network = "the consensus network is right on every training row"
    else:
        what = "items" if result.network.output_kind == "class" else "output bits"
        network = f"the consensus network is right on {100 * result.train_accuracy:.2f}% of {what}"
    return f"{gap}: not converged; {network}"
