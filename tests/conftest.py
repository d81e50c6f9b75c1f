"""Shared fixtures: where the third-party benchmark data lives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BTFSYNTH_SHARED", ROOT.parent / "shared"))
BENCHMARKS = SHARED / "benchmarks"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def benchmarks() -> Path:
    """../shared/benchmarks (EPFL netlists, boolearn data); set BTFSYNTH_SHARED to move it."""
    if not BENCHMARKS.is_dir():
        pytest.fail(f"benchmark data not found at {BENCHMARKS} (set BTFSYNTH_SHARED)")
    return BENCHMARKS
