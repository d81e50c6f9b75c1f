"""Shared by the example scripts: progress lines and the train/test protocol."""

from __future__ import annotations

import time

from btfsynth import learn
from btfsynth.rrr.solve import Progress
from btfsynth.truthtable import TruthTable


def progress_printer(every: float = 30.0, seconds: float | None = None):
    """A progress callback that prints one line at most every ``every`` seconds and, after
    ``seconds``, stops the run as Ctrl-C would (learn keeps the best weights so far)."""
    start = time.monotonic()
    last = [start]

    def show(p: Progress) -> None:
        now = time.monotonic()
        if now - last[0] >= every:
            last[0] = now
            print(
                f"  seed {p.seed} iter {p.iteration} gap {p.gap:.4f} min {p.min_gap:.4f} "
                f"train {100 * p.train_accuracy:.2f}%",
                flush=True,
            )
        if seconds is not None and now - start > seconds:
            raise KeyboardInterrupt

    return show


def generalisation(
    label: str,
    table: TruthTable,
    n_train: int,
    widths,
    gap_stop: float,
    max_iter: int,
    seed: int,
    seconds: float | None = None,
):
    """Learn the first ``n_train`` rows of ``table`` and print the bitwise accuracy of the
    learned network on the rest (the paper's protocol for sampled tasks)."""
    train, test = table.split(n_train)
    result = learn(
        train,
        widths,
        gamma=1e-3,
        gap_stop=gap_stop,
        max_iter=max_iter,
        seed=seed,
        test=test,
        progress=progress_printer(seconds=seconds),
    )
    stopped = " (stopped early: time budget or Ctrl-C)" if result.interrupted else ""
    print(
        f"{label}, widths {'-'.join(map(str, widths))}, N = {n_train}: solved "
        f"{result.solved} after {result.iterations} iterations ({result.seconds:.0f} s); "
        f"train {100 * result.train_accuracy:.2f} %, test {100 * result.test_accuracy:.2f} % "
        f"bitwise on {test.n_rows} rows{stopped}"
    )
    return result
