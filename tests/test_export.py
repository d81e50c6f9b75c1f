"""``btfsynth export``: netlists and compiled models to every format, the format taken from the
extension, graphviz rendering, and one-line errors with exit status 2 and no output file."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from fmt_helpers import assert_same_function, multiplier_table, sop_netlist
from test_cli_data import assert_one_line_error

from btfsynth.cli.main import main
from btfsynth.exporters import read_netlist, write_netlist, write_table
from btfsynth.exporters.model import network_to_dict
from btfsynth.network import ThresholdNetwork
from btfsynth.truthtable import all_input_rows


def run(*args: str):
    return CliRunner().invoke(main, ["export", *map(str, args)])


@pytest.fixture
def mult2(tmp_path) -> Path:
    path = tmp_path / "mult2.blif"
    write_netlist(sop_netlist(multiplier_table(2), "mult2"), path)
    return path


@pytest.mark.parametrize("name", ["out.v", "out.blif", "out.aag", "out.aig", "out.json"])
def test_netlist_to_each_format(tmp_path, mult2, name):
    result = run(mult2, "-o", tmp_path / name)
    assert result.exit_code == 0, result.output
    assert f"wrote {tmp_path / name}" in result.output
    assert_same_function(read_netlist(mult2), read_netlist(tmp_path / name))


def test_format_option_beats_the_extension(tmp_path, mult2):
    result = run(mult2, "-o", tmp_path / "netlist.txt", "--format", "blif")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "netlist.txt").read_text().count(".model mult2") == 1
    ascii_aig = run(mult2, "-o", tmp_path / "x.aag", "--format", "aiger")
    assert ascii_aig.exit_code == 0 and (tmp_path / "x.aag").read_bytes().startswith(b"aag")


def test_unknown_extension_without_format(tmp_path, mult2):
    result = run(mult2, "-o", tmp_path / "x.txt")
    assert result.exit_code == 2
    assert "cannot tell the format" in result.output
    assert not (tmp_path / "x.txt").exists()


def network_file(tmp_path, wrap: bool | str) -> tuple[Path, ThresholdNetwork]:
    """A model file: a bare network, one under a "network" key, or (wrap="learn") a learner
    result, which also holds the network under "network"."""
    network = ThresholdNetwork.layered([3, 4, 2], seed=5)
    data = network_to_dict(network)
    if wrap == "learn":
        data = {"format": "btfsynth-learn-result", "version": 1, "network": data}
    elif wrap:
        data = {"network": data, "accuracy": 1.0}
    path = tmp_path / ("model.json" if wrap else "network.json")
    path.write_text(json.dumps(data))
    return path, network


@pytest.mark.parametrize("wrap", [False, True, "learn"])
def test_model_is_compiled_then_exported(tmp_path, wrap):
    path, network = network_file(tmp_path, wrap)
    result = run(path, "-o", tmp_path / "model.v")
    assert result.exit_code == 0, result.output
    netlist = read_netlist(tmp_path / "model.v")
    rows = all_input_rows(3)
    assert np.array_equal(netlist.evaluate(rows), network.predict(rows))


def test_model_without_the_compiler_is_a_clear_error(tmp_path, monkeypatch):
    path, _ = network_file(tmp_path, wrap=True)
    monkeypatch.setitem(sys.modules, "btfsynth.compile", None)
    result = run(path, "-o", tmp_path / "model.v")
    assert result.exit_code == 2
    assert "needs the compiler" in result.output
    assert not (tmp_path / "model.v").exists()


def test_netlist_json_is_read_as_a_netlist(tmp_path, mult2):
    assert run(mult2, "-o", tmp_path / "n.json").exit_code == 0
    result = run(tmp_path / "n.json", "-o", tmp_path / "n.blif")
    assert result.exit_code == 0, result.output
    assert_same_function(read_netlist(mult2), read_netlist(tmp_path / "n.blif"))


def test_testbench_with_a_table_file(tmp_path, mult2):
    write_table(multiplier_table(2), tmp_path / "mult2.pla")
    result = run(
        mult2,
        "-o",
        tmp_path / "m.v",
        "--testbench",
        tmp_path / "tb.v",
        "--table",
        tmp_path / "mult2.pla",
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "tb.v").read_text().count("    check(") == 16
    assert "iverilog" in result.output


def test_testbench_only_for_verilog(tmp_path, mult2):
    result = run(mult2, "-o", tmp_path / "m.blif", "--testbench", tmp_path / "tb.v")
    assert result.exit_code == 2 and "verilog only" in result.output


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_rendering_without_graphviz_says_how_to_install_it(tmp_path, mult2, monkeypatch, fmt):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    result = run(mult2, "-o", tmp_path / f"m.{fmt}")
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "install graphviz" in lines[0]
    assert not (tmp_path / f"m.{fmt}").exists()


@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz is not installed")
@pytest.mark.parametrize("fmt, magic", [("svg", b"<?xml"), ("png", b"\x89PNG")])
def test_rendering_with_graphviz(tmp_path, mult2, fmt, magic):
    result = run(mult2, "-o", tmp_path / f"m.{fmt}")
    assert result.exit_code == 0, result.output
    assert (tmp_path / f"m.{fmt}").read_bytes().startswith(magic)


@pytest.mark.parametrize(
    "name, text, where",
    [
        ("bad.blif", ".model m\n.inputs a\n.outputs y\n.names a q y\n11 1\n.end\n", "bad.blif:4:"),
        (
            "bad.v",
            "module m(a, y);\n input a;\n output y;\n always y = a;\nendmodule\n",
            "bad.v:4:",
        ),
        ("bad.aag", "aag 2 1 1 1 0\n2\n4 2\n4\n", "bad.aag:1:"),
    ],
)
def test_malformed_input_exits_2_with_one_line_and_no_output(tmp_path, name, text, where):
    (tmp_path / name).write_text(text)
    out = tmp_path / "out.v"
    result = run(tmp_path / name, "-o", out)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and where in lines[0]
    assert not out.exists()


def test_testbench_output_is_checked_before_anything_is_written(tmp_path, mult2):
    netlist = tmp_path / "x.v"
    missing = run(mult2, "-o", netlist, "--testbench", tmp_path / "nodir" / "tb.v")
    assert_one_line_error(missing, "nodir", "no such folder")
    same = run(mult2, "-o", netlist, "--testbench", netlist)
    assert_one_line_error(same, "--testbench and -o name the same file")
    also_same = run(mult2, "-o", netlist, "--testbench", tmp_path / "." / "x.v")
    assert_one_line_error(also_same, "the same file")
    over_source = run(mult2, "-o", netlist, "--testbench", mult2)
    assert_one_line_error(over_source, "would overwrite the input")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mult2.blif"]


@pytest.mark.skipif(not Path("/sys").is_dir(), reason="needs an unwritable /sys")
def test_testbench_that_cannot_be_written_leaves_no_netlist(tmp_path, mult2):
    result = run(mult2, "-o", tmp_path / "x.v", "--testbench", "/sys/tb.v")
    assert_one_line_error(result, "/sys/tb.v")
    assert not (tmp_path / "x.v").exists()


def test_table_without_testbench_is_refused(tmp_path, mult2):
    result = run(mult2, "-o", tmp_path / "x.v", "--table", "mult:2")
    assert_one_line_error(result, "--table", "--testbench")
    assert not (tmp_path / "x.v").exists()
