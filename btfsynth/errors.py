"""The exceptions btfsynth raises for bad input.

Readers report problems as ``file:line: what is wrong`` through :class:`FormatError`; the CLI
turns every :class:`BtfsynthError` into a one-line message and exit status 2.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Hashable, Iterator, Sequence


class BtfsynthError(Exception):
    """Bad input that the user can fix (as opposed to a bug in btfsynth)."""


class FormatError(BtfsynthError):
    """A file that cannot be read, located as ``file:line: message`` on one line (line
    breaks in ``message``, e.g. from quoted file content, become spaces).

    >>> str(FormatError("bad cube width", path="a.pla", line=7))
    'a.pla:7: bad cube width'
    """

    def __init__(
        self, message: str, path: str | os.PathLike | None = None, line: int | None = None
    ):
        message = " ".join(message.splitlines())
        self.message = message
        self.path = None if path is None else os.fspath(path)
        self.line = line
        where = ""
        if self.path is not None:
            where = f"{self.path}:{line}: " if line is not None else f"{self.path}: "
        super().__init__(where + message)


def first_duplicate(items: Sequence[Hashable]) -> Hashable | None:
    """The first item of ``items`` that equals an earlier one (None if all are distinct), in
    linear time: for "duplicate name" messages about lists of any length."""
    seen: set = set()
    for item in items:
        if item in seen:
            return item
        seen.add(item)
    return None


@contextlib.contextmanager
def reading(path: str | os.PathLike) -> Iterator[None]:
    """The body of a reader of ``path``: an error that escapes it names the file.

    Readers locate their own errors as ``file:line``; this catches what they cannot: a
    :class:`BtfsynthError` from a constructor that knows no file (a truth table, a dataset, a
    network), a :class:`RecursionError` from input nested deeper than Python's stack, and a
    :class:`MemoryError`, each as a :class:`FormatError` naming ``path``.
    """
    try:
        yield
    except FormatError as exc:
        if exc.path is not None:
            raise
        raise FormatError(exc.message, path, exc.line) from None
    except BtfsynthError as exc:
        raise FormatError(str(exc), path) from None
    except RecursionError:
        raise FormatError("nested too deeply to read", path) from None
    except MemoryError:
        raise FormatError("out of memory: the file is too large for this machine", path) from None
