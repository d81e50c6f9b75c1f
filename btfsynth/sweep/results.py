"""A sweep's results file: one JSON line per finished run, appended as runs finish.

A rerun with the same file skips the runs already recorded (:func:`recorded`). A line is
written with one ``write`` and flushed, so a sweep killed mid-write leaves at most a partial
last line, which a rerun ignores and overwrites.
"""

from __future__ import annotations

import json
import os

from ..errors import FormatError
from .spec import Job


def read_lines(path: str | os.PathLike) -> list[dict]:
    """The runs recorded in ``path`` (none if it does not exist); a partial last line is
    left out, any other bad line is an error."""
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    lines = text.split("\n")
    runs = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            run = json.loads(line)
            if not isinstance(run, dict):
                raise ValueError("not an object")
        except ValueError:
            if number == len(lines):  # a last line cut short by a kill
                break
            raise FormatError("not a sweep result line", path, number) from None
        runs.append(run)
    return runs


def recorded(path: str | os.PathLike) -> set[tuple]:
    """The keys (:meth:`Job.key`) of the runs recorded in ``path``."""
    return {Job.key_of(run) for run in read_lines(path)}


class Appender:
    """Appends lines to a results file, first cutting a partial last line a kill left."""

    def __init__(self, path: str | os.PathLike):
        self.path = path
        if os.path.exists(path):
            with open(path, "rb+") as handle:
                data = handle.read()
                end = data.rfind(b"\n") + 1
                handle.truncate(end)

    def __call__(self, line: dict) -> None:
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(line, sort_keys=True) + "\n")
            handle.flush()
