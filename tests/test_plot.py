"""``btfsynth plot``: learning curves, one line per restart, from a learner result."""

from __future__ import annotations

import sys
from dataclasses import replace

import numpy as np
import pytest
from click.testing import CliRunner

from btfsynth.cli.main import main
from btfsynth.curves import plot_curves, runs_of
from btfsynth.errors import BtfsynthError
from btfsynth.exporters.model import read_result, write_result
from btfsynth.rrr import learn
from btfsynth.tasks import multiplier

matplotlib = pytest.importorskip("matplotlib", reason="plots need matplotlib (btfsynth[plot])")


@pytest.fixture(scope="module")
def result_file(tmp_path_factory):
    result = learn(multiplier(2).table, [4, 4, 4, 4], restarts=4, seed=3, max_iter=3000,
                   stop_at_first=False)  # fmt: skip
    path = tmp_path_factory.mktemp("plot") / "r.json"
    write_result(result, path)
    return path


def test_every_restart_keeps_its_curves_in_the_result(result_file):
    result = read_result(result_file)
    runs = runs_of(result)
    assert [seed for seed, _ in runs] == [3, 4, 5, 6]
    for _, curves in runs:
        iterations = curves["iteration"]
        assert iterations == sorted(iterations) and len(iterations) >= 10
        assert all(0 <= a <= 1 for a in curves["train_accuracy"])
        assert curves["min_gap"] == sorted(curves["min_gap"], reverse=True)


def test_the_svg_has_one_line_per_restart_and_quantity(result_file, tmp_path):
    out = tmp_path / "c.svg"
    result = CliRunner().invoke(main, ["plot", str(result_file), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and "(4 restarts)" in result.output
    svg = out.read_text()
    for seed in (3, 4, 5, 6):
        for column in ("gap", "min_gap", "train_accuracy"):
            assert svg.count(f'id="run{seed}-{column}"') == 1
    assert "test_accuracy" not in svg  # no test set: no empty panel


def test_the_png_is_not_blank(result_file, tmp_path):
    out = tmp_path / "c.png"
    plot_curves(read_result(result_file), out)
    pixels = matplotlib.image.imread(out)
    assert pixels.shape[0] > 300 and pixels[..., :3].std() > 0.05


def test_a_result_without_run_curves_plots_its_reported_history(result_file, tmp_path):
    result = read_result(result_file)
    bare = replace(result, runs=[{k: v for k, v in r.items() if k != "history"}
                                 for r in result.runs])  # fmt: skip
    assert runs_of(bare) == [(result.seed, runs_of(bare)[0][1])]
    plot_curves(bare, tmp_path / "c.svg")
    assert f'id="run{result.seed}-gap"' in (tmp_path / "c.svg").read_text()


def test_bad_formats_and_missing_matplotlib_are_one_line_errors(result_file, tmp_path, monkeypatch):
    out = tmp_path / "c.jpg"
    result = CliRunner().invoke(main, ["plot", str(result_file), "-o", str(out)])
    assert result.exit_code == 2 and "not 'jpg'" in result.output and not out.exists()
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(BtfsynthError, match=r"pip install 'btfsynth\[plot\]'"):
        plot_curves(read_result(result_file), tmp_path / "c.svg")
    assert not (tmp_path / "c.svg").exists()


def test_curves_are_bounded_and_thinned_evenly():
    from btfsynth.rrr.solve import CURVE_POINTS, Checkpoint, curves

    history = [Checkpoint(i + 1, 1.0 / (i + 1), 0, 0, 0, 1.0 / (i + 1), 0.5, None)
               for i in range(1000)]  # fmt: skip
    kept = curves(history)
    assert len(kept["iteration"]) == CURVE_POINTS
    assert kept["iteration"][0] == 1 and kept["iteration"][-1] == 1000
    assert kept["test_accuracy"] == [None] * CURVE_POINTS
    assert np.all(np.diff(kept["iteration"]) > 0)
