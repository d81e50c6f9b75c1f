"""``btfsynth learn``: learn a threshold network from a truth table with RRR."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import asdict

import click

from btfsynth import jit
from btfsynth.cli.options import BudgetType, given, task_options
from btfsynth.cli.progress import ProgressDisplay
from btfsynth.errors import BtfsynthError
from btfsynth.exporters.model import write_result
from btfsynth.exporters.sources import read_items, read_network
from btfsynth.files import check_output
from btfsynth.rrr import LearnResult
from btfsynth.rrr import learn as learn_network
from btfsynth.rrr.solve import Params
from btfsynth.tasks import Task


def _int_list(text: str, sep: str, what: str) -> list[int]:
    try:
        values = [int(v) for v in text.split(sep)]
    except ValueError:
        raise BtfsynthError(f"{what} {text!r}: expected integers separated by {sep!r}") from None
    if min(values) < 0:
        raise BtfsynthError(f"{what} {text!r}: widths cannot be negative")
    return values


GENERIC = Params()
"""The RRR parameters of DATA that is not a task spec with paper settings."""
RRR_OPTIONS = ("sigma", "beta", "gamma", "gap_stop", "max_iter")


def _rrr_option(flag: str, kind: type, text: str) -> Callable:
    """An RRR option: None when not given (then the task's paper value, else the generic
    one), with both named in --help."""
    generic = getattr(GENERIC, flag.removeprefix("--").replace("-", "_"))
    return click.option(
        flag,
        type=kind,
        default=None,
        help=f"{text}  [default: {generic:g}; task specs: the paper's]",
    )


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
@_rrr_option("--sigma", float, "Support parameter σ.")
@_rrr_option("--beta", float, "RRR step β.")
@_rrr_option("--gamma", float, "Metric rate γ.")
@_rrr_option("--max-iter", int, "Iterations per restart.")
@_rrr_option("--gap-stop", float, "Stop when the minimum gap falls below this.")
@click.option("--restarts", type=int, default=1, show_default=True, help="Independent runs.")
@click.option("--jobs", type=int, default=1, show_default=True, help="Runs in parallel.")
@click.option(
    "--cluster",
    default=None,
    help="Run the restarts on Dask instead: tcp://HOST:PORT (a running scheduler) or local:N "
    "(N local workers); the same result as --jobs (pip install 'btfsynth[cluster]').",
)
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
    cluster,
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

    DATA is a .pla or .dat file, or a task spec such as mult:2 or ca:30:16:1. For a task spec
    the paper's settings are the defaults: its network, and its σ, β, γ, gap and iterations
    for every one of those options not given (the defaults shown are for other DATA). Progress
    of every run goes to stderr (redrawn on a terminal, a line every few seconds otherwise).
    Ctrl-C or SIGTERM stops every run and writes the best weights so far.
    """
    if sum(x is not None for x in (hidden, widths, net_file)) > 1:
        raise BtfsynthError("give at most one of --hidden, --widths and --net")
    check_output(output, tuple(x for x in (data, net_file) if x))
    network = read_network(net_file) if net_file else None
    full = _int_list(widths, "-", "--widths") if widths else None
    code_width = network.n_inputs if network else (full[0] if full else 0)
    items, task = read_items(data, code_width, **given(task_options, data))
    if hidden is not None:
        full = [items.n_inputs, *_int_list(hidden, ",", "--hidden"), items.n_outputs]
    chosen = {"sigma": sigma, "beta": beta, "gamma": gamma, "gap_stop": gap_stop,
              "max_iter": max_iter}  # fmt: skip
    paper_widths, rrr, line = settings(task, full is not None or network is not None, chosen)
    full = full if paper_widths is None else paper_widths
    test = None
    if n_train is not None:
        if not 0 < n_train <= items.n_items:
            raise BtfsynthError(f"--train {n_train}: DATA has {items.n_items} items")
        items, test = items.take(slice(0, n_train)), items.take(slice(n_train, None))
    if line is not None:
        click.echo(line)
    display = None if quiet else ProgressDisplay.on(sys.stderr)
    cold = jit.is_cold()
    if cold:
        click.echo(jit.notice(), err=True)
    try:
        result = learn_network(
            items,
            full,
            network=network,
            **rrr,
            restarts=restarts,
            jobs=jobs,
            seed=seed,
            test=test,
            progress=display,
            cluster=cluster,
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


def settings(
    task: Task | None, network_given: bool, chosen: dict[str, float | int | None]
) -> tuple[list[int] | None, dict[str, float | int], str | None]:
    """The network and RRR parameters of a run: the widths to use (None when the user gave
    the network), every RRR parameter (the user's ``chosen`` value, else the task's paper
    value, else the generic one), and the line saying which paper settings were used (None:
    none were). Without a network, a task spec must have paper widths."""
    paper = None if task is None else task.paper
    skip = [name for name in RRR_OPTIONS if chosen[name] is not None]
    widths = None
    if network_given:
        skip.append("widths")
    elif task is None:
        raise BtfsynthError("give the network with --hidden, --widths or --net")
    elif paper is None:
        raise BtfsynthError(
            f"the paper gives no network for {task.spec}; give one with --hidden, --widths or "
            "--net, or let btfsynth synth search for one"
        )
    else:
        widths = list(paper.widths)
    defaults = asdict(GENERIC) if paper is None else paper.rrr()
    rrr = {name: defaults[name] if chosen[name] is None else chosen[name] for name in RRR_OPTIONS}
    used = paper is not None and len(skip) <= len(RRR_OPTIONS)
    line = f"paper settings for {task.spec}: {paper.describe(skip)}" if used else None
    return widths, rrr, line


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
