"""``btfsynth gen`` and ``btfsynth info``: make and describe truth tables."""

from __future__ import annotations

import os

import click

from btfsynth.cli.options import given, task_options
from btfsynth.dataset import Dataset
from btfsynth.errors import BtfsynthError
from btfsynth.exporters import TABLE_FORMATS, boolearn, is_table_file, write_table
from btfsynth.exporters.sources import read_table_or_task
from btfsynth.files import check_output
from btfsynth.tasks import Task, from_spec


@click.command()
@click.argument("task")
@task_options("--seed")
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False), help="A .pla or .dat file."
)
def gen(task: str, output: str, task_options: dict) -> None:
    """Generate the truth table of TASK and write it as PLA or .dat (by extension).

    \b
    TASK is a spec:
      mult:N  adder:N  parity:N  maj:N  sorter:N    complete tables
      ca:RULE:CELLS:STEPS                           e.g. ca:30:16:1 (--items, --task-seed)
      autoencoder:K                                 2^K random words (--task-seed)
      planted-andor:W0-W1-...  planted-maj:W0-...   planted circuits (--items, --task-seed, --p)
      decoder:WORDS:BITS                            generative, no inputs: .dat only
    """
    if not is_table_file(output):
        ext = os.path.splitext(output)[1] or "(no extension)"
        known = ", ".join(sorted(TABLE_FORMATS))
        raise BtfsynthError(f"{output}: unknown truth table format {ext!r}; known: {known}")
    check_output(output)
    generated = from_spec(task, **given(task_options))
    try:
        summary = _write(generated, output)
    except OSError as exc:
        raise BtfsynthError(f"{output}: {exc.strerror or exc}") from None
    click.echo(f"wrote {output}: {generated.spec}, {summary}")


def _write(task: Task, output: str) -> str:
    """Write the task's data to ``output``; return what was written, in words.

    Generative tasks (no inputs) have no truth table; the reference ``.dat`` format holds them.
    """
    data = task.data
    if isinstance(data, Dataset):
        if not output.lower().endswith(".dat"):
            raise BtfsynthError(f"task {task.spec!r} is generative (no inputs): write it as .dat")
        boolearn.write_dataset(data, output)
        return (
            f"{data.n_items} items of {data.n_outputs} bits, no inputs "
            f"({data.input_kind} codes of {data.n_inputs} bits)"
        )
    table = task.table
    write_table(table, output)
    kind = "complete" if table.is_complete else "partial"
    return f"{table.n_inputs} inputs, {table.n_outputs} outputs, {table.n_rows} rows ({kind})"


@click.command()
@click.argument("source")
@task_options()
def info(source: str, task_options: dict) -> None:
    """Describe a truth table: a .pla or .dat file, or a task spec such as mult:2."""
    click.echo(read_table_or_task(source, **given(task_options, source)).summary())
