"""``btfsynth compile`` and ``btfsynth stats`` through the click application."""

import json
import re

import numpy as np
import pytest
from click.testing import CliRunner
from fmt_helpers import DATA
from test_cli_data import assert_one_line_error

from btfsynth.cli.main import main
from btfsynth.exporters import read_netlist, write_table
from btfsynth.exporters.model import network_to_dict, write_network
from btfsynth.network import ThresholdNetwork
from btfsynth.passes import and2_count
from btfsynth.sim import equivalent
from btfsynth.tasks import planted_andor, random_rows
from btfsynth.truthtable import TruthTable, all_input_rows


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def planted(tmp_path):
    """A planted AND/OR network saved as a learner result (top-level key "network")."""
    task = planted_andor([5, 5, 3], p=0.8, seed=2)
    path = tmp_path / "model.json"
    result = {"format": "btfsynth-learn-result", "solved": True}
    path.write_text(json.dumps({**result, "network": network_to_dict(task.planted_network)}))
    return task, path


@pytest.mark.parametrize("ext", [".json", ".blif", ".v"])
def test_compile_writes_a_netlist_equal_to_the_network(planted, tmp_path, ext):
    task, model = planted
    out = tmp_path / f"circuit{ext}"
    result = run("compile", str(model), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "verified:   equal to the network on all 32 input rows" in result.output
    assert "0 THRESHOLD" in result.output and "AND2 count:" in result.output
    rows = all_input_rows(5)
    assert np.array_equal(read_netlist(out).evaluate(rows), task.planted.evaluate(rows))


def test_compile_with_max_ands_writes_nothing_and_exits_1_when_over(planted, tmp_path):
    _, model = planted
    out = tmp_path / "circuit.blif"
    result = run("compile", str(model), "-o", str(out), "--max-ands", "1")
    count = int(re.search(r"AND2 count: +(\d+)", result.output).group(1))
    assert result.exit_code == 1 and f"{count} AND2 is more than --max-ands 1" in result.output
    assert not out.exists()
    assert run("compile", str(model), "-o", str(out), "--max-ands", str(count)).exit_code == 0
    assert and2_count(read_netlist(out)) == count


def test_stats_shows_counts_and_the_recorded_compile_summary(planted, tmp_path):
    _, model = planted
    out = tmp_path / "circuit.json"
    assert run("compile", str(model), "-o", str(out)).exit_code == 0
    result = run("stats", str(out))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "inputs:     5" and lines[1] == "outputs:    3"
    assert "THRESHOLD:  0 of" in result.output
    assert "compiled:   model.json:" in result.output and "0 data-exact" in result.output


def test_no_simplify_keeps_the_raw_gates(tmp_path):
    # Two nodes computing AND(a, b): one gate each raw, one shared gate after simplification.
    net = ThresholdNetwork(5, 2, 2, [0, 1, 2, 0, 1, 2], [3, 3, 3, 4, 4, 4], [1.0] * 6)
    model = tmp_path / "net.json"
    write_network(net, model)
    for flag, gates in (
        ("--no-simplify", "gates:      2  (and 2)"),
        (None, "gates:      1  (and 1)"),
    ):
        out = tmp_path / "c.json"
        result = run("compile", str(model), "-o", str(out), *([flag] if flag else []))
        assert result.exit_code == 0, result.output
        assert gates in result.output
        rows = all_input_rows(2)
        assert np.array_equal(read_netlist(out).evaluate(rows), net.predict(rows))


def implied_and(tmp_path) -> tuple[ThresholdNetwork, str]:
    """y = AND(AND(a, b), OR(a, b)), which is AND(a, b) on every input, saved as a model."""
    net = ThresholdNetwork.layered([2, 2, 1])
    net = net.with_weights(np.array([1, 1, 1, -1, 1, 1, 1, 1, 1.0]))
    model = tmp_path / "net.json"
    write_network(net, model)
    return net, str(model)


def test_effort_option_optimises_and_reports_before_and_after(tmp_path):
    _, model = implied_and(tmp_path)  # the optimiser finds AND(a, b) without --shrink
    out = tmp_path / "c.blif"
    result = run("compile", str(model), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "optimised:  3 → 1 AND2 (effort fast)" in result.output
    assert "AND2 count: 1" in result.output and "AND2 count 1" in out.read_text()
    result = run("compile", str(model), "-o", str(out), "--effort", "none")
    assert "optimised" not in result.output and "AND2 count: 3" in result.output


def test_shrink_option(tmp_path):
    net, model = implied_and(tmp_path)  # --shrink drops the OR
    out = tmp_path / "c.json"
    for flag, gates in (
        (None, "gates:      3  (and 2, or 1)"),
        ("--shrink", "gates:      1  (and 1)"),
    ):
        flags = ["--effort", "none", *([flag] if flag else [])]  # the fitted gates
        result = run("compile", str(model), "-o", str(out), *flags)
        assert result.exit_code == 0, result.output
        assert gates in result.output
        assert np.array_equal(
            read_netlist(out).evaluate(all_input_rows(2)), net.predict(all_input_rows(2))
        )


def test_wide_networks_compile_exact_without_a_table_and_data_exact_with_one(tmp_path):
    net = ThresholdNetwork.layered([26, 3, 1], seed=4)
    model = tmp_path / "net.json"
    write_network(net, model)
    rows = random_rows(26, 64, seed=3)
    pla = tmp_path / "care.pla"
    write_table(TruthTable(rows, net.predict(rows)), pla)
    out = tmp_path / "c.json"
    result = run("compile", str(model), "-o", str(out), "--budget", "5s")
    assert result.exit_code == 0, result.output
    assert "0 data-exact" in result.output and "margin from 0 proves it equal" in result.output
    assert "of 1000000 random rows agree" in result.output
    assert np.array_equal(read_netlist(out).evaluate(rows), net.predict(rows))
    result = run("compile", str(model), "-o", str(out), "--table", str(pla))
    assert result.exit_code == 0, result.output
    assert "3 data-exact" in result.output and "on 64 care-set rows" in result.output
    assert "table:      100.00 %" in result.output
    assert np.array_equal(read_netlist(out).evaluate(rows), net.predict(rows))


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", "invalid JSON"),
        ('{"format": "btfsynth-network", "nodes": 3}', "missing the key"),
        (
            json.dumps(
                network_to_dict(ThresholdNetwork.layered([2, 2], seed=0, output_kind="class"))
            ),
            "class-output",
        ),
    ],
)
def test_bad_models_give_a_one_line_error(tmp_path, content, message):
    model = tmp_path / "bad.json"
    model.write_text(content)
    out = tmp_path / "c.json"
    result = run("compile", str(model), "-o", str(out))
    assert result.exit_code == 2
    assert result.output.startswith("error: ") and message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists()


