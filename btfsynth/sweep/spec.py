"""A sweep's specification: a TOML file naming the runs, as a grid or as a list.

Every key takes one value or a list; a grid is every combination of the lists, seeds
included::

    data = "mult:2"              # task spec or truth-table file (a list sweeps over data)
    widths = "4-4-4-4"
    sigma = [3, 5]
    beta = [0.1, 0.2, 0.3]
    gamma = 1e-3
    max_iter = 10000
    seeds = 50                   # seeds 0..49; or a list [0, 7, 9]; or {start = 100, count = 50}

A list of grids is written as ``[[runs]]`` tables, each a grid of its own over the top-level
keys it does not set. Keys: data, items, train (the first N rows train, the rest test, the
paper's protocol), widths, sigma, beta, gamma, max_iter, gap_stop, seeds.
"""

from __future__ import annotations

import itertools
import os
import re
from dataclasses import asdict, dataclass

from ..errors import BtfsynthError, FormatError
from ..files import read_text

KEYS = ("data", "items", "train", "widths", "sigma", "beta", "gamma", "max_iter", "gap_stop")
DEFAULTS = {"items": None, "train": None, "sigma": 3.0, "beta": 0.2, "gamma": 1e-3,
            "max_iter": 10_000, "gap_stop": 0.01}  # fmt: skip
MAX_RUNS = 1_000_000
"""A spec naming more runs is refused before any is listed."""


@dataclass(frozen=True)
class Job:
    """One run of a sweep: the data, the network and RRR settings, and the seed."""

    data: str
    widths: str
    sigma: float
    beta: float
    gamma: float
    max_iter: int
    gap_stop: float
    seed: int
    items: int | None = None
    train: int | None = None

    def params(self) -> dict:
        """The settings without the seed: what the summary groups by."""
        return {k: v for k, v in asdict(self).items() if k != "seed"}

    def key(self) -> tuple:
        """What makes two runs the same run (a rerun skips it)."""
        return Job.key_of(asdict(self))

    @staticmethod
    def key_of(fields: dict) -> tuple:
        """The key of the run whose fields (and maybe more, such as a result line's) these are."""
        return tuple(sorted((k, v) for k, v in fields.items() if k in Job.__dataclass_fields__))


def read_spec(path: str | os.PathLike) -> list[Job]:
    """The runs ``path`` names, in file order (grids expanded, seeds last)."""
    try:
        import tomllib
    except ImportError:  # Python 3.10: the same parser as a package
        import tomli as tomllib

    text = read_text(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+)", str(exc))
        raise FormatError(
            str(exc).split(" (at line")[0], path, int(found.group(1)) if found else None
        ) from None
    return jobs_of(data, str(path))


def jobs_of(data: dict, where: str = "spec") -> list[Job]:
    """The runs of a parsed spec (see the module docstring)."""
    groups = data.pop("runs", [{}])
    if not isinstance(groups, list) or not all(isinstance(g, dict) for g in groups):
        raise BtfsynthError(f"{where}: 'runs' must be a list of [[runs]] tables")
    jobs: list[Job] = []
    for group in groups:
        merged = {**data, **group}
        unknown = sorted(set(merged) - set(KEYS) - {"seeds"})
        if unknown:
            known = ", ".join(KEYS)
            raise BtfsynthError(f"{where}: unknown key {unknown[0]!r}; keys: {known}, seeds")
        for name in ("data", "widths"):
            if name not in merged:
                raise BtfsynthError(f"{where}: every run needs {name!r}")
        values = {k: _listed(merged.get(k, DEFAULTS.get(k))) for k in KEYS}
        seeds = _seeds(merged.get("seeds", 1), where)
        count = len(seeds) * _product(len(v) for v in values.values())
        if len(jobs) + count > MAX_RUNS:
            raise BtfsynthError(f"{where}: more than {MAX_RUNS} runs")
        for combo in itertools.product(*values.values()):
            settings = dict(zip(values, combo))
            for seed in seeds:
                jobs.append(_job(settings, seed, where))
    return jobs


def _listed(value) -> list:
    return value if isinstance(value, list) else [value]


def _product(sizes) -> int:
    total = 1
    for size in sizes:
        total *= size
    return total


def _seeds(value, where: str) -> list[int]:
    if isinstance(value, bool):
        raise BtfsynthError(f"{where}: seeds must be a count, a list or {{start, count}}")
    if isinstance(value, int):
        return list(range(value))
    if isinstance(value, list) and all(isinstance(s, int) and not isinstance(s, bool)
                                       for s in value):  # fmt: skip
        return value
    if isinstance(value, dict) and set(value) == {"start", "count"}:
        return list(range(int(value["start"]), int(value["start"]) + int(value["count"])))
    raise BtfsynthError(f"{where}: seeds must be a count, a list or {{start, count}}")


def _job(settings: dict, seed: int, where: str) -> Job:
    try:
        widths = settings["widths"]
        if not isinstance(widths, str) or not re.fullmatch(r"\d+(-\d+)+", widths.strip()):
            raise ValueError(f'widths are written like "4-4-4-4", not {widths!r}')
        return Job(
            data=str(settings["data"]),
            widths=widths.strip(),
            sigma=float(settings["sigma"]),
            beta=float(settings["beta"]),
            gamma=float(settings["gamma"]),
            max_iter=int(settings["max_iter"]),
            gap_stop=float(settings["gap_stop"]),
            seed=seed,
            items=None if settings["items"] is None else int(settings["items"]),
            train=None if settings["train"] is None else int(settings["train"]),
        )
    except (TypeError, ValueError) as exc:
        raise BtfsynthError(f"{where}: {exc}") from None
