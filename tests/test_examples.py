"""The paper's example scripts and the results page they fill (examples/run_all.py).

The quick subset is what CI runs: every script, every kind of row, in a few minutes. The rows'
figures are the learner's own (checked by the scripts: a multiplier circuit is compiled and
proven); here we check that each experiment ran and reported, that the page says how to rerun
every row, and that recorded rows are kept when the page is rewritten.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import click
import pytest
from conftest import ROOT, SHARED, missing

from btfsynth.tasks.paper import (
    autoencoder_settings,
    automaton_settings,
    decoder_settings,
    mnist_jr_settings,
    multiplier_settings,
    planted_settings,
)

EXAMPLES = ROOT / "examples"
sys.path.insert(0, str(EXAMPLES))
try:
    import run_all
finally:
    sys.path.remove(str(EXAMPLES))

NEEDS_SHARED = ("mnist_jr.py", "--kind images")


def run_script(*args: str, timeout: float = 600, **env: str) -> subprocess.CompletedProcess:
    """An example script (or run_all.py) run as a user runs it, with ``env`` added."""
    return subprocess.run(
        [sys.executable, str(EXAMPLES / args[0]), *args[1:]],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **env},
    )


def quick_commands() -> list[str]:
    return [run_all.command_of(script, args) for script, args in run_all.QUICK]


def table_rows(page: str) -> dict[str, str]:
    """Command → table line of every figure on a results page."""
    rows = {}
    for line in page.splitlines():
        if line.startswith("| ") and "`python examples/" in line:
            rows[line.split("`")[1]] = line
    return rows


@pytest.mark.parametrize("script", sorted(run_all.SCRIPTS))
def test_every_option_is_explained_with_its_default(script):
    command = run_all.SCRIPTS[script]
    assert command.help and "method.md" in command.help
    for option in command.params:
        if not isinstance(option, click.Option) or option.is_flag:
            continue
        assert option.help, f"{script} {option.opts[0]} has no help"
        assert option.show_default or "[default:" in option.help, option.opts[0]


@pytest.mark.parametrize(
    ("script", "paper", "defaults"),
    [
        ("multiplier.py", multiplier_settings(2), {"bits": 2}),
        ("autoencoder.py", autoencoder_settings(3), {"k": 3}),
        ("planted.py", planted_settings([32] * 6),
         {"widths": "32-32-32-32-32-32", "sizes": "64,128,256,384,512", "items": 10_000}),
        ("cellular_automaton.py", automaton_settings(30, 16, 1),
         {"rule": 30, "cells": 16, "steps": 1, "n_train": 256}),
        ("mnist_jr.py", mnist_jr_settings(), {"widths": "64-10", "sizes": "128,256,512"}),
        ("decoder.py", decoder_settings(16, 16), {"words": 16, "bits": 16, "n_train": 1024}),
    ],
)  # fmt: skip
def test_the_defaults_are_the_papers_settings(script, paper, defaults):
    given = {option.name: option.default for option in run_all.SCRIPTS[script].params}
    for name, value in {**paper.rrr(), **defaults}.items():
        assert given[name] == value, name


def test_every_experiment_of_the_paper_is_in_the_full_set():
    commands = " ".join(run_all.command_of(s, a) for s, a in run_all.FULL)
    for needle in (
        "multiplier.py --bits 2", "multiplier.py --bits 3", "autoencoder.py --k 3",
        "autoencoder.py --k 4", "autoencoder.py --k 5", "planted.py --budget",
        "planted.py --family maj", "cellular_automaton.py --budget",
        "--widths 16-48-16", "--steps 2", "--rule 232 --cells 32 --steps 3", "mnist_jr.py",
        "decoder.py --kind words", "decoder.py --kind images",
    ):  # fmt: skip
        assert needle in commands, needle


def test_quick_subset_fills_a_row_for_every_experiment(tmp_path):
    page_path = tmp_path / "results.md"
    done = run_script("run_all.py", "--quick", "-q", "-o", str(page_path), timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    page = page_path.read_text()
    rows = table_rows(page)
    have_shared = (SHARED / "benchmarks" / "boolearn").exists()
    for command in quick_commands():
        if not have_shared and any(n in command for n in NEEDS_SHARED):
            assert f"`{command}`: " in page.split("Not run here:")[1]
            continue
        assert command in rows, command
        cells = [c.strip() for c in rows[command].strip("|").split("|")]
        assert len(cells) == len(run_all.COLUMNS)
        assert "**" in cells[1] and cells[2] and cells[7].endswith(" s"), rows[command]
    mult = rows[run_all.command_of("multiplier.py", "--bits 2 --restarts 20")]
    assert "of 20** solved within 10k" in mult and "AND2, proven exact" in mult
    assert (
        "cut by the 15 s budget" in rows[run_all.command_of("cellular_automaton.py", "--budget 15")]
    )
    if not have_shared:
        missing(SHARED / "benchmarks" / "boolearn")  # the page was right; CI wants the data
    recorded = json.loads(page_path.with_suffix(".json").read_text())
    assert set(recorded) <= set(quick_commands())


def test_recorded_rows_are_kept_and_only_the_missing_ones_run(tmp_path):
    page_path = tmp_path / "results.md"
    fake = {
        "experiment": "recorded before", "ours": "**kept**", "published": "p", "seeds": "0",
        "iterations": "1", "seconds": 1.0, "baseline": "—", "cut": "", "command": "",
    }  # fmt: skip
    absent = run_all.command_of("autoencoder.py", "--k 3")
    recorded = {
        c: {"date": "2026-01-02", "cores": 64, "rows": [{**fake, "command": c}]}
        for c in quick_commands()
        if c != absent
    }
    page_path.with_suffix(".json").write_text(json.dumps(recorded))
    done = run_script("run_all.py", "--quick", "-q", "-o", str(page_path), timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    rows = table_rows(page_path.read_text())
    assert set(rows) == set(quick_commands())
    assert "autoencoder 8-3-8-8" in rows[absent] and "of 10** solved" in rows[absent]
    assert all("**kept**" in rows[c] for c in recorded)
    assert set(json.loads(page_path.with_suffix(".json").read_text())) == set(rows)
    assert "rows run 2026-01-02 to " in page_path.read_text()  # the dates of the rows shown
    # rows recorded without a precision came from the float64 kernels; the page says which
    older = page_path.read_text().split("earlier kernels: ")[1].split(". Rerun")[0]
    assert f"`{absent}`" not in older and all(f"`{c}` (float64)" in older for c in recorded)


def test_a_script_run_alone_prints_its_rows():
    done = run_script("autoencoder.py", "--k", "3", "--restarts", "2", "-q", timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("autoencoder 8-3-8-8: **") and "of 2** solved" in done.stdout


def test_missing_reference_data_is_one_usage_line(tmp_path):
    done = run_script("mnist_jr.py", "--data", str(tmp_path / "no.dat"), timeout=120)
    assert done.returncode == 2
    assert "no.dat not found" in done.stderr and "Traceback" not in done.stderr


def test_missing_reference_data_is_listed_as_not_run(tmp_path):
    page_path = tmp_path / "results.md"
    done = run_script("run_all.py", "--quick", "--only", "mnist_jr", "-q", "-o", str(page_path),
                      timeout=120, BTFSYNTH_SHARED=str(tmp_path))  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    page = page_path.read_text()
    assert "Not run here:" in page and "mnistjr.dat not found" in page
    assert not table_rows(page) and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--only", "no such experiment"], "no experiment's command contains it"),
     (["--fresh", "--only", "mnist"], "cannot go with --only")],
)  # fmt: skip
def test_run_all_refuses_selections_that_cannot_be_meant(tmp_path, args, message):
    done = run_script("run_all.py", "--quick", *args, "-o", str(tmp_path / "r.md"), timeout=120)
    assert done.returncode == 2 and message in done.stderr
    assert not (tmp_path / "r.md").exists()


def test_bad_settings_are_one_error_line():
    done = run_script("planted.py", "--widths", "8-8-8", "--items", "300", "-q", timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip() == "error: there are only 2^8 = 256 distinct inputs, not 300"
