"""What the paper's example scripts share.

Each script under ``examples/`` runs one experiment of docs/method.md §6–8 with the paper's
settings as its defaults and returns :class:`Row` records, one per figure, which it prints and
which ``examples/run_all.py`` gathers into ``docs/results.md``. This module holds the parts
they have in common: where the reference data lives, the options every script takes, the one
learner call (progress on stderr, a time budget, the result saved for ``btfsynth plot`` and
``btfsynth report``) and the wording of the figures.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import click
from click.core import ParameterSource

from btfsynth import learn
from btfsynth.cli.progress import ProgressDisplay
from btfsynth.dataset import Dataset
from btfsynth.errors import BtfsynthError
from btfsynth.exporters.model import write_result
from btfsynth.rrr.learn import LearnResult, as_dataset
from btfsynth.tasks.paper import PaperSettings
from btfsynth.truthtable import TruthTable

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("BTFSYNTH_SHARED", ROOT.parent / "shared"))
"""The folder beside the clone with the reference implementation's data files."""


@dataclass
class Row:
    """One figure of docs/results.md: ours beside the published one, and how it was made.

    ``cut`` names the budget that ended a run before the method's own stop (then the figure is
    the best weights so far); ``command`` is filled in by whoever ran the script."""

    experiment: str
    ours: str
    published: str
    seeds: str
    iterations: str
    seconds: float
    baseline: str = "—"
    cut: str = ""
    command: str = ""

    @property
    def figure(self) -> str:
        """Our figure, saying what cut it short."""
        return self.ours + (f" (cut by {self.cut})" if self.cut else "")

    def line(self) -> str:
        """The row as one printed line."""
        return (
            f"{self.experiment}: {self.figure}; published {self.published}; seeds "
            f"{self.seeds}; iterations {self.iterations}; {self.seconds:.0f} s"
        )


def reference_file(relative: str) -> Path:
    """A data file of the reference implementation (``$BTFSYNTH_SHARED/benchmarks/boolearn``).

    >>> reference_file("mnist/mnistjr.dat").name
    'mnistjr.dat'
    """
    return SHARED / "benchmarks" / "boolearn" / relative


class MissingData(click.UsageError):
    """A reference data file is not on this machine (run_all lists the experiment as not run)."""


def existing(path: Path) -> Path:
    """``path``, or :class:`MissingData` saying where the reference data is looked for."""
    if not path.exists():
        raise MissingData(
            f"{path} not found (set BTFSYNTH_SHARED to the folder holding benchmarks/boolearn)"
        )
    return path


def width_list(text: str) -> list[int]:
    """``32-32-32`` → [32, 32, 32]."""
    try:
        return [int(w) for w in text.split("-")]
    except ValueError:
        raise click.BadParameter(f"{text!r}: expected widths such as 16-32-32-16") from None


def count_list(text: str) -> list[int]:
    """``64,128`` → [64, 128]."""
    try:
        return [int(n) for n in text.split(",")]
    except ValueError:
        raise click.BadParameter(f"{text!r}: expected counts such as 64,128,256") from None


def rrr_options(paper: PaperSettings, restarts: bool = False) -> Callable:
    """The RRR parameters as options whose defaults are ``paper``'s, plus the options of how
    the runs are made (seed, budget, where results go, and the worker processes of a script
    that makes ``restarts``)."""
    options = [
        click.option("--sigma", default=paper.sigma, show_default=True,
                     help="Support parameter σ of the threshold nodes (method.md §1)."),
        click.option("--beta", default=paper.beta, show_default=True,
                     help="RRR step β (method.md §5: keep it small)."),
        click.option("--gamma", default=paper.gamma, show_default=True,
                     help="Metric rate γ (γ × max-iter ≈ 1..10)."),
        click.option("--max-iter", default=paper.max_iter, show_default=True,
                     help="Iterations per run before it counts as failed."),
        click.option("--gap-stop", default=paper.gap_stop, show_default=True,
                     help="A run is solved when its minimum gap falls below this."),
        click.option("--seed", default=0, show_default=True,
                     help="Seed of the first run (runs take seed, seed+1, ...)."),
        click.option("--budget", type=float, default=None,
                     help="Wall seconds per learner call; a run it ends keeps its best "
                          "weights and the row says it was cut.  [default: none]"),
        click.option("--save", type=click.Path(file_okay=False, path_type=Path),
                     default=None, help="Folder for each learner result (.json), for "
                                        "`btfsynth plot` and `btfsynth report`.  [default: "
                                        "not saved]"),
        click.option("-q", "--quiet", is_flag=True, help="No progress display on stderr."),
    ]  # fmt: skip
    if restarts:
        options.insert(6, click.option(
            "--jobs", default=2, show_default=True,
            help="Restarts run in parallel (worker processes); the figures do not depend on "
                 "it unless --budget cuts the runs."))  # fmt: skip

    def decorate(command: Callable) -> Callable:
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def paper_defaults(options: dict, paper: PaperSettings) -> dict:
    """``options`` with ``paper``'s RRR settings for every one the user did not give (for a
    script whose choice of experiment changes the paper's settings)."""
    context = click.get_current_context()
    for name, value in paper.rrr().items():
        if context.get_parameter_source(name) is ParameterSource.DEFAULT:
            options[name] = value
    return options


