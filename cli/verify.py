"""``btfsynth verify``, ``equiv`` and ``eval``: check circuits with the bit-packed evaluator.

A circuit is any netlist file the readers know (by extension) or a learned model (a JSON
threshold network, evaluated exactly as threshold gates). Exit status: 0 when the check
passes, 1 on a mismatch (counterexamples are printed), 2 on bad input, 3 when ``equiv`` ran
out of time.
"""

from __future__ import annotations

import math
import sys

import click
import numpy as np

from btfsynth.cli.options import given, task_options
from btfsynth.cli.progress import Bar
from btfsynth.errors import BtfsynthError, FormatError
from btfsynth.exporters.sources import read_circuit, read_table_or_task
from btfsynth.files import read_text
from btfsynth.sim import as_program, equivalent, evaluate_rows
from btfsynth.sim import verify as verify_table

EXIT_CODES = {"equivalent": 0, "different": 1, "unknown": 3}


def _match_option(by_position: bool) -> bool | None:
    return True if by_position else None


@click.command("verify")
@click.argument("netlist", type=click.Path(dir_okay=False))
@click.argument("table")
@task_options()
@click.option("--by-position", is_flag=True, help="Match inputs and outputs by position.")
@click.option("-k", "--counterexamples", type=click.IntRange(min=0), default=10, show_default=True,
              help="How many counterexamples to print.")  # fmt: skip
def verify(
    netlist: str, table: str, by_position: bool, counterexamples: int, task_options: dict
) -> None:
    """Check NETLIST on every row of TABLE (a .pla/.dat file or a task spec such as mult:3).

    Inputs and outputs are matched by name when both sides use the same names, else by
    position with a warning. Don't-care outputs are skipped. Exit 0 when all rows agree, 1
    otherwise.
    """
    circuit = read_circuit(netlist)
    rows = read_table_or_task(table, **given(task_options, table))
    bar = Bar.on(sys.stderr)
    try:
        report = verify_table(circuit, rows, _match_option(by_position), counterexamples, bar)
    except BtfsynthError as exc:  # the two files do not match: say which files
        raise BtfsynthError(f"{netlist} against {table}: {exc}") from None
    finally:
        bar.close()
    for note in report.notes:
        click.echo(f"warning: {note}", err=True)
    click.echo(report.summary())
    sys.exit(0 if report.ok else 1)


@click.command()
@click.argument("a", type=click.Path(dir_okay=False))
@click.argument("b", type=click.Path(dir_okay=False))
@click.option("--by-position", is_flag=True, help="Match inputs and outputs by position.")
@click.option("--time-limit", type=float, default=None, help="Seconds before giving up (unknown).")
@click.option("--patterns", type=click.IntRange(min=0), default=10**6, show_default=True,
              help="Random patterns simulated before SAT (when rows are too many to "
                   "enumerate).")  # fmt: skip
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="Random seed.")  # fmt: skip
def equiv(a: str, b: str, by_position: bool, time_limit: float | None, patterns: int,
          seed: int) -> None:  # fmt: skip
    """Prove A and B equivalent or find an input where they differ.

    When the rows are few enough (up to 32 inputs, about a second of simulation) every input
    pattern is evaluated; otherwise random simulation, then SAT sweeping, which proves the
    internal equivalences first (an optimiser's input and output, two writers of one design).
    Exit 0 equivalent, 1 different, 3 unknown (time limit).
    """
    if time_limit is not None and not (0 < time_limit < math.inf):
        raise BtfsynthError(f"--time-limit must be a positive number of seconds, not {time_limit}")
    bar = Bar.on(sys.stderr)
    try:
        result = equivalent(
            read_circuit(a), read_circuit(b), by_position, time_limit, patterns, seed, bar
        )
    finally:
        bar.close()
    click.echo(result.summary())
    sys.exit(EXIT_CODES[result.status])


def _parse_rows(lines: list[tuple[str, int, str, bool]], n: int) -> np.ndarray:
    """0/1 rows from (source, line, text, skip_blank) tuples; '#' starts a comment. Blank
    lines of a rows file are skipped; an --input value is always a row (empty for 0 inputs)."""
    rows = []
    for source, line, text, skip_blank in lines:
        bits = "".join(text.split("#", 1)[0].split())
        if not bits and skip_blank:
            continue
        if len(bits) != n or set(bits) - set("01"):
            raise FormatError(f"expected {n} bits of 0/1, got {bits!r}", source, line)
        rows.append([int(c) for c in bits])
    return np.array(rows, dtype=np.uint8).reshape(len(rows), n)


@click.command("eval")
@click.argument("netlist", type=click.Path(dir_okay=False))
@click.option("--input", "inputs", multiple=True, help="An input row of 0/1 bits (repeatable).")
@click.option("--rows", "rows_file", type=click.Path(dir_okay=False),
              help="A file with one input row per line ('-' reads stdin).")  # fmt: skip
def eval_(netlist: str, inputs: tuple[str, ...], rows_file: str | None) -> None:
    """Evaluate NETLIST on input rows; print each row's input and output bits.

    Bits are in the circuit's input order (first input first), e.g. --input 0110. A circuit
    without inputs is evaluated once when no rows are given.
    """
    circuit = read_circuit(netlist)
    program = as_program(circuit)
    lines = [("--input", k + 1, text, False) for k, text in enumerate(inputs)]
    if rows_file is not None:
        text = sys.stdin.read() if rows_file == "-" else read_text(rows_file)
        lines += [(rows_file, k + 1, t, True) for k, t in enumerate(text.splitlines())]
    if not inputs and rows_file is None:
        if program.n_inputs:
            raise BtfsynthError("give input rows with --input BITS or --rows FILE")
        lines = [("--input", 1, "", False)]  # a constant circuit has one row, the empty one
    rows = _parse_rows(lines, program.n_inputs)
    if len(rows) == 0:
        raise BtfsynthError(f"{rows_file}: no input rows (one row of 0/1 bits per line)")
    outputs = evaluate_rows(program, rows)
    click.echo(" ".join(["#", *program.input_names, "->", *program.output_names]))
    for row, out in zip(rows, outputs):
        bits = "".join(map(str, row.tolist())) + " " + "".join(map(str, out.tolist()))
        click.echo(bits.strip())
