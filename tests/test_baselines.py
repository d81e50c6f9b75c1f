"""Baselines from the bare truth table: espresso's cover, and the ``--compare`` line."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner
from fmt_helpers import DATA

from btfsynth.baselines import espresso_netlist
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


def test_espresso_refuses_a_sampled_table():
    table = TruthTable(random_rows(8, 20, seed=0), np.zeros((20, 1), dtype=np.uint8))
    with pytest.raises(BtfsynthError, match="complete table"):
        espresso_netlist(table)


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
