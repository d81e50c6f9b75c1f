"""Resubstitution with don't-cares (btfsynth.passes.resub): equal on every cared row, smaller."""

from __future__ import annotations

import numpy as np
from fmt_helpers import DATA, netlists
from hypothesis import given, settings
from hypothesis import strategies as st

from btfsynth.compile import compile_network
from btfsynth.exporters.model import read_result
from btfsynth.netlist import Kind, Netlist
from btfsynth.passes import and2_count
from btfsynth.passes.aignet import input_words
from btfsynth.passes.resub import resubstitute
from btfsynth.truthtable import all_input_rows


def test_input_words_hold_the_canonical_rows():
    words = input_words(7)
    rows = all_input_rows(7)
    bits = np.unpackbits(words.view(np.uint8), axis=1, bitorder="little")
    assert np.array_equal(bits.T, rows)


@settings(max_examples=150, deadline=None)
@given(netlists(max_inputs=5, max_gates=14))
def test_resubstitution_keeps_the_function_and_never_grows(nl):
    out = resubstitute(nl).validate()
    rows = all_input_rows(nl.n_inputs)
    assert np.array_equal(out.evaluate(rows), nl.evaluate(rows))
    assert out.input_names == nl.input_names and out.output_names == nl.output_names
    assert and2_count(out) <= and2_count(nl)
    assert resubstitute(nl) == out  # deterministic


@settings(max_examples=150, deadline=None)
@given(netlists(max_inputs=5, max_gates=14), st.data())
def test_with_a_care_set_only_the_cared_rows_keep_their_values(nl, data):
    rows = all_input_rows(nl.n_inputs)
    bits = data.draw(
        st.lists(
            st.booleans(),
            min_size=rows.shape[0] * nl.n_outputs,
            max_size=rows.shape[0] * nl.n_outputs,
        )
    )
    care = np.array(bits, dtype=bool).reshape(rows.shape[0], nl.n_outputs)
    out = resubstitute(nl, care)
    assert np.array_equal(out.evaluate(rows)[care], nl.evaluate(rows)[care])
    assert and2_count(out) <= and2_count(nl)


def test_a_dont_care_removes_the_gate_it_makes_redundant():
    nl = Netlist()
    a, b = nl.add_input("a"), nl.add_input("b")
    nl.add_output(nl.add_gate(Kind.AND, [a, b]), "y")
    care = np.array([[False], [False], [True], [True]])  # only rows with a = 1 matter: y = b
    out = resubstitute(nl, care)
    assert and2_count(out) == 0
    assert out.outputs[0].gate == out.inputs[1]


def test_the_learned_3x3_multiplier_shrinks_below_abc_on_its_table():
    network = read_result(DATA / "learned" / "mult3.json").network
    plain = compile_network(network, effort=None).netlist
    out = resubstitute(plain)
    rows = all_input_rows(6)
    assert np.array_equal(out.evaluate(rows), plain.evaluate(rows))
    assert and2_count(out) <= 61 < and2_count(plain)  # ABC resyn2 on the bare table: 61
