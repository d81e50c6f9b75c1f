"""Learning curves of a learner result: gap, min gap, train and test accuracy per restart.

One panel per quantity against the iteration on a log axis (RRR's checkpoints are spaced
geometrically, method.md §5), one line per restart: the reported run in colour, the others
thin and grey. Drawn with matplotlib (the optional extra ``btfsynth[plot]``); each line carries
the SVG id ``run<seed>-<quantity>``, so a page or a test can find it.

>>> from btfsynth.exporters.model import read_result
>>> plot_curves(read_result("result.json"), "curve.svg")  # doctest: +SKIP
"""

from __future__ import annotations

import io
import os
from typing import TYPE_CHECKING

from .errors import BtfsynthError
from .files import write_bytes

if TYPE_CHECKING:
    from .rrr import LearnResult

FORMATS = ("svg", "png", "pdf")
PANELS = (
    ("gap", "gap ‖x_A − x_B‖", True),
    ("min_gap", "min gap so far", True),
    ("train_accuracy", "train accuracy", False),
    ("test_accuracy", "test accuracy", False),
)
"""(column, axis label, log scale) of each panel."""
INSTALL = "plotting needs matplotlib: pip install 'btfsynth[plot]'"


def runs_of(result: LearnResult) -> list[tuple[int, dict[str, list]]]:
    """(seed, curves) of every run whose history the result kept, in seed order; a result
    written before runs kept theirs has the reported run's history only."""
    runs = [(int(r["seed"]), r["history"]) for r in result.runs if r.get("history")]
    if runs:
        return sorted(runs, key=lambda pair: pair[0])
    if not result.history:
        raise BtfsynthError("the result holds no learning history to plot")
    columns = {name: [row.get(name) for row in result.history] for name, _, _ in PANELS}
    columns["iteration"] = [row["iteration"] for row in result.history]
    return [(result.seed, columns)]


def plot_curves(result: LearnResult, path: str | os.PathLike) -> None:
    """Draw the learning curves of ``result`` to ``path`` (.svg, .png or .pdf), atomically."""
    fmt = os.path.splitext(os.fspath(path))[1].lower().lstrip(".")
    if fmt not in FORMATS:
        raise BtfsynthError(f"{path}: plots are written as {', '.join(FORMATS)}, not {fmt!r}")
    write_bytes(path, curves_image(result, fmt))


def curves_image(result: LearnResult, fmt: str = "svg") -> bytes:
    """The learning curves of ``result`` as an image file's bytes (``fmt`` of :data:`FORMATS`)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import pyplot as plt
    except ImportError as exc:
        raise BtfsynthError(INSTALL) from exc
    runs = runs_of(result)
    panels = [p for p in PANELS if any(_points(c, p[0])[0] for _, c in runs)]
    fig, axes = plt.subplots(len(panels), 1, figsize=(7, 2.2 * len(panels)), sharex=True)
    axes = [axes] if len(panels) == 1 else list(axes)
    for ax, (column, label, log) in zip(axes, panels):
        for seed, curves in runs:
            xs, ys = _points(curves, column)
            chosen = seed == result.seed
            (line,) = ax.plot(
                xs,
                ys,
                color="C0" if chosen else "0.6",
                linewidth=1.8 if chosen else 0.7,
                zorder=3 if chosen else 2,
                label=f"seed {seed} (reported)" if chosen else None,
            )
            line.set_gid(f"run{seed}-{column}")
        ax.set_xscale("log")
        if log:
            ax.set_yscale("log")
        ax.set_ylabel(label)
        ax.grid(True, which="major", alpha=0.3)
    axes[-1].set_xlabel("iteration")
    axes[0].legend(loc="best", fontsize="small")
    outcome = "solved" if result.solved else "not solved"
    axes[0].set_title(
        f"{len(runs)} restart{'s' * (len(runs) != 1)}; reported seed {result.seed}, "
        f"{outcome} at {result.iterations} iterations",
        fontsize="medium",
    )
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    plt.close(fig)
    return buffer.getvalue()


def _points(curves: dict[str, list], column: str) -> tuple[list, list]:
    """The (iteration, value) pairs of ``column`` that are known (and positive on log axes)."""
    pairs = [
        (x, y)
        for x, y in zip(curves.get("iteration", []), curves.get(column, []))
        if x and y is not None and (y > 0 or "accuracy" in column)
    ]
    return [x for x, _ in pairs], [y for _, y in pairs]
