"""numba's cache lives in a per-user folder, never inside the installed package."""

from __future__ import annotations

import os
import subprocess
import sys
import time
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


def test_the_kernel_sources_are_every_module_that_defines_kernels():
    package = Path(btfsynth.__file__).resolve().parent
    defining = {
        path.relative_to(package).as_posix()
        for path in package.rglob("*.py")
        if any(mark in path.read_text() for mark in ("njit(", "@intrinsic", "@overload"))
    }
    assert defining == set(jit.KERNEL_SOURCES)


def test_an_edit_of_any_kernel_source_moves_the_cache_to_another_folder(tmp_path):
    package = Path(btfsynth.__file__).resolve().parent
    for name in jit.KERNEL_SOURCES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes((package / name).read_bytes())
    assert jit.source_digest(tmp_path) == jit.source_digest()
    edited = tmp_path / "rrr" / "kernels.py"
    edited.write_text(edited.read_text() + "\n# an edit\n")
    assert jit.source_digest(tmp_path) != jit.source_digest()


def test_the_cache_goes_to_the_sources_folder_once_and_old_folders_go(tmp_path, monkeypatch):
    from numba.core import config

    monkeypatch.setattr(config, "CACHE_DIR", config.CACHE_DIR)  # restored after the test
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path))
    stale, recent = tmp_path / "kernels-0000000000000000", tmp_path / "kernels-1111111111111111"
    stale.mkdir()
    recent.mkdir()
    old = time.time() - 2 * jit.STALE_SECONDS
    os.utime(stale, (old, old))
    jit.use_cache_folder()
    mine = tmp_path / jit.source_digest()
    assert os.environ["NUMBA_CACHE_DIR"] == str(mine) == config.CACHE_DIR
    assert not stale.exists() and recent.exists()
    jit.use_cache_folder()  # a worker process inherits the folder as it is
    assert os.environ["NUMBA_CACHE_DIR"] == str(mine)
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(recent))  # inherited from other sources
    jit.use_cache_folder()
    assert os.environ["NUMBA_CACHE_DIR"] == str(mine)  # beside it, not inside
