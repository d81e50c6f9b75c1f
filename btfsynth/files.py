"""File helpers shared by every reader and writer: atomic writes and located reads."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from typing import IO

from .errors import BtfsynthError, FormatError


def check_output(path: str | os.PathLike, inputs: tuple[str | os.PathLike, ...] = ()) -> None:
    """Refuse, before any work, an output path that cannot be written or would overwrite one
    of ``inputs``: a folder, a missing or read-only folder, the same file as an input."""
    path = os.fspath(path)
    if os.path.isdir(path):
        raise BtfsynthError(f"{path}: is a folder, not a file")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise BtfsynthError(f"{path}: no such folder {folder}")
    if not os.path.exists(path) and not os.access(folder, os.W_OK):
        raise BtfsynthError(f"{path}: folder {folder} is not writable")
    if os.path.exists(path) and not os.access(path, os.W_OK):
        raise BtfsynthError(f"{path}: not writable")
    for source in inputs:
        if os.path.exists(path) and os.path.exists(source) and os.path.samefile(path, source):
            raise BtfsynthError(f"{path}: would overwrite the input {os.fspath(source)}")


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "w") -> Iterator[IO]:
    """Open a temporary file beside ``path`` and rename it into place on success.

    A failure (or Ctrl-C) inside the block removes the temporary file, so ``path`` is never
    left partly written. A symbolic link is written through (its target is replaced); a path
    that exists but is not a regular file (``/dev/stdout``, a pipe) is written directly,
    since it cannot be replaced.
    """
    path = os.path.realpath(os.fspath(path))
    if os.path.exists(path) and not os.path.isfile(path):
        with open(path, mode) as handle:
            yield handle
        return
    folder = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=os.path.basename(path), dir=folder)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give what open() would give
        with os.fdopen(fd, mode) as handle:
            yield handle
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` to ``path`` atomically."""
    with atomic_write(path, "w") as handle:
        handle.write(text)


def write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_write(path, "wb") as handle:
        handle.write(data)


def parse_json(text: str, path: str | os.PathLike | None = None) -> object:
    """Parsed JSON; a syntax error is a :class:`FormatError` with its line."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(f"invalid JSON: {exc.msg}", path, exc.lineno) from None


def read_json(path: str | os.PathLike) -> object:
    """The parsed JSON in ``path`` (errors as in :func:`parse_json`)."""
    return parse_json(read_text(path), path)


def read_text(path: str | os.PathLike) -> str:
    """Read a text file, turning OS and decoding errors into :class:`FormatError`."""
    return read_bytes(path).decode("utf-8", errors="replace")


def read_bytes(path: str | os.PathLike) -> bytes:
    """Read a file, turning OS errors into :class:`FormatError`."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise FormatError("no such file", path) from None
    except IsADirectoryError:
        raise FormatError("is a directory, not a file", path) from None
    except OSError as exc:
        raise FormatError(exc.strerror or str(exc), path) from None