@dataclass(frozen=True)
class Runs:
    """How an experiment's learner calls are made (the options of :func:`rrr_options`)."""

    sigma: float
    beta: float
    gamma: float
    max_iter: int
    gap_stop: float
    seed: int
    budget: float | None
    save: Path | None
    quiet: bool
    jobs: int = 1

    @classmethod
    def of(cls, options: dict) -> Runs:
        """Take this class's fields out of a command's keyword arguments."""
        names = [name for name in cls.__dataclass_fields__ if name in options]
        return cls(**{name: options.pop(name) for name in names})

    def learn(
        self,
        name: str,
        train: TruthTable | Dataset,
        widths: Sequence[int],
        *,
        test: TruthTable | Dataset | None = None,
        restarts: int = 1,
        all_restarts: bool = False,
    ) -> LearnResult:
        """One learner call with these settings, saved as ``name``.json under ``save``."""
        display = None if self.quiet else ProgressDisplay.on(sys.stderr)
        try:
            result = learn(
                train,
                list(widths),
                sigma=self.sigma,
                beta=self.beta,
                gamma=self.gamma,
                max_iter=self.max_iter,
                gap_stop=self.gap_stop,
                restarts=restarts,
                jobs=min(self.jobs, restarts),
                seed=self.seed,
                test=test,
                progress=display,
                stop_at_first=not all_restarts,
                seconds=self.budget,
            )
        finally:
            if display is not None:
                display.close()
        if self.save is not None:
            self.save.mkdir(parents=True, exist_ok=True)
            write_result(result, self.save / f"{name}.json")
        return result

    def seeds(self, count: int) -> str:
        """The seeds of ``count`` runs, as a table cell."""
        return str(self.seed) if count == 1 else f"{self.seed}–{self.seed + count - 1}"


def cut(result: LearnResult, runs: Runs) -> str:
    """What ended the search before the method's own stop, or ''."""
    if result.out_of_time:
        return f"the {runs.budget:g} s budget"
    return "Ctrl-C" if result.interrupted else ""


def solve_count(result: LearnResult, runs: Runs) -> tuple[list[int], str]:
    """The iterations of the solved restarts (sorted) and the figure '**k of n** solved
    within X' of a script that runs every restart to its end."""
    solved = sorted(r["iterations"] for r in result.runs if r["solved"])
    figure = f"**{len(solved)} of {len(result.runs)}** solved within {thousands(runs.max_iter)}"
    return solved, figure


def percent(fraction: float | None) -> str:
    """0.98765 → '98.77 %'; None (no test set) → '—'."""
    return "—" if fraction is None else f"{100 * fraction:.2f} %"


def thousands(iterations: float) -> str:
    """12345 → '12.3k', 1234567 → '1.23M'."""
    if iterations >= 1e6:
        return f"{iterations / 1e6:.3g}M"
    return f"{iterations / 1e3:.3g}k" if iterations >= 1e3 else f"{iterations:.0f}"


def generalisation(
    experiment: str,
    name: str,
    data: TruthTable | Dataset,
    n_train: int,
    widths: Sequence[int],
    runs: Runs,
    published: str,
    baseline: str = "—",
) -> Row:
    """Learn the first ``n_train`` items and test on the rest (the paper's protocol for sampled
    tasks): the row gives the test accuracy of the network learned, solved or not."""  # fmt: skip
    items = as_dataset(data)
    train, test = items.take(slice(0, n_train)), items.take(slice(n_train, None))
    result = runs.learn(name, train, widths, test=test)
    state = "solved" if result.solved else f"min gap above {runs.gap_stop:g}"
    ours = (
        f"test **{percent(result.test_accuracy)}** on {test.n_items} items "
        f"(train {percent(result.train_accuracy)}, {state})"
    )
    return Row(
        experiment, ours, published, runs.seeds(1), thousands(result.iterations),
        result.seconds, baseline, cut(result, runs),
    )  # fmt: skip


def run(command: click.Command) -> None:
    """Run a script's command as ``btfsynth`` runs its verbs: bad settings or data (a
    BtfsynthError) give one line on stderr and exit status 2, not a traceback."""
    try:
        command()
    except BtfsynthError as error:
        click.echo(f"error: {' '.join(str(error).split())}", err=True)
        sys.exit(2)


def report(rows: list[Row]) -> list[Row]:
    """Print the rows (the scripts' output) and give them back to a caller such as run_all."""
    for row in rows:
        click.echo(row.line())
    return rows
