"""``synth``: the search's decisions (mode, cheap-first order, budget, overrides, the winner's
rule), its results and the ``synth`` command."""

from __future__ import annotations

import time

import numpy as np
import pytest
from click.testing import CliRunner

from btfsynth.budget import Budget
from btfsynth.cli.main import main
from btfsynth.exporters import read_netlist, write_table
from btfsynth.passes import and2_count
from btfsynth.sim import verify
from btfsynth.synth import choose_mode, synth
from btfsynth.synth.search import NoCircuit
from btfsynth.tasks import multiplier
from btfsynth.truthtable import TruthTable, all_input_rows

WORK = Budget(iterations=200_000)
"""An amount of work: the searches below are then the same on any machine."""


def and_xor() -> TruthTable:
    """y0 = a·b (one node meets it), y1 = a ⊕ b (it needs a hidden layer)."""
    rows = all_input_rows(2)
    outputs = np.stack([rows[:, 0] & rows[:, 1], rows[:, 0] ^ rows[:, 1]], axis=1)
    return TruthTable(rows, outputs, input_names=("a", "b"), output_names=("y0", "y1"))


def threshold8() -> TruthTable:
    """[3·x0 + 2·x1 + 2·x2 + x3 + x4 + x5 − x6 − 2·x7 ≥ 3] on all 256 rows."""
    rows = all_input_rows(8)
    weights = np.array([3, 2, 2, 1, 1, 1, -1, -2])
    return TruthTable(rows, (rows @ weights >= 3).astype(np.uint8)[:, None])


def test_the_mode_follows_the_rows_unless_forced():
    table = multiplier(2).table
    assert choose_mode(table)[0] == "exact"
    assert choose_mode(table.sample(10, seed=0))[0] == "generalise"
    assert choose_mode(table, "generalise") == ("generalise", "as asked (--mode)")


def test_cheap_first_one_node_per_output_then_a_small_network():
    result = synth(and_xor(), budget=WORK)
    labels = [t.label for t in result.tried]
    assert labels[0] == "y0: 2-1 σ3" and result.tried[0].exact  # AND: one node, met at once
    first_hidden = next(i for i, label in enumerate(labels) if label.count("-") == 2)
    assert all(label.startswith("y1: 2-1") for label in labels[1:first_hidden])  # σ rises
    assert labels[first_hidden] == "y1: 2-2-1 σ3"  # then XOR alone, two hidden nodes
    assert not any(label.startswith("y0") for label in labels[1:])  # met: never learned again
    assert result.winner.exact and verify(result.netlist, and_xor()).ok


def test_an_iteration_budget_makes_the_seed_decide_for_any_number_of_jobs():
    one = synth(multiplier(2).table, budget=WORK, seed=3, jobs=1)
    two = synth(multiplier(2).table, budget=WORK, seed=3, jobs=2)
    assert [t.line()[:60] for t in one.tried] == [t.line()[:60] for t in two.tried]
    assert [(a.kind, a.ands) for a in one.attempts] == [(a.kind, a.ands) for a in two.attempts]
    assert one.iterations == two.iterations <= WORK.iterations


def test_a_time_budget_is_kept_within_ten_percent():
    budget = 8.0
    start = time.monotonic()
    result = synth(multiplier(3).table, budget=Budget(seconds=budget))
    took = time.monotonic() - start
    assert took <= 1.1 * budget, f"{took:.1f} s for a budget of {budget} s"
    assert result.winner.exact  # espresso at least, whatever the learner reached


def test_the_exact_winner_is_never_bigger_than_espresso():
    result = synth(multiplier(2).table, budget=WORK)
    espresso = next(a for a in result.attempts if a.kind == "espresso")
    assert result.winner.ands <= espresso.ands and result.winner.exact
    assert and2_count(result.netlist) == result.winner.ands == 8


