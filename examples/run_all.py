"""Run every experiment of the paper (docs/method.md §6–8) and write ``docs/results.md``.

Each experiment is one invocation of an example script; its command line is written beside its
figures, so any row can be rerun alone. Finished rows are kept in a JSON file beside the page
(``docs/results.json``), so ``--only`` reruns a few experiments and an interrupted run resumes
where it stopped. ``--quick`` runs a small subset with short budgets (a few minutes: what CI
runs) and writes its own page. The full set, with the budgets below, takes about 110
minutes on two cores. Example: ``python examples/run_all.py --only rule``.
"""

from __future__ import annotations

import json
import os
import platform
import shlex
import sys
import time
from dataclasses import asdict
from datetime import date
from pathlib import Path

import autoencoder
import cellular_automaton
import click
import decoder
import mnist_jr
import multiplier
import planted
from common import ROOT, MissingData, Row

from btfsynth.errors import BtfsynthError
from btfsynth.files import write_text
from btfsynth.rrr.kernels import FLOAT

SCRIPTS = {
    "multiplier.py": multiplier.main,
    "autoencoder.py": autoencoder.main,
    "planted.py": planted.main,
    "cellular_automaton.py": cellular_automaton.main,
    "mnist_jr.py": mnist_jr.main,
    "decoder.py": decoder.main,
}

FULL = [
    ("multiplier.py", "--bits 2"),
    ("multiplier.py", "--bits 3 --budget 900"),
    ("autoencoder.py", "--k 3 --reference-words"),
    ("autoencoder.py", "--k 4 --reference-words"),
    ("autoencoder.py", "--k 5 --reference-words --restarts 6"),
    ("autoencoder.py", "--k 5 --reference-words --restarts 4 --max-iter 1000000 --budget 600"),
    ("planted.py", "--widths 32-32-32-32 --train 64,128,256 --budget 150"),
    ("planted.py", "--budget 150"),
    ("planted.py", "--train 256 --budget 900"),
    ("planted.py", "--family maj --budget 150"),
    ("planted.py", "--family maj --train 256 --budget 900"),
    ("cellular_automaton.py", "--budget 240"),
    ("cellular_automaton.py", "--widths 16-48-16 --budget 240"),
    ("cellular_automaton.py", "--steps 2 --budget 480"),
    ("cellular_automaton.py", "--rule 232 --cells 32 --steps 3 --budget 360"),
    ("mnist_jr.py", "--budget 150"),
    ("mnist_jr.py", "--widths 64-64-10 --budget 150"),
    ("decoder.py", "--kind words"),
    ("decoder.py", "--kind images --budget 480"),
]
"""The experiments and their budgets (wall seconds per learner call)."""

QUICK = [
    ("multiplier.py", "--bits 2 --restarts 20"),
    ("multiplier.py", "--bits 3 --restarts 2 --budget 15"),
    ("autoencoder.py", "--k 3"),
    ("planted.py", "--widths 32-32-32-32 --train 64 --budget 15"),
    ("planted.py", "--family maj --train 64 --budget 15"),
    ("cellular_automaton.py", "--budget 15"),
    ("cellular_automaton.py", "--steps 2 --budget 15"),
    ("cellular_automaton.py", "--rule 232 --cells 32 --steps 3 --budget 15"),
    ("mnist_jr.py", "--train 128 --budget 15"),
    ("decoder.py", "--kind words --restarts 2 --budget 15"),
    ("decoder.py", "--kind images --train 256 --budget 15"),
]
"""A subset with short budgets: every script and every kind of row, in a few minutes."""

COLUMNS = ("experiment", "ours", "published / reference", "gradient baseline", "command",
           "seeds", "iterations", "wall")  # fmt: skip

Plan = list[tuple[str, str]]
Record = dict[str, object]
"""What the JSON file keeps per command: its rows, the date, the machine's core count and the
precision of the learner's arithmetic (rows of before single precision have none: float64)."""
PRECISION = FLOAT.__name__


def command_of(script: str, args: str) -> str:
    """The command line that reruns an experiment from the repository root."""
    return f"python examples/{script} {args}".strip()


def run(script: str, args: str, quiet: bool) -> list[Row]:
    """One example invocation, in this process; its rows carry the command that made them."""
    argv = shlex.split(args) + (["--quiet"] if quiet else [])
    rows = SCRIPTS[script].main(argv, prog_name=script, standalone_mode=False)
    for row in rows:
        row.command = command_of(script, args)
    return rows


def older_kernels(done: dict[str, Record], plan: Plan) -> list[str]:
    """A paragraph naming the commands whose rows another precision of the learner made."""
    older = [command_of(*step) for step in plan if command_of(*step) in done]
    precision = {c: done[c].get("precision", "float64") for c in older}
    older = [c for c in older if precision[c] != PRECISION]
    if not older:
        return []
    listed = ", ".join(f"`{command}` ({precision[command]})" for command in older)
    return [
        "",
        f"The learner now runs in {PRECISION} (BENCHMARKS.md); the rows of {len(older)} "
        f"commands come from its earlier kernels: {listed}. Rerun them with `--only` to "
        "refresh.",
    ]


