"""Where numba keeps its compiled kernels, and whether they still have to be compiled.

numba's default puts cache files in ``__pycache__`` beside the sources, i.e. inside the
installed package; those files survive ``pip uninstall`` and leave a namespace package behind
that shadows a later (editable) install. btfsynth therefore sends them to a per-user cache
folder (platformdirs), unless ``NUMBA_CACHE_DIR`` is set. :func:`use_cache_folder` runs when
``btfsynth`` is imported, before any module with kernels is.

numba checks a cached kernel against its own source file only, not against the kernels it
calls from other files: after an edit of ``kernels.py`` alone, the cached sweeps would still
run the old arithmetic. So the cache lives in a subfolder named by a digest of every kernel
source (:data:`KERNEL_SOURCES`): any change to them starts a fresh cache. Each process touches
its folder; folders of other digests that no process used for a day are removed.

Compiling the learner's kernels takes a while on first use (the evaluator's take a second or
two), so ``learn`` says so first (:func:`is_cold`, :func:`mark_warm`): a stamp file in the
sources' cache folder records that the learner's kernels have been compiled there for this
numba and this Python.
"""

from __future__ import annotations

import hashlib
import os
import platform
import shutil
import sys
import time
from pathlib import Path

KERNEL_SOURCES = (
    "field.py",
    "rrr/iterate.py",
    "rrr/kernels.py",
    "rrr/simd.py",
    "rrr/sweeps.py",
    "sim/kernels.py",
)
"""Every module that defines numba kernels (tests/test_jit.py checks the list)."""
STALE_SECONDS = 86_400
"""Cache folders of other kernel sources are removed once no process used them this long."""

COMPILE_SECONDS = "10–15"
"""The learner's first-use compile time, measured on a 2-core machine, shown in the notice."""


def cache_folder() -> Path:
    """``NUMBA_CACHE_DIR`` when set, else the per-user cache folder's ``numba``."""
    if os.environ.get("NUMBA_CACHE_DIR"):
        return Path(os.environ["NUMBA_CACHE_DIR"])
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("btfsynth")) / "numba"


def source_digest(package: Path | None = None) -> str:
    """A digest of the kernel sources: the name of the cache subfolder they compile into."""
    package = package or Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in KERNEL_SOURCES:
        digest.update(name.encode() + b"\0" + (package / name).read_bytes())
    return f"kernels-{digest.hexdigest()[:16]}"


def use_cache_folder() -> None:
    """Point numba's cache at the subfolder of :func:`cache_folder` for these kernel sources
    (also when numba is already imported). A worker process inherits the subfolder and keeps
    it; the folder is touched at every use, so that no process removes it as stale."""
    base = cache_folder()
    if base.name.startswith("kernels-"):  # inherited from the parent process
        base = base.parent
    try:
        folder = base / source_digest()
    except OSError:  # sources that are not files (a frozen install): no subfolder
        folder = base
    else:
        _remove_stale(base, folder)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            os.utime(folder)
        except OSError:
            pass
    os.environ["NUMBA_CACHE_DIR"] = str(folder)
    if "numba" in sys.modules:
        from numba.core import config

        config.CACHE_DIR = str(folder)


def _remove_stale(base: Path, keep: Path) -> None:
    """Remove the cache folders of other kernel sources that no process used for
    STALE_SECONDS."""
    try:
        others = [old for old in base.glob("kernels-*") if old != keep]
    except OSError:
        return
    for old in others:
        try:
            if time.time() - old.stat().st_mtime > STALE_SECONDS:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            pass


def _stamp() -> Path:
    """The stamp of the learner's kernels in the cache folder, which the kernel sources already
    name: per numba, Python and machine."""
    import numba

    digest = hashlib.sha256(f"{numba.__version__} {sys.version} {platform.machine()}".encode())
    return cache_folder() / f"btfsynth-learner-{digest.hexdigest()[:16]}.compiled"


def is_cold() -> bool:
    """True when the learner's kernels have not been compiled into the cache yet."""
    return not _stamp().exists()


def mark_warm() -> None:
    """Record that the learner's kernels are in the cache (best effort)."""
    stamp = _stamp()
    try:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.touch()
    except OSError:
        pass


def notice() -> str:
    """The line ``learn`` shows before it compiles the learner's kernels."""
    return (
        f"compiling the learner's kernels, once per install: about {COMPILE_SECONDS} s "
        f"(cached in {cache_folder()})"
    )
