"""Where numba keeps its compiled kernels, and whether they still have to be compiled.

numba's default puts cache files in ``__pycache__`` beside the sources, i.e. inside the
installed package; those files survive ``pip uninstall`` and leave a namespace package behind
that shadows a later (editable) install. btfsynth therefore sends them to a per-user cache
folder (platformdirs), unless ``NUMBA_CACHE_DIR`` is set. :func:`use_cache_folder` runs when
``btfsynth`` is imported, before any module with kernels is.

Compiling the learner's kernels takes a while on first use (the evaluator's take a second or
two), so ``learn`` says so first (:func:`is_cold`, :func:`mark_warm`): a stamp file records that
the kernels of these sources, this numba and this Python have been compiled into the cache.
"""

from __future__ import annotations

import hashlib
import os
import platform
import sys
from pathlib import Path

LEARNER_SOURCES = ("rrr/kernels.py", "rrr/sweeps.py")
"""The sources (relative to the package) of the learner's kernels."""

COMPILE_SECONDS = "10–15"
"""The learner's first-use compile time, measured on a 2-core machine, shown in the notice."""


def cache_folder() -> Path:
    """``NUMBA_CACHE_DIR`` when set, else the per-user cache folder's ``numba``."""
    if os.environ.get("NUMBA_CACHE_DIR"):
        return Path(os.environ["NUMBA_CACHE_DIR"])
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("btfsynth")) / "numba"


def use_cache_folder() -> None:
    """Point numba's cache at :func:`cache_folder` (also when numba is already imported)."""
    folder = str(cache_folder())
    os.environ["NUMBA_CACHE_DIR"] = folder
    if "numba" in sys.modules:
        from numba.core import config

        config.CACHE_DIR = folder


def _stamp() -> Path:
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in LEARNER_SOURCES:
        digest.update((package / name).read_bytes())
    import numba

    digest.update(f"{numba.__version__} {sys.version} {platform.machine()}".encode())
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
