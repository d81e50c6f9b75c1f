"""Don't-cares: the 7-segment decoder's unused codes, ``--dc-unseen``, and the proofs that
skip exactly the free output bits."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from btfsynth import compile_network, learn
from btfsynth.cli.compare import ABC
from btfsynth.cli.main import main
from btfsynth.exporters import read_netlist, read_table
from btfsynth.passes import and2_count
from btfsynth.sim import verify
from btfsynth.tasks import multiplier
from btfsynth.truthtable import TruthTable, all_input_rows

SEG7 = Path(__file__).resolve().parents[1] / "examples" / "seg7.pla"


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def seg7_model(tmp_path_factory):
    path = tmp_path_factory.mktemp("seg7") / "seg7.json"
    result = run("learn", SEG7, "--widths", "4-8-7", "--restarts", "8", "--seed", "1", "-q",
                 "-o", path)  # fmt: skip
    assert result.exit_code == 0, result.output
    return path


def test_the_decoder_table_has_its_unused_codes_as_dont_cares():
    table = read_table(SEG7)
    assert table.is_complete and table.n_rows == 16
    free = ~table.care_rows()
    assert free[10:].all() and not free[:10].any()


def test_learn_leaves_out_rows_whose_outputs_are_all_dont_cares():
    table = read_table(SEG7)
    result = learn(table, [4, 8, 7], restarts=8, seed=1)
    assert result.solved
    rows = all_input_rows(4)[:10]
    assert np.array_equal(result.network.predict(rows), table.complete().outputs[:10])


def test_learn_refuses_rows_with_only_some_dont_care_outputs():
    care = np.ones((4, 2), dtype=bool)
    care[1, 0] = False
    table = TruthTable.from_outputs(np.zeros((4, 2), dtype=np.uint8), care)
    with pytest.raises(Exception, match="all cared for or all don't-cares"):
        learn(table, [2, 2], max_iter=10)


def test_compile_uses_the_tables_dont_cares_and_proves_the_cared_rows(seg7_model, tmp_path):
    out = tmp_path / "seg7.blif"
    plain = run("compile", seg7_model, "-o", tmp_path / "plain.blif")
    result = run("compile", seg7_model, "--table", SEG7, "-o", out, "--compare")
    assert result.exit_code == 0 and plain.exit_code == 0, result.output + plain.output
    assert "42 don't-care output bits free" in result.output
    assert "equal to the network on every cared output of all 16 input rows" in result.output
    written = read_netlist(out)
    assert verify(written, read_table(SEG7)).ok
    with_dc = and2_count(written)
    assert with_dc < and2_count(read_netlist(tmp_path / "plain.blif"))
    espresso = int(re.search(r"espresso \+ optimiser (\d+)", result.output).group(1))
    assert with_dc <= espresso  # the learned path alone reaches the two-level baseline


def test_dc_unseen_frees_the_rows_a_sampled_table_lacks():
    table = multiplier(2).table.sample(12, seed=3)
    result = learn(table, [4, 4, 4, 4], restarts=8, seed=1)
    kept = compile_network(result.network, table)
    free = compile_network(result.network, table, dont_cares="unseen")
    assert kept.report.dont_cares == 0 and free.report.dont_cares == 4 * 4
    rows = all_input_rows(4)
    assert np.array_equal(kept.netlist.evaluate(rows), result.network.predict(rows))
    assert verify(free.netlist, table).ok
    assert and2_count(free.netlist) <= and2_count(kept.netlist)


def test_optimize_with_a_table_keeps_only_the_cared_rows(seg7_model, tmp_path):
    full = tmp_path / "full.blif"
    assert run("compile", seg7_model, "-o", full).exit_code == 0
    out = tmp_path / "dc.blif"
    result = run("optimize", full, "--table", SEG7, "-o", out, "--budget", "30s")
    assert result.exit_code == 0, result.output
    assert "proven equal on every cared row" in result.output
    assert verify(read_netlist(out), read_table(SEG7)).ok
    assert and2_count(read_netlist(out)) < and2_count(read_netlist(full))


def test_optimize_dc_unseen_needs_a_table(seg7_model, tmp_path):
    full = tmp_path / "full.blif"
    assert run("compile", seg7_model, "-o", full).exit_code == 0
    result = run("optimize", full, "--dc-unseen", "-o", tmp_path / "x.blif")
    assert result.exit_code == 2 and "--dc-unseen needs --table" in result.output


BAD_BUDGETS = [("fast", "give a time"), ("3parsecs", "unknown unit"), ("2e6it", "a time budget")]


@pytest.mark.parametrize(("text", "message"), BAD_BUDGETS)
def test_a_bad_budget_is_one_line_and_exit_2(seg7_model, tmp_path, text, message):
    result = run("compile", seg7_model, "-o", tmp_path / "x.blif", "--budget", text)
    assert result.exit_code == 2 and message in result.output


@pytest.mark.skipif(ABC is None, reason="needs ABC (berkeley-abc or abc on PATH)")
def test_optimize_abc_keeps_the_smaller_proven_circuit(tmp_path):
    from fmt_helpers import DATA

    source = DATA / "epfl" / "ctrl.aig"
    ours, theirs = tmp_path / "ours.aig", tmp_path / "abc.aig"
    assert run("optimize", source, "-o", ours).exit_code == 0
    result = run("optimize", source, "-o", theirs, "--abc")
    assert result.exit_code == 0 and "proven equal (on all 128 input rows)" in result.output
    written = read_netlist(theirs)
    assert and2_count(written) <= and2_count(read_netlist(ours))
    assert written.input_names == read_netlist(source).input_names
