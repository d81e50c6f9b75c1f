"""File helpers shared by every reader and writer: atomic writes and located reads."""

from __future__ import annotations

import contextlib
import json
import os
import re
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


TEMP_NAME_CHARS = 200
"""At most this much of an output's name goes into its temporary files' names (a file name has
at most 255 bytes, and the pid and random parts need the rest)."""


def temp_prefix(path: str | os.PathLike) -> str:
    """What the names of ``path``'s temporary files start with, before ``<pid>-<random>``:
    ``.<name>.tmp-``, hidden, beside the output, and recognisable as the output's."""
    return f".{os.path.basename(os.fspath(path))[:TEMP_NAME_CHARS]}.tmp-"


def remove_stale_temps(path: str | os.PathLike) -> list[str]:
    """Remove the temporary files of ``path`` whose writer process is no longer running (a
    write stopped by SIGKILL or a power cut cannot clean up after itself); return their
    names. Files of running processes (a concurrent write) are left alone."""
    folder = os.path.dirname(os.path.abspath(os.fspath(path)))
    pattern = re.compile(re.escape(temp_prefix(path)) + r"(\d+)-[^/]+")
    removed = []
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            match = pattern.fullmatch(entry.name)
            if match and not _running(int(match.group(1))):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed.append(entry.name)
    return removed


def _running(pid: int) -> bool:
    """Whether process ``pid`` exists (when unsure, say yes: the file is then kept)."""
    if pid <= 0 or pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it exists, as another user's
        return True
    return True


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "w") -> Iterator[IO]:
    """Open a temporary file beside ``path`` and rename it into place on success.

    A failure (or Ctrl-C) inside the block removes the temporary file, so ``path`` is never
    left partly written. The temporary file is named ``.<name>.tmp-<pid>-<random>``; one left
    by a killed writer is removed by the next write of the same path (remove_stale_temps).
    A symbolic link is written through (its target is replaced); a path that exists but is
    not a regular file (``/dev/stdout``, a pipe) is written directly, since it cannot be
    replaced.
    """
    path = os.path.realpath(os.fspath(path))
    if os.path.exists(path) and not os.path.isfile(path):
        with open(path, mode) as handle:
            yield handle
        return
    folder = os.path.dirname(path)
    remove_stale_temps(path)
    fd, tmp = tempfile.mkstemp(prefix=f"{temp_prefix(path)}{os.getpid()}-", dir=folder)
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
    """Parsed JSON; a syntax error is a :class:`FormatError` with its line, and so are
    numbers beyond the range of a double and nesting beyond Python's stack
    (:mod:`btfsynth.jsonfile`)."""
    from . import jsonfile

    try:
        return json.loads(text, **jsonfile.HOOKS)
    except json.JSONDecodeError as exc:
        raise FormatError(f"invalid JSON: {exc.msg}", path, exc.lineno) from None
    except (jsonfile.JsonNumberError, RecursionError) as exc:
        raise jsonfile.error(exc, text, path) from None


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
