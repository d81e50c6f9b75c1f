"""Options shared by several commands: task-spec options, budgets, the netlist output check.

A task spec (``ca:30:16:1``, ``planted-andor:32-32-32``) has options of its own: how many rows
to draw, the task's seed and the planted gate probability. Every command that takes a spec
takes them under the same names; the task's seed is ``--task-seed``, so that it never clashes
with the seed of ``learn`` or ``compile``.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable

import click

from btfsynth.budget import Budget, parse_budget
from btfsynth.errors import BtfsynthError
from btfsynth.exporters import NETLIST_FORMATS, is_table_file
from btfsynth.files import check_output

DC_UNSEEN_HELP = (
    "Treat the rows the table lacks as don't-cares too (a sampled table); by default the "
    "circuit keeps the learned values there."
)
BUDGET_HELP = "Time the optimiser may take, such as 60s or 2m (a started round finishes)."
COMPARE_HELP = (
    "Also build the circuit from the bare truth table (--table, or the circuit's own complete "
    "table) with espresso + the optimiser and with ABC resyn2, and print the AND2 counts."
)
MAX_ANDS_HELP = "Write nothing and exit 1 when the result has more AND2 gates than this."


def task_options(*seed_names: str) -> Callable:
    """Add ``--items``, ``--task-seed`` (also spelt ``seed_names``) and ``--p`` to a command,
    which receives them as one ``task_options`` dict (see :func:`given`)."""

    def decorate(command: Callable) -> Callable:
        @functools.wraps(command)
        def wrapper(*args, items, task_seed, p, **kwargs):
            given = {"items": items, "seed": task_seed, "p": p}
            return command(*args, task_options=given, **kwargs)

        options = [
            click.option("--items", type=click.IntRange(min=1), default=None,
                         help="Rows a sampled task draws (default 10000)."),
            click.option("--task-seed", *seed_names, "task_seed", type=click.IntRange(min=0),
                         default=None, help="Seed of a random task (default 0)."),
            click.option("--p", "p", type=float, default=None,
                         help="Gate probability of a planted task (default 0.5)."),
        ]  # fmt: skip
        for option in reversed(options):
            wrapper = option(wrapper)
        return wrapper

    return decorate


def given(task_options: dict, source: str | None = None) -> dict:
    """The task options the user gave (seed 0 when not), as ``tasks.from_spec`` takes them;
    an error when they come with a truth table file ``source`` instead of a task spec."""
    named = [key for key, value in task_options.items() if value is not None]
    if named and source is not None and is_table_file(source):
        names = ", ".join(f"--{'task-seed' if k == 'seed' else k}" for k in named)
        raise BtfsynthError(f"{source}: task options ({names}) apply to task specs, not to files")
    return {"seed": 0, **{key: task_options[key] for key in named}}


class BudgetType(click.ParamType):
    """``--budget``: wall time (``60s``, ``2m``) or, where ``work`` allows, iterations."""

    name = "budget"

    def __init__(self, work: bool = False):
        self.work = work

    def convert(self, value, param, ctx) -> Budget:
        if isinstance(value, Budget):
            return value
        try:
            budget = parse_budget(str(value))
        except BtfsynthError as error:
            self.fail(str(error), param, ctx)
        if budget.iterations is not None and not self.work:
            self.fail(f"{value!r}: this command takes a time budget, such as 60s", param, ctx)
        return budget


def check_netlist_output(path: str, inputs: tuple[str, ...]) -> None:
    """Refuse an unknown netlist extension or an unwritable path before any work is done."""
    ext = os.path.splitext(path)[1].lower()
    if ext not in NETLIST_FORMATS:
        known = ", ".join(sorted(NETLIST_FORMATS))
        raise BtfsynthError(
            f"{path}: unknown netlist format {ext or '(no extension)'!r}; known: {known}"
        )
    check_output(path, inputs)


def too_big(count: int, max_ands: int | None) -> None:
    """Exit 1, saying so, when ``count`` AND2 gates exceed ``--max-ands`` (nothing written)."""
    if max_ands is not None and count > max_ands:
        click.echo(f"{count} AND2 is more than --max-ands {max_ands}: nothing written", err=True)
        raise SystemExit(1)
