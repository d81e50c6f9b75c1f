"""Exact resynthesis of windows (btfsynth.passes.resynth): the function kept, never larger,
and the learned multipliers brought to their best known sizes."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from fmt_helpers import DATA, netlists
from hypothesis import given, settings

from btfsynth import compile_network, learn
from btfsynth.exporters.model import read_result
from btfsynth.passes import and2_count, optimize
from btfsynth.passes.resynth import resynthesize
from btfsynth.tasks import multiplier
from btfsynth.truthtable import all_input_rows


def same_function(a, b) -> bool:
    rows = all_input_rows(a.n_inputs)
    return np.array_equal(a.evaluate(rows), b.evaluate(rows))


@settings(max_examples=60, deadline=None)
@given(netlists(max_inputs=8, max_gates=16))
def test_resynthesis_keeps_the_function_and_never_grows(nl):
    out = resynthesize(nl, windows=20).validate()
    assert same_function(out, nl)
    assert out.input_names == nl.input_names and out.output_names == nl.output_names
    assert and2_count(out) <= and2_count(nl)
    assert resynthesize(nl, windows=20) == out  # deterministic


def test_a_learned_2x2_multiplier_of_9_ands_becomes_the_optimum_8():
    network = learn(multiplier(2).table, [4, 4, 4, 4], seed=36).network
    plain = compile_network(network, effort=None).netlist
    out = resynthesize(plain)
    assert same_function(out, plain) and and2_count(out) == 8 < and2_count(plain)


def test_windows_shrink_the_learned_3x3_multiplier(monkeypatch):
    network = read_result(DATA / "learned" / "mult3.json").network
    fast = optimize.SCRIPTS["fast"]
    monkeypatch.setitem(optimize.SCRIPTS, "fast", replace(fast, windows=0))
    start = compile_network(network).netlist  # mockturtle and our resubstitution alone
    out = resynthesize(start)
    assert same_function(out, start)
    assert and2_count(out) < and2_count(start) == 37