def markdown(done: dict[str, Record], plan: Plan, skipped: dict[str, str], quick: bool) -> str:
    """The results page: one table row per figure, in the order of ``plan``."""
    records = [done[command_of(*step)] for step in plan if command_of(*step) in done]
    rows = [Row(**row) for record in records for row in record["rows"]]
    dates = sorted({record["date"] for record in records}) or [date.today().isoformat()]
    cores = sorted({record["cores"] for record in records}) or [os.cpu_count()]
    when = dates[0] if len(dates) == 1 else f"{dates[0]} to {dates[-1]}"
    cpu = platform.processor() or platform.machine()
    lines = [
        "# Results: the paper's experiments, rerun" + (" (quick subset)" if quick else ""),
        "",
        f"Written by `python examples/run_all.py{' --quick' if quick else ''}`; rows run "
        f"{when} on {'/'.join(map(str, cores))} cores ({cpu}). Each row is one figure: ours, "
        "then the published one (the paper, or the reference C code's documentation, as "
        "docs/method.md quotes them) and the gradient (AdamW MLP) baseline the paper gives. "
        "The command reruns the row; add `--save DIR` to keep each learner result for "
        "`btfsynth plot` and `btfsynth report`. Where a time budget cut a run, the figure is its "
        "best weights so far and the row says so; the iterations are those of the reported "
        "run. Accuracies are bitwise (per image for MNIST-jr).",
        *older_kernels(done, plan),
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    for row in rows:
        cells = (row.experiment, row.figure, row.published, row.baseline, f"`{row.command}`",
                 row.seeds, row.iterations, f"{row.seconds:.0f} s")  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    if skipped:
        lines += ["", "Not run here:", ""]
        lines += [f"- `{command}`: {reason}" for command, reason in skipped.items()]
    total = sum(row.seconds for row in rows)
    lines += ["", f"Learner wall time of the rows above: {total / 60:.0f} minutes.", ""]
    return "\n".join(lines)


@click.command(help=__doc__)
@click.option("--quick", is_flag=True, help="The short subset (what CI runs).")
@click.option("--only", default=None,
              help="Run only the experiments whose command contains this text, recorded or "
                   "not; keep the rows of the others from the JSON file.")  # fmt: skip
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The page to write.  [default: docs/results.md, or docs/results-quick.md "
                   "with --quick]")  # fmt: skip
@click.option("--fresh", is_flag=True, help="Forget the rows recorded before and run all.")
@click.option("-q", "--quiet", is_flag=True, help="No progress display on stderr.")
def main(quick: bool, only: str | None, output: Path | None, fresh: bool, quiet: bool) -> None:
    plan = QUICK if quick else FULL
    if fresh and only is not None:
        raise click.UsageError("--fresh forgets every recorded row: it cannot go with --only")
    if only is not None and not any(only in command_of(*step) for step in plan):
        raise click.UsageError(f"--only {only!r}: no experiment's command contains it")
    if output is None:
        output = ROOT / "docs" / ("results-quick.md" if quick else "results.md")
    store = output.with_suffix(".json")
    done = {} if fresh or not store.exists() else json.loads(store.read_text())
    skipped: dict[str, str] = {}
    try:
        for script, args in plan:
            command = command_of(script, args)
            if (only is None and command in done) or (only is not None and only not in command):
                continue  # recorded before (resuming), or not selected
            click.echo(f"$ {command}", err=True)
            start = time.monotonic()
            try:
                rows = run(script, args, quiet)
            except MissingData as error:
                skipped[command] = error.format_message()
                done.pop(command, None)
                continue
            except BtfsynthError as error:
                skipped[command] = f"failed: {error}"
                done.pop(command, None)
                continue
            if any(row.cut == "Ctrl-C" for row in rows):
                raise KeyboardInterrupt  # the learner kept its best, but the row is not done
            done[command] = {
                "date": date.today().isoformat(), "cores": os.cpu_count(),
                "precision": PRECISION, "rows": [asdict(row) for row in rows],
            }  # fmt: skip
            write_text(store, json.dumps(done, indent=1, ensure_ascii=False) + "\n")
            click.echo(f"  ({time.monotonic() - start:.0f} s)", err=True)
    except KeyboardInterrupt:
        write_text(output, markdown(done, plan, skipped, quick))
        click.echo(f"interrupted: wrote {output} with the rows finished so far", err=True)
        sys.exit(130)
    write_text(output, markdown(done, plan, skipped, quick))
    click.echo(f"wrote {output}")


if __name__ == "__main__":
    main()
