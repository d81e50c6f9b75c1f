"""A sweep's results grouped by settings: success rate with its interval, median iterations.

The success rate's 95 % interval is Wilson's score interval (E. B. Wilson, "Probable
inference, the law of succession, and statistical inference", JASA 1927), which stays inside
[0, 1] and is sensible for the few tens of runs a setting usually gets.
"""

from __future__ import annotations

import math
import statistics

from .spec import Job

Z95 = 1.959964


def wilson(successes: int, runs: int, z: float = Z95) -> tuple[float, float]:
    """The 95 % score interval of a success rate of ``successes`` in ``runs``.

    >>> [round(x, 3) for x in wilson(36, 100)]
    [0.273, 0.457]
    """
    if runs == 0:
        return 0.0, 1.0
    p = successes / runs
    centre = (p + z * z / (2 * runs)) / (1 + z * z / runs)
    half = z * math.sqrt(p * (1 - p) / runs + z * z / (4 * runs * runs)) / (1 + z * z / runs)
    return max(0.0, centre - half), min(1.0, centre + half)


def summary_lines(runs: list[dict]) -> list[str]:
    """A table, one row per setting (the runs' settings without the seed), in first-seen
    order: the settings that vary, runs, solved with the interval, median iterations of the
    solved runs, median AND2 count of their circuits, median seconds."""
    names = [k for k in Job.__dataclass_fields__ if k != "seed"]
    groups: dict[tuple, list[dict]] = {}
    for run in runs:
        groups.setdefault(tuple(run.get(k) for k in names), []).append(run)
    varying = [i for i, _ in enumerate(names) if len({key[i] for key in groups}) > 1] or [0]
    head = [names[i] for i in varying] + ["runs", "solved", "95% interval", "median it",
                                          "median AND2", "median s"]  # fmt: skip
    rows = [head]
    for key, members in groups.items():
        solved = [r for r in members if r.get("solved")]
        low, high = wilson(len(solved), len(members))
        ands = [r["and2"] for r in solved if r.get("and2") is not None]
        rows.append(
            [_text(key[i]) for i in varying]
            + [
                str(len(members)),
                f"{len(solved)} ({100 * len(solved) / len(members):.0f}%)",
                f"{100 * low:.0f}-{100 * high:.0f}%",
                _median([r["iterations"] for r in solved]),
                _median(ands),
                _median([r["seconds"] for r in members], ".2f"),
            ]
        )
    widths = [max(len(row[c]) for row in rows) for c in range(len(head))]
    return ["  ".join(cell.rjust(w) for cell, w in zip(row, widths)) for row in rows]


def _text(value) -> str:
    return "-" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def _median(values: list, spec: str = ".0f") -> str:
    return "-" if not values else format(statistics.median(values), spec)
