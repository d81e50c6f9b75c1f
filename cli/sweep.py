"""``btfsynth sweep``: many learner runs over a grid of settings and seeds, one JSON line each.

``btfsynth sweep SPEC.toml -o results.jsonl`` runs every run of the spec not yet in the file
(``--jobs N`` local worker processes, or ``--cluster tcp://HOST:PORT`` / ``local:N`` on Dask)
and prints the summary; ``btfsynth sweep --summary results.jsonl`` prints the summary alone.
"""

from __future__ import annotations

import time

import click

from btfsynth.errors import BtfsynthError
from btfsynth.exporters.sources import read_items
from btfsynth.sweep import Appender, read_lines, read_spec, recorded, runner_for, summary_lines


@click.command("sweep")
@click.argument("spec", required=False, type=click.Path(dir_okay=False))
@click.option("-o", "--output", default=None, help="Results file (.jsonl): appended to, resumable.")
@click.option("--summary", "summary", default=None, type=click.Path(dir_okay=False),
              help="Print the summary of a results file and run nothing.")  # fmt: skip
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Local worker processes (without --cluster).")  # fmt: skip
@click.option(
    "--cluster",
    default=None,
    help="Run on Dask: tcp://HOST:PORT for a running scheduler, local:N for a local cluster of "
    "N workers (needs pip install 'btfsynth[cluster]').",
)
@click.option("-q", "--quiet", is_flag=True, help="No line per finished run.")
def sweep(spec: str | None, output: str | None, summary: str | None, jobs: int,
          cluster: str | None, quiet: bool) -> None:  # fmt: skip
    """Run the learner over the grid of SPEC.toml (data, widths, sigma, beta, gamma, max_iter,
    gap_stop, items, train, seeds; one value or a list each), one JSON line per run in OUTPUT
    (settings, seed, solved, iterations, seconds, accuracies, AND2 count compiled at effort
    fast). A rerun with the same OUTPUT skips the runs already there. The same seed gives the
    same line on any back end and worker."""
    if summary is not None:
        if spec is not None or output is not None:
            raise BtfsynthError("--summary FILE takes no SPEC and no -o")
        _print_summary(read_lines(summary))
        return
    if spec is None or output is None:
        raise BtfsynthError("give SPEC.toml and -o results.jsonl (or --summary results.jsonl)")
    todo_all = read_spec(spec)
    done = recorded(output)
    todo = [job for job in todo_all if job.key() not in done]
    click.echo(f"{len(todo_all)} runs in {spec}; {len(todo_all) - len(todo)} already in {output}")
    append, start, count = Appender(output), time.monotonic(), [0]

    def finished(job, line: dict) -> None:
        append(line)
        count[0] += 1
        if not quiet:
            state = "solved" if line["solved"] else "not solved"
            click.echo(f"[{count[0]}/{len(todo)}] seed {job.seed} σ {job.sigma:g} β {job.beta:g}: "
                       f"{state} at {line['iterations']} it, {line['seconds']:.1f} s")  # fmt: skip

    try:
        runner_for(cluster, jobs, read_items).run(todo, finished)
    except KeyboardInterrupt:
        click.echo(f"interrupted: {count[0]} runs recorded in {output}; rerun to finish", err=True)
        raise
    seconds = time.monotonic() - start
    click.echo(f"{count[0]} runs in {seconds:.1f} s ({count[0] / max(seconds, 1e-9):.2f} per s)")
    _print_summary(read_lines(output))


def _print_summary(runs: list[dict]) -> None:
    if not runs:
        click.echo("no runs recorded")
        return
    for line in summary_lines(runs):
        click.echo(line)
