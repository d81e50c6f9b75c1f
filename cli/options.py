"""Options shared by the commands that take a truth table or a task spec.

A task spec (``ca:30:16:1``, ``planted-andor:32-32-32``) has options of its own: how many rows
to draw, the task's seed and the planted gate probability. Every command that takes a spec
takes them under the same names; the task's seed is ``--task-seed``, so that it never clashes
with the seed of ``learn`` or ``compile``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import click

from btfsynth.errors import BtfsynthError
from btfsynth.exporters import is_table_file, read_table
from btfsynth.truthtable import TruthTable


def task_options(*seed_names: str) -> Callable:
    """Add ``--items``, ``--task-seed`` (also spelt ``seed_names``) and ``--p`` to a command,
    which receives them as one ``task_options`` dict (see :func:`read_source`)."""

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


def given(task_options: dict) -> dict:
    """The task options the user gave (seed 0 when not), as ``tasks.from_spec`` takes them."""
    return {"seed": 0, **{key: v for key, v in task_options.items() if v is not None}}


def refuse_on_file(source: str, task_options: dict) -> None:
    """Task options given with a file instead of a task spec are an error."""
    named = [key for key, value in task_options.items() if value is not None]
    if named and is_table_file(source):
        names = ", ".join(f"--{'task-seed' if k == 'seed' else k}" for k in named)
        raise BtfsynthError(f"{source}: task options ({names}) apply to task specs, not to files")


def read_source(source: str, task_options: dict) -> TruthTable:
    """The truth table of a file or task spec; task options on a file are an error."""
    refuse_on_file(source, task_options)
    return read_table(source, **given(task_options))
