"""The exceptions btfsynth raises for bad input.

Readers report problems as ``file:line: what is wrong`` through :class:`FormatError`; the CLI
turns every :class:`BtfsynthError` into a one-line message and exit status 2.
"""

from __future__ import annotations

import os


class BtfsynthError(Exception):
    """Bad input that the user can fix (as opposed to a bug in btfsynth)."""


class FormatError(BtfsynthError):
    """A file that cannot be read, located as ``file:line: message``.

    >>> str(FormatError("bad cube width", path="a.pla", line=7))
    'a.pla:7: bad cube width'
    """

    def __init__(
        self, message: str, path: str | os.PathLike | None = None, line: int | None = None
    ):
        self.message = message
        self.path = None if path is None else os.fspath(path)
        self.line = line
        where = ""
        if self.path is not None:
            where = f"{self.path}:{line}: " if line is not None else f"{self.path}: "
        super().__init__(where + message)
