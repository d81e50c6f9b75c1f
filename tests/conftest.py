"""Where the tests' third-party data lives: vendored small files, and ../shared for the rest.

Small third-party files are copied into tests/data (with their licences), so a fresh clone
passes its tests alone. The large ones stay in ../shared/benchmarks (``BTFSYNTH_SHARED`` moves
it); a test that needs one skips with the reason when it is absent, and fails instead when
``BTFSYNTH_REQUIRE_SHARED=1``, which .ci/run sets so that CI still runs them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BTFSYNTH_SHARED", ROOT.parent / "shared"))
BENCHMARKS = SHARED / "benchmarks"
DATA = Path(__file__).resolve().parent / "data"
REQUIRE_SHARED = os.environ.get("BTFSYNTH_REQUIRE_SHARED") == "1"


def missing(path: Path) -> None:
    """Skip (or, under BTFSYNTH_REQUIRE_SHARED=1, fail) a test whose data is absent."""
    reason = f"benchmark data not found at {path} (set BTFSYNTH_SHARED to its parent folder)"
    if REQUIRE_SHARED:
        pytest.fail(reason)
    pytest.skip(reason)


def third_party(relative: str) -> Path:
    """A benchmark file by its path under shared/benchmarks (e.g. ``epfl/ctrl.blif``): the
    vendored copy in tests/data when there is one, else the shared one."""
    for path in (DATA / relative, BENCHMARKS / relative):
        if path.exists():
            return path
    missing(BENCHMARKS / relative)


@pytest.fixture(scope="session")
def benchmarks() -> Path:
    """The whole ../shared/benchmarks folder, for tests that read every file in it."""
    if not BENCHMARKS.is_dir():
        missing(BENCHMARKS)
    return BENCHMARKS