def test_bad_output_and_missing_files(planted, tmp_path):
    _, model = planted
    result = run("compile", str(model), "-o", str(tmp_path / "c.xyz"))
    assert result.exit_code == 2 and "unknown netlist format '.xyz'" in result.output
    result = run("compile", str(model), "-o", str(tmp_path / "nowhere" / "c.json"))
    assert result.exit_code == 2 and "no such folder" in result.output
    result = run("stats", str(tmp_path / "missing.blif"))
    assert result.exit_code == 2 and result.output.startswith("error: ")


def test_compile_refuses_to_overwrite_its_model(planted):
    _, model = planted
    before = model.read_text()
    result = run("compile", str(model), "-o", str(model))
    assert result.exit_code == 2
    assert "would overwrite the input" in result.output
    assert model.read_text() == before


def test_compile_warns_about_an_unsolved_model(planted, tmp_path):
    _, model = planted
    data = json.loads(model.read_text())
    data.update(solved=False, train_accuracy=0.75)
    model.write_text(json.dumps(data))
    result = CliRunner().invoke(main, ["compile", str(model), "-o", str(tmp_path / "c.json")])
    assert result.exit_code == 0
    assert "did not solve its table (training accuracy 0.7500)" in result.output


def test_compile_refuses_a_table_of_another_shape_in_one_line(planted, tmp_path):
    _, model = planted
    table = tmp_path / "t.pla"
    write_table(TruthTable(all_input_rows(5), np.zeros((32, 2), dtype=np.uint8)), table)
    out = tmp_path / "c.blif"
    result = run("compile", str(model), "--table", str(table), "-o", str(out))
    assert_one_line_error(result, "the table has 5 inputs and 2 outputs, the network 5 and 3")
    assert not out.exists()


def test_compile_takes_the_task_options_of_its_table(planted, tmp_path):
    task, model = planted
    out = tmp_path / "c.blif"
    args = ["--table", task.spec, "--items", "7", "--p", "0.8", "--task-seed", "2"]
    result = run("compile", str(model), *args, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "100.00 % of cared output bits right" in result.output  # the planted circuit's rows


def test_optimize_makes_an_epfl_circuit_smaller_and_proves_it(tmp_path):
    source = DATA / "epfl" / "ctrl.aig"
    out = tmp_path / "ctrl.blif"
    result = run("optimize", str(source), "-o", str(out))
    assert result.exit_code == 0, result.output
    before, after = map(int, re.search(r"optimised:  (\d+) → (\d+) AND2", result.output).groups())
    assert after < before == 174 and "proven equal" in result.output
    written = read_netlist(out)
    assert and2_count(written) == after
    assert equivalent(read_netlist(source), written).equal


def test_optimize_with_max_ands_writes_nothing_and_exits_1_when_over(tmp_path):
    out = tmp_path / "ctrl.aig"
    result = run("optimize", str(DATA / "epfl" / "ctrl.aig"), "-o", str(out), "--max-ands", "50")
    assert result.exit_code == 1 and "more than --max-ands 50" in result.output
    assert not out.exists()


def test_optimize_writes_nothing_and_exits_3_when_the_proof_gives_up(tmp_path, monkeypatch):
    import btfsynth.cli.optimize as command

    monkeypatch.setattr(command, "_prove", lambda a, b, care, conflicts: (None, ""))
    out = tmp_path / "ctrl.aig"
    result = run("optimize", str(DATA / "epfl" / "ctrl.aig"), "-o", str(out), "--conflicts", "5")
    assert result.exit_code == 3 and "not proven equal within 5 SAT conflicts" in result.output
    assert not out.exists()
