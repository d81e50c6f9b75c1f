"""Don't-cares: the learner's per-output care masks, the 7-segment decoder's unused codes,
``--dc-unseen``, and the proofs that skip exactly the free output bits."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from btfsynth import compile_network, learn
from btfsynth.cli.compare import ABC
from btfsynth.cli.main import main
from btfsynth.dataset import Dataset
from btfsynth.errors import BtfsynthError
from btfsynth.exporters import boolearn, read_netlist, read_table, write_table
from btfsynth.exporters.model import read_result
from btfsynth.passes import and2_count
from btfsynth.rrr.snap import items_correct
from btfsynth.rrr.solve import score
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


def partial_dont_cares(table: TruthTable, fraction: float, seed: int) -> TruthTable:
    """``table`` with about ``fraction`` of its output bits made don't-cares, their stored bits
    flipped: a learner that still imposed them would have to learn a scrambled function."""
    care = np.random.default_rng(seed).uniform(size=table.outputs.shape) >= fraction
    outputs = np.where(care, table.outputs, 1 - table.outputs)
    return TruthTable(table.inputs, outputs, care, table.input_names, table.output_names, "dc")


def right_on_cared_bits(network, table: TruthTable) -> bool:
    return bool(np.all((network.predict(table.inputs) == table.outputs) | ~table.care))


def test_learn_trains_on_the_cared_outputs_of_rows_with_some_dont_cares():
    """Every row of the full adder twice, each output bit cared for in one copy and a flipped
    don't-care in the other: imposing the don't-cares would contradict the cared bits."""
    adder = TruthTable.from_function(3, 2, lambda a, b, c: ((a & b) | (c & (a ^ b)), a ^ b ^ c))
    first = np.random.default_rng(2).uniform(size=adder.outputs.shape) < 0.5
    care = np.concatenate([first, ~first])
    outputs = np.tile(adder.outputs, (2, 1))
    table = TruthTable(np.tile(adder.inputs, (2, 1)), np.where(care, outputs, 1 - outputs), care)
    assert (care.any(axis=1) & ~care.all(axis=1)).sum() >= 8  # rows with some don't-cares
    result = learn(table, [3, 4, 2], restarts=20, seed=0)
    assert result.solved and result.exact_on_train and result.train_accuracy == 1.0
    assert np.array_equal(result.network.predict(adder.inputs), adder.outputs)
    assert right_on_cared_bits(result.network, table)


def test_a_2x2_multiplier_with_30_percent_dont_care_bits_learns_from_a_pla(tmp_path):
    table = partial_dont_cares(multiplier(2).table, 0.3, seed=0)
    source, out = tmp_path / "mult2dc.pla", tmp_path / "mult2dc.json"
    write_table(table, source)
    assert "-" in source.read_text()
    result = run("learn", source, "--widths", "4-4-4-4", "--restarts", "20", "-q", "-o", out)
    assert result.exit_code == 0, result.output
    assert "train accuracy 100.00%" in result.output
    learned = read_result(out)
    assert learned.solved and learned.exact_on_train
    assert right_on_cared_bits(learned.network, read_table(source))


def test_accuracy_counts_only_the_cared_bits():
    """Right cared bits over cared bits: the wrong don't-care bits count for nothing."""
    net = learn(multiplier(2).table, [4, 4, 4, 4], seed=12).network  # exact
    table = multiplier(2).table
    wrong = np.zeros(table.outputs.shape, dtype=bool)
    wrong[[1, 5, 9], [0, 2, 3]] = True  # three bits wrong ...
    care = ~wrong
    care[[2, 7], [1, 1]] = False  # ... made don't-cares, with two right bits
    targets = np.where(wrong, 1 - table.outputs, table.outputs)
    inputs = 2.0 * table.inputs - 1
    assert score(net, inputs, targets, care) == 1.0
    assert score(net, inputs, targets) == 1 - 3 / targets.size
    care[1, 0] = True  # one wrong bit cared for again
    assert score(net, inputs, targets, care) == 1 - 1 / np.count_nonzero(care)
    flags = items_correct(net, *net.forward(inputs), targets, care)
    assert np.flatnonzero(~flags).tolist() == [1]


def test_an_all_true_care_mask_gives_the_run_without_one_bit_for_bit():
    data = multiplier(2).dataset
    assert data.care is None
    masked = replace(data, care=np.ones(data.targets.shape, dtype=bool))
    plain_runs = learn(data, [4, 4, 4, 4], restarts=4, seed=10, stop_at_first=False)
    masked_runs = learn(masked, [4, 4, 4, 4], restarts=4, seed=10, stop_at_first=False)
    timeless = [[{k: v for k, v in run.items() if k != "seconds"} for run in r.runs]
                for r in (plain_runs, masked_runs)]  # fmt: skip
    assert timeless[0] == timeless[1] and plain_runs.history == masked_runs.history
    assert sum(run["solved"] for run in timeless[0]) >= 1
    assert np.array_equal(plain_runs.raw_network.weights, masked_runs.raw_network.weights)
    assert np.array_equal(plain_runs.network.weights, masked_runs.network.weights)


def test_items_keep_their_care_mask_through_take_and_tables():
    table = partial_dont_cares(multiplier(2).table, 0.5, seed=1)
    data = Dataset.from_table(table)
    cared = table.care.any(axis=1)
    assert data.n_items == cared.sum() and np.array_equal(data.care, table.care[cared])
    part = data.take(slice(2, 9))
    assert np.array_equal(part.care, data.care[2:9])
    back = part.to_table()
    assert np.array_equal(back.care, part.care) and np.array_equal(back.outputs, part.targets)
    assert Dataset.from_table(multiplier(2).table).care is None
    with pytest.raises(BtfsynthError, match="no don't-cares"):
        boolearn.format_dat(data)


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
