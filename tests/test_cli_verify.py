"""btfsynth verify / equiv / eval: exit statuses, counterexamples, error messages."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner
from test_cli_data import assert_one_line_error

from btfsynth.cli.main import main
from btfsynth.exporters import write_netlist, write_table
from btfsynth.exporters.model import network_to_dict, write_network
from btfsynth.netlist import Kind, Netlist
from btfsynth.network import ThresholdNetwork
from btfsynth.truthtable import TruthTable, all_input_rows


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(main, list(args), input=stdin)


def adder(wrong: bool = False, names: str = "abc") -> Netlist:
    """A full adder (sum, carry); ``wrong`` makes the carry an AND of all three inputs."""
    nl = Netlist(name="fa")
    a, b, c = (nl.add_input(x) for x in names)
    nl.add_output(nl.add_gate(Kind.XOR, [a, b, c]), "s")
    nl.add_output(nl.add_gate(Kind.AND if wrong else Kind.MAJ, [a, b, c]), "co")
    return nl


@pytest.fixture
def files(tmp_path):
    table = TruthTable.from_function(
        3, 2, lambda a, b, c: (a ^ b ^ c, (a & b) | (c & (a | b))), "abc", ("s", "co")
    )
    paths = {"table": tmp_path / "fa.pla", "good": tmp_path / "good.blif",
             "bad": tmp_path / "bad.blif", "renamed": tmp_path / "renamed.blif"}  # fmt: skip
    write_table(table, paths["table"])
    write_netlist(adder(), paths["good"])
    write_netlist(adder(wrong=True), paths["bad"])
    write_netlist(adder(names="xyz"), paths["renamed"])
    return {k: str(v) for k, v in paths.items()}


def test_verify_exit_statuses(files):
    result = run("verify", files["good"], files["table"])
    assert result.exit_code == 0 and "OK" in result.output
    result = run("verify", files["bad"], files["table"], "-k", "5")
    assert result.exit_code == 1 and "MISMATCH" in result.output
    # the carry is wrong exactly where two of the three inputs are 1
    assert "mismatches: co: 3" in result.output
    for bits in ("011", "101", "110"):
        assert f"inputs {bits}  expected 01  got 00" in result.output
    result = run("verify", files["good"] + ".missing.blif", files["table"])
    assert result.exit_code == 2 and result.output.startswith("error:")
    assert "Traceback" not in result.output


def test_verify_a_learned_model(tmp_path):
    net = ThresholdNetwork.layered([3, 4, 2], seed=3)
    rows = all_input_rows(3)
    write_table(TruthTable(rows, net.predict(rows)), tmp_path / "t.pla")
    write_network(net, tmp_path / "model.json")
    result = run("verify", str(tmp_path / "model.json"), str(tmp_path / "t.pla"))
    assert result.exit_code == 0, result.output
    learned = {"format": "btfsynth-learn-result", "version": 1, "network": network_to_dict(net)}
    (tmp_path / "result.json").write_text(json.dumps(learned))
    result = run("verify", str(tmp_path / "result.json"), str(tmp_path / "t.pla"))
    assert result.exit_code == 0, result.output


def test_verify_warns_when_it_matches_by_position(files):
    result = CliRunner().invoke(main, ["verify", files["renamed"], files["table"]])
    assert result.exit_code == 0
    assert result.stderr.startswith("warning: inputs matched by position")
    quiet = CliRunner().invoke(main, ["verify", files["renamed"], files["table"], "--by-position"])
    assert quiet.exit_code == 0 and "warning" not in quiet.stderr


def test_equiv(files):
    result = run("equiv", files["good"], files["good"])
    assert result.exit_code == 0 and "EQUIVALENT" in result.output
    result = run("equiv", files["good"], files["bad"])
    assert result.exit_code == 1 and "DIFFERENT" in result.output
    assert "differing: co" in result.output
    result = run("equiv", files["good"], files["renamed"])
    assert result.exit_code == 2 and "by position" in result.output
    result = run("equiv", files["good"], files["renamed"], "--by-position")
    assert result.exit_code == 0
    result = run("equiv", files["good"], files["good"], "--time-limit", "-1")
    assert result.exit_code == 2


def test_eval_rows_from_options_files_and_stdin(files, tmp_path):
    result = run("eval", files["good"], "--input", "110", "--input", "111")
    assert result.exit_code == 0
    assert result.output.splitlines()[1:] == ["110 01", "111 11"]
    rows = tmp_path / "rows.txt"
    rows.write_text("# a b c\n000\n\n1 0 0\n")
    result = run("eval", files["good"], "--rows", str(rows))
    assert result.output.splitlines()[1:] == ["000 00", "100 10"]
    result = run("eval", files["good"], "--rows", "-", stdin="011\n")
    assert result.output.splitlines()[1:] == ["011 01"]


def test_eval_bad_rows_name_the_line(files, tmp_path):
    rows = tmp_path / "rows.txt"
    rows.write_text("000\n0120\n")
    result = run("eval", files["good"], "--rows", str(rows))
    assert result.exit_code == 2
    assert result.output.strip() == f"error: {rows}:2: expected 3 bits of 0/1, got '0120'"
    assert run("eval", files["good"]).exit_code == 2


def test_eval_agrees_with_the_reference_evaluator(files):
    rows = all_input_rows(3)
    args = [a for r in rows for a in ("--input", "".join(map(str, r)))]
    result = run("eval", files["bad"], *args)
    got = [line.split()[1] for line in result.output.splitlines()[1:]]
    want = adder(wrong=True).evaluate(rows)
    assert got == ["".join(map(str, r)) for r in want.astype(np.uint8)]


def test_eval_circuits_without_outputs_or_inputs(tmp_path):
    no_outputs = tmp_path / "noout.blif"
    no_outputs.write_text(".model c\n.inputs a b\n.end\n")
    result = run("eval", str(no_outputs), "--input", "00", "--input", "10")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["# a b ->", "00", "10"]
    constant = tmp_path / "noin.blif"
    constant.write_text(".model c\n.outputs y\n.names y\n1\n.end\n")
    for args in ([], ["--input", ""]):
        result = run("eval", str(constant), *args)
        assert result.exit_code == 0, result.output
        assert result.output.splitlines() == ["# -> y", "1"]


def test_eval_refuses_empty_rows(files, tmp_path):
    assert_one_line_error(run("eval", files["good"], "--input", ""), "expected 3 bits", "''")
    blank = tmp_path / "blank.txt"
    blank.write_text("# only a comment\n\n")
    assert_one_line_error(run("eval", files["good"], "--rows", str(blank)), "no input rows")


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["equiv", "{good}", "{bad}", "--seed", "-1"], ["--seed", "-1"]),
        (["equiv", "{good}", "{bad}", "--patterns", "-5"], ["--patterns", "-5"]),
        (["equiv", "{good}", "{bad}", "--time-limit", "nan"], ["--time-limit", "nan"]),
        (["equiv", "{good}", "{bad}", "--time-limit", "0"], ["--time-limit", "positive"]),
        (["verify", "{good}", "{table}", "-k", "-1"], ["-1"]),
    ],
)
def test_bad_options_are_one_line_errors(files, args, fragments):
    result = run(*(a.format(**files) for a in args))
    assert_one_line_error(result, *fragments)
    assert result.stdout == ""


def test_verify_takes_the_task_options_of_its_table(files):
    result = run("verify", files["good"], "adder:1", "--items", "4")
    assert_one_line_error(result, "task 'adder:1' does not take items")
    result = run("verify", files["good"], files["table"], "--task-seed", "1")
    assert_one_line_error(result, "fa.pla: task options (--task-seed) apply to task specs")


def test_a_circuit_and_table_of_other_shapes_name_both_files(files, tmp_path):
    table = tmp_path / "one.pla"
    write_table(TruthTable(all_input_rows(3), np.zeros((8, 1), dtype=np.uint8)), table)
    result = run("verify", files["good"], str(table))
    assert_one_line_error(result, "good.blif against", "one.pla: the circuit has 2 outputs")
