"""The AIG optimiser (btfsynth.passes.optimize): equal function, never larger, deterministic."""

from __future__ import annotations

import numpy as np
from fmt_helpers import netlists
from hypothesis import given, settings

from btfsynth import compile_network, learn
from btfsynth.netlist import Kind, Netlist
from btfsynth.passes import and2_count
from btfsynth.passes.optimize import from_aigverse, optimize, to_aigverse
from btfsynth.tasks import multiplier
from btfsynth.truthtable import all_input_rows


def same_function(a: Netlist, b: Netlist) -> bool:
    rows = all_input_rows(a.n_inputs)
    return np.array_equal(a.evaluate(rows), b.evaluate(rows))


@settings(max_examples=150, deadline=None)
@given(netlists(max_inputs=5, max_gates=12))
def test_optimize_keeps_the_function_and_the_interface_and_never_grows(nl):
    for effort in ("fast", "high"):
        out = optimize(nl, effort).validate()
        assert same_function(out, nl)
        assert out.input_names == nl.input_names and out.output_names == nl.output_names
        assert and2_count(out) <= and2_count(nl)
        assert optimize(nl, effort) == out  # deterministic


@settings(max_examples=50, deadline=None)
@given(netlists(max_inputs=5, max_gates=12))
def test_the_aigverse_round_trip_keeps_the_function(nl):
    back = from_aigverse(to_aigverse(nl), nl)
    assert same_function(back, nl) and {g.kind for g in back.gates} <= {
        Kind.INPUT,
        Kind.CONST0,
        Kind.AND,
    }


def test_a_learned_2x2_multiplier_compiles_to_the_optimum_of_8_ands():
    table = multiplier(2).table
    learned = learn(table, [4, 4, 4, 4], seed=12, restarts=4)
    plain = compile_network(learned.network, effort=None)
    result = compile_network(learned.network)
    assert and2_count(result.netlist) == 8 <= and2_count(plain.netlist)
    assert result.report.optimized == ("fast", and2_count(plain.netlist), 8)
    assert np.array_equal(result.netlist.evaluate(table.inputs), table.outputs)
