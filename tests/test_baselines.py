"""Baselines from the bare truth table: espresso's cover, and the ``--compare`` line."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner
from fmt_helpers import DATA

from btfsynth.baselines import espresso_netlist, has_trees, tree_netlist
from btfsynth.cli.compare import ABC, comparison
from btfsynth.cli.main import main
from btfsynth.errors import BtfsynthError
from btfsynth.tasks import multiplier, random_rows
from btfsynth.truthtable import TruthTable, all_input_rows


@pytest.mark.parametrize("seed", range(6))
def test_espresso_cover_equals_the_table_on_every_cared_bit(seed):
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 6)), int(rng.integers(1, 4))
    rows = all_input_rows(n)[rng.permutation(1 << n)]  # any row order
    outputs = rng.integers(0, 2, (1 << n, m), dtype=np.uint8)
    care = rng.random((1 << n, m)) < 0.8
    table = TruthTable(rows, outputs, care)
    got = espresso_netlist(table).evaluate(rows)
    assert np.array_equal(got[care], outputs[care])


@pytest.mark.parametrize("maker", [espresso_netlist, tree_netlist])
@pytest.mark.parametrize("n", [8, 40])
def test_a_sampled_table_of_any_width_is_met_on_every_cared_row(maker, n):
    if maker is tree_netlist and not has_trees():
        pytest.skip("the decision-tree baseline needs scikit-learn")
    rng = np.random.default_rng(n)
    rows = random_rows(n, 60, seed=n)
    outputs = (rows[:, :3].sum(axis=1, keepdims=True) >= 2).astype(np.uint8) ^ rng.integers(
        0, 2, (60, 2), dtype=np.uint8
    )
    care = rng.random((60, 2)) < 0.9
    table = TruthTable(rows, outputs, care)
    got = maker(table).validate().evaluate(rows)
    assert np.array_equal(got[care], outputs[care])


def test_espresso_generalises_a_simple_function_from_few_rows():
    """OR of two of 12 inputs, from 200 rows: the minimal cover is the function itself."""
    rows = random_rows(12, 200, seed=1)
    table = TruthTable(rows, rows[:, [2]] | rows[:, [7]])
    cover = espresso_netlist(table)
    everything = all_input_rows(12)
    assert np.array_equal(cover.evaluate(everything)[:, 0], everything[:, 2] | everything[:, 7])


def test_trees_need_scikit_learn(monkeypatch):
    import builtins

    real = builtins.__import__

    def without_sklearn(name, *args, **kwargs):
        if name.startswith("sklearn"):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_sklearn)
    assert not has_trees()
    with pytest.raises(BtfsynthError, match="scikit-learn"):
        tree_netlist(multiplier(2).table)


def test_compare_line_names_both_baselines():
    netlist = espresso_netlist(multiplier(2).table)
    line = comparison(netlist, multiplier(2).table)
    assert line.startswith("compare:    this circuit ") and "espresso + optimiser 8" in line
    assert ("ABC resyn2 8" if ABC else "ABC resyn2 - (no ABC)") in line


def test_optimize_compare_prints_the_baselines(tmp_path):
    result = CliRunner().invoke(
        main,
        ["optimize", str(DATA / "epfl" / "ctrl.aig"), "-o", str(tmp_path / "c.aig"), "--compare"],
    )
    assert result.exit_code == 0, result.output
    assert "from the bare table: espresso + optimiser" in result.output


def test_compile_compare_prints_the_baselines(tmp_path):
    from test_cli_compile import implied_and

    _, model = implied_and(tmp_path)
    result = CliRunner().invoke(
        main, ["compile", model, "-o", str(tmp_path / "c.blif"), "--compare"]
    )
    assert result.exit_code == 0, result.output
    assert "compare:    this circuit 1 AND2; from the bare table: espresso + optimiser 1" in (
        result.output
    )
