"""numba's cache lives in a per-user folder, never inside the installed package."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import btfsynth
from btfsynth import jit

COMPILE_ONE_KERNEL = """
import btfsynth
from btfsynth.rrr.kernels import surface_root
print(surface_root(0.5, 1.0, 1.0))
"""


def test_kernels_are_cached_in_the_user_cache_folder_not_in_the_package(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env["XDG_CACHE_HOME"] = str(tmp_path)
    package = Path(btfsynth.__file__).resolve().parent
    before = set(package.rglob("*.nb[ic]"))
    out = subprocess.run(
        [sys.executable, "-c", COMPILE_ONE_KERNEL], env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert list((tmp_path / "btfsynth" / "numba").rglob("*surface_root*.nbi"))
    assert set(package.rglob("*.nb[ic]")) == before


def test_numba_cache_dir_wins_when_set(tmp_path, monkeypatch):
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "mine"))
    assert jit.cache_folder() == tmp_path / "mine"


def test_the_compile_notice_shows_until_the_kernels_are_marked_compiled(tmp_path, monkeypatch):
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path))
    assert jit.is_cold() and "once per install" in jit.notice()
    jit.mark_warm()
    assert not jit.is_cold()
