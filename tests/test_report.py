"""``btfsynth report``: one self-contained HTML page per learner result, checked in a browser."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner

import btfsynth.cli.report as report_cli
from btfsynth.cli.main import main
from btfsynth.exporters.model import write_result
from btfsynth.rrr import learn
from btfsynth.tasks import multiplier

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def result_file(tmp_path_factory):
    result = learn(multiplier(2).table, [4, 4, 4, 4], restarts=3, seed=3, max_iter=10_000)
    path = tmp_path_factory.mktemp("report") / "mult2.json"
    write_result(result, path)
    return path


def make(result_file, out, *args):
    result = CliRunner().invoke(main, ["report", str(result_file), "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    return out.read_text()


def test_the_page_holds_every_section_and_loads_nothing(result_file, tmp_path):
    page = make(result_file, tmp_path / "r.html", "--table", "mult:2", "--title", "2x2 <mult>")
    for section in ("Parameters", "Learning curves", "Circuit", "Gates by kind", "Nodes",
                    "Verification", "Baselines"):  # fmt: skip
        assert f"<h2>{section}</h2>" in page
    assert "<title>2x2 &lt;mult&gt;</title>" in page  # escaped
    assert page.count("<svg") >= 2  # the curves and the circuit, inline
    assert "rows checked: 16, wrong: 0" in page and "equal to the network on all 16" in page
    assert "espresso + optimiser" in page
    assert not re.search(r'(src|href)="(https?:)?//', page)  # nothing fetched from a network


def test_without_graphviz_or_for_a_big_circuit_the_page_says_so(result_file, tmp_path,
                                                                monkeypatch):  # fmt: skip
    monkeypatch.setattr(report_cli, "MAX_DRAWN_GATES", 1)
    page = make(result_file, tmp_path / "big.html")
    assert "too many to draw (at most 1)" in page
    monkeypatch.setattr(report_cli, "MAX_DRAWN_GATES", 2_000)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    page = make(result_file, tmp_path / "nodot.html")
    assert "No drawing:" in page and "install graphviz" in page


def test_a_report_must_be_html(result_file, tmp_path):
    out = tmp_path / "r.txt"
    result = CliRunner().invoke(main, ["report", str(result_file), "-o", str(out)])
    assert result.exit_code == 2 and "a report is an .html file" in result.output
    assert not out.exists()


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium here (apt-get install chromium)")
def test_the_page_loads_in_a_real_browser_and_is_not_blank(result_file, tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    page = tmp_path / "r.html"
    make(result_file, page, "--table", "mult:2")
    flags = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    dom = subprocess.run([*flags, "--dump-dom", page.as_uri()], capture_output=True, text=True,
                         timeout=120)  # fmt: skip
    assert 'data-loaded="yes"' in dom.stdout  # the page's script ran to its end
    shot = tmp_path / "shot.png"
    subprocess.run([*flags, "--window-size=1000,1600", f"--screenshot={shot}", page.as_uri()],
                   capture_output=True, timeout=120, check=True)  # fmt: skip
    pixels = matplotlib.image.imread(shot)[..., :3]
    assert pixels.shape[:2] == (1600, 1000) and pixels.std() > 0.05
    assert (pixels < 0.5).mean() > 0.005  # text and drawings, not an empty page