def test_hidden_and_sigma_override_the_search():
    result = synth(multiplier(2).table, budget=WORK, hidden=(4, 4), sigma=3.0)
    assert [t.label for t in result.tried] == ["4-4-4-4 σ3"]
    result = synth(and_xor(), budget=WORK, sigma=5.0)
    assert all(t.label.endswith("σ5") for t in result.tried)
    result = synth(multiplier(2).table, budget=WORK, hidden=(4, 4), max_iter=50, restarts=2,
                   beta=0.3, gamma=0.01)  # fmt: skip
    assert [t.iterations for t in result.tried] == [100] and result.attempts


def test_every_learn_flag_overrides_the_search_from_the_command(tmp_path):
    out = tmp_path / "m.v"
    args = ["synth", "mult:2", "-o", str(out), "--budget", "1e5it", "--widths", "4-4-4-4",
            "--sigma", "3", "--beta", "0.2", "--gamma", "1e-3", "--max-iter", "3000",
            "--gap-stop", "0.01", "--restarts", "2", "-q"]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "4-4-4-4 σ3" in result.output and out.exists()
    result = CliRunner().invoke(main, [*args[:6], "--widths", "3-4-4", "-q"])
    assert result.exit_code == 2 and "give 4-…-4" in result.output


def test_max_ands_leaves_out_bigger_circuits():
    result = synth(multiplier(2).table, budget=WORK, max_ands=8)
    assert result.winner.ands <= 8
    with pytest.raises(NoCircuit, match="at most 3 AND2"):
        synth(multiplier(2).table, budget=Budget(iterations=1_000), max_ands=3)


def test_generalising_chooses_on_held_out_rows_and_refits_on_all():
    train, test = threshold8().split(200, seed=1)
    result = synth(train, budget=Budget(iterations=100_000), test=test)
    assert result.mode == "generalise" and result.rows == (160, 40, 56)
    assert result.winner.kind == "learned" and result.winner.name.endswith("refitted on all rows")
    assert result.winner.test == 1.0 and result.winner.valid == 1.0


def test_ctrl_c_ends_the_search_with_the_best_circuit_so_far():
    def progress(event):
        if isinstance(event, str) and event.startswith("trying p1"):
            raise KeyboardInterrupt

    result = synth(multiplier(2).table, budget=WORK, progress=progress)
    assert result.stopped == "interrupted"
    assert result.winner.kind in ("espresso", "decision tree") and result.winner.exact


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_the_command_writes_a_verified_circuit_and_says_what_it_kept(tmp_path):
    out = tmp_path / "mult2.aig"
    result = run("synth", "mult:2", "-o", out, "--budget", "2e5it", "-q")
    assert result.exit_code == 0, result.output
    assert "mode:       exact" in result.output and "kept:       learned" in result.output
    circuit = read_netlist(out)
    assert verify(circuit, multiplier(2).table).ok and and2_count(circuit) == 8


def test_the_command_splits_train_and_test_rows(tmp_path):
    table = tmp_path / "t8.pla"
    write_table(threshold8().sample(256, seed=2), table)
    result = run("synth", table, "-o", tmp_path / "t8.v", "--train", "200", "--budget", "1e5it")
    assert result.exit_code == 0, result.output
    assert "160 rows fitted, 40 for validation, 56 test rows" in result.output
    assert "test 100.00%" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--budget", "soon"], "give a time"),
        (["--train", "3", "--test", "mult:2"], "--test or --train"),
        (["--hidden", "4,x"], "--hidden"),
        (["--mode", "fast"], "'fast' is not one of"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(tmp_path, args, message):
    result = run("synth", "mult:2", "-o", tmp_path / "x.v", *args)
    assert result.exit_code == 2 and message in result.output, result.output


def test_max_ands_with_no_circuit_writes_nothing_and_exits_1(tmp_path):
    out = tmp_path / "x.v"
    result = run("synth", "mult:2", "-o", out, "--budget", "1000it", "--max-ands", "3", "-q")
    assert result.exit_code == 1 and "nothing written" in result.output
    assert not out.exists()
