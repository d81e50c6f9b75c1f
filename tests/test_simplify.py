"""Simplification passes: each on hand-made netlists, and all of them on random netlists."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from btfsynth.netlist import Kind, Netlist, Signal
from btfsynth.passes.aig import and2_count, lower, to_and2
from btfsynth.passes.simplify import (
    fold_constants,
    push_inverters,
    remove_buffers,
    remove_dead,
    simplify,
    strash,
)
from btfsynth.truthtable import all_input_rows


def kinds(netlist: Netlist) -> list[str]:
    return [g.kind.value for g in netlist.gates if g.kind is not Kind.INPUT]


def same_function(a: Netlist, b: Netlist) -> bool:
    rows = all_input_rows(a.n_inputs)
    return np.array_equal(a.evaluate(rows), b.evaluate(rows))


def inputs(names: str) -> tuple[Netlist, list[Signal]]:
    nl = Netlist()
    return nl, [nl.add_input(x) for x in names]


def test_fold_constants_turns_maj_with_a_constant_into_and_or():
    nl, (a, b) = inputs("ab")
    zero, one = nl.add_const(False), nl.add_const(True)
    nl.add_output(nl.add_gate(Kind.MAJ, [a, ~b, zero]), "and")
    nl.add_output(nl.add_gate(Kind.MAJ, [a, b, one]), "or")
    nl.add_output(nl.add_gate(Kind.MAJ, [a, zero, ~zero]), "a")
    out = remove_dead(fold_constants(nl))
    assert kinds(out) == ["and", "or"]
    assert out.gates[2].fanins == (Signal(0), Signal(1, True))
    assert out.outputs[2] == Signal(0)
    assert same_function(out, nl)


def test_fold_constants_collapses_degenerate_fanins():
    nl, (a, b, c) = inputs("abc")
    one = nl.add_const(True)
    nl.add_output(nl.add_gate(Kind.AND, [a, ~a, b]), "zero")
    nl.add_output(nl.add_gate(Kind.OR, [a, b, ~b]), "one")
    nl.add_output(nl.add_gate(Kind.AND, [a, a, one]), "a")
    nl.add_output(nl.add_gate(Kind.MAJ, [a, a, b]), "maj_a")
    nl.add_output(nl.add_gate(Kind.MAJ, [a, ~a, c]), "c")
    nl.add_output(nl.add_gate(Kind.XOR, [a, b, c, a, ~one]), "b^c")
    nl.add_output(nl.add_gate(Kind.THRESHOLD, [a, b, one], weights=(1, 1, 1), threshold=2), "or2")
    nl.add_output(nl.add_gate(Kind.SOP, [a, one], cover=("10",), onset=True), "sop0")
    out = remove_dead(fold_constants(nl))
    assert kinds(out) == ["const0", "const1", "xor", "or", "const0"]
    assert out.outputs[2] == Signal(0) and out.outputs[3] == Signal(0)
    assert out.outputs[4] == Signal(2)
    assert out.gates[out.outputs[5].gate].fanins == (Signal(1), Signal(2))
    assert same_function(out, nl)


def test_fold_constants_reduces_threshold_gates():
    nl, (a, b, c) = inputs("abc")
    # 2a + b >= 2 is just a; 2a - 2b + 4c >= 2 is a + ¬b + 2c >= 2; 3a + 3b + 3c >= 4 is MAJ.
    nl.add_output(nl.add_gate(Kind.THRESHOLD, [a, b], weights=(2, 1), threshold=2), "a")
    nl.add_output(nl.add_gate(Kind.THRESHOLD, [a, b, c], weights=(2, -2, 4), threshold=2), "t")
    nl.add_output(nl.add_gate(Kind.THRESHOLD, [a, b, c], weights=(3, 3, 3), threshold=4), "m")
    out = remove_dead(fold_constants(nl))
    assert out.outputs[0] == Signal(0)
    t = out.gates[out.outputs[1].gate]
    assert t.kind is Kind.THRESHOLD and t.weights == (1, 1, 2) and t.threshold == 2
    assert t.fanins[1] == Signal(1, True)
    assert out.gates[out.outputs[2].gate].kind is Kind.MAJ
    assert same_function(out, nl)


def test_push_inverters_removes_not_gates_and_double_negation():
    nl, (a, b) = inputs("ab")
    n1 = nl.add_gate(Kind.NOT, [a])
    n2 = nl.add_gate(Kind.NOT, [n1])
    nl.add_output(nl.add_gate(Kind.AND, [~n1, ~b]), "nor_like")  # AND(a, ¬b): stays AND
    nl.add_output(n2, "a")
    nl.add_output(nl.add_gate(Kind.AND, [n1, ~b]), "nor")  # AND(¬a, ¬b) = ¬OR(a, b)
    nl.add_output(nl.add_gate(Kind.XOR, [n1, b]), "xnor")
    out = remove_dead(push_inverters(nl))
    assert "not" not in kinds(out)
    assert out.outputs[1] == Signal(0)
    nor = out.gates[out.outputs[2].gate]
    assert nor.kind is Kind.OR and out.outputs[2].inverted
    assert not any(f.inverted for f in nor.fanins)
    assert out.outputs[3].inverted and not any(f.inverted for f in out.gates[-1].fanins)
    assert same_function(out, nl)


def test_push_inverters_uses_self_duality_of_maj_and_threshold():
    nl, (a, b, c) = inputs("abc")
    nl.add_output(nl.add_gate(Kind.MAJ, [~a, ~b, c]), "maj")
    nl.add_output(nl.add_gate(Kind.THRESHOLD, [~a, ~b, c], weights=(2, 2, 1), threshold=3), "t")
    out = push_inverters(nl)
    for s in out.outputs:
        assert s.inverted and sum(f.inverted for f in out.gates[s.gate].fanins) == 1
    assert same_function(out, nl)


def test_remove_buffers():
    nl, (a, b) = inputs("ab")
    buf = nl.add_gate(Kind.BUF, [nl.add_gate(Kind.BUF, [~a])])
    nl.add_output(nl.add_gate(Kind.OR, [buf, b]), "y")
    nl.add_output(buf, "na")
    out = remove_buffers(nl)
    assert kinds(out) == ["or"]
    assert out.outputs[1] == Signal(0, True)
    assert same_function(out, nl)


def test_strash_merges_equal_gates_regardless_of_fanin_order():
    nl, (a, b, c) = inputs("abc")
    g1 = nl.add_gate(Kind.AND, [a, ~b], name="first")
    g2 = nl.add_gate(Kind.AND, [~b, a], name="second")
    m1 = nl.add_gate(Kind.MAJ, [g1, b, c])
    m2 = nl.add_gate(Kind.MAJ, [c, g2, b])
    other = nl.add_gate(Kind.AND, [a, b])  # different fan-in polarity: kept
    nl.add_output(m1, "m1")
    nl.add_output(m2, "m2")
    nl.add_output(other, "o")
    out = strash(nl)
    assert kinds(out) == ["and", "maj", "and"]
    assert out.gates[3].name == "first"
    assert out.outputs[0] == out.outputs[1]
    assert same_function(out, nl)


def test_remove_dead_keeps_unused_inputs_in_order():
    nl, (a, b, c) = inputs("abc")
    nl.add_gate(Kind.AND, [a, b])  # feeds nothing
    nl.add_output(nl.add_gate(Kind.OR, [a, c]), "y")
    out = remove_dead(nl)
    assert out.input_names == ["a", "b", "c"] and kinds(out) == ["or"]
    assert out.gates[3].fanins == (Signal(0), Signal(2))
    assert same_function(out, nl)


def test_to_and2_counts_and2_with_free_inverters():
    nl, (a, b, c) = inputs("abc")
    nl.add_output(nl.add_gate(Kind.MAJ, [a, b, c]), "m")
    nl.add_output(nl.add_gate(Kind.OR, [a, b]), "o")
    aig = to_and2(nl)
    assert set(kinds(aig)) == {"and"}
    assert and2_count(nl) == 4  # ab + c(a + b): the OR(a, b) is shared
    assert same_function(aig, nl)


# -- random netlists --------------------------------------------------------------------------
@st.composite
def netlists(draw) -> Netlist:
    n = draw(st.integers(1, 4))
    nl, _ = inputs("abcd"[:n])
    for _ in range(draw(st.integers(1, 6))):
        if draw(st.booleans()) and draw(st.booleans()):
            nl.add_const(draw(st.booleans()))
        kind = draw(
            st.sampled_from(
                [
                    Kind.BUF,
                    Kind.NOT,
                    Kind.AND,
                    Kind.OR,
                    Kind.XOR,
                    Kind.MAJ,
                    Kind.THRESHOLD,
                    Kind.SOP,
                ]
            )
        )
        arity = {Kind.BUF: 1, Kind.NOT: 1, Kind.MAJ: draw(st.sampled_from([1, 3, 5]))}.get(
            kind, draw(st.integers(1, 4))
        )
        fanins = [
            Signal(draw(st.integers(0, len(nl.gates) - 1)), draw(st.booleans()))
            for _ in range(arity)
        ]
        extra = {}
        if kind is Kind.THRESHOLD:
            extra = {
                "weights": tuple(draw(st.integers(-3, 3)) for _ in fanins),
                "threshold": draw(st.integers(-3, 5)),
            }
        if kind is Kind.SOP:
            cube = st.text(alphabet="01-", min_size=arity, max_size=arity)
            extra = {"cover": tuple(draw(st.lists(cube, max_size=3))), "onset": draw(st.booleans())}
        nl.add_gate(kind, fanins, **extra)
    for k in range(draw(st.integers(1, 3))):
        nl.add_output(Signal(draw(st.integers(0, len(nl.gates) - 1)), draw(st.booleans())), f"y{k}")
    return nl.validate()


@settings(max_examples=100, deadline=None)
@given(netlists())
def test_every_pass_keeps_the_function_and_the_interface(nl):
    for step in (fold_constants, push_inverters, remove_buffers, strash, remove_dead, to_and2):
        out = step(nl).validate()
        assert same_function(out, nl), step.__name__
        assert out.input_names == nl.input_names and out.output_names == nl.output_names


@settings(max_examples=100, deadline=None)
@given(netlists(), st.sets(st.sampled_from(list(Kind))))
def test_lowering_some_kinds_keeps_the_function_and_the_and2_count(nl, kept):
    out = lower(nl, lambda g: g.kind in kept).validate()
    assert same_function(out, nl)
    assert {g.kind for g in out.gates} <= kept | {Kind.INPUT, Kind.CONST0, Kind.AND}
    assert and2_count(out) == and2_count(nl)


@settings(max_examples=100, deadline=None)
@given(netlists())
def test_simplify_keeps_the_function_and_reaches_a_fixed_point(nl):
    out = simplify(nl).validate()
    assert same_function(out, nl)
    assert out.input_names == nl.input_names and out.output_names == nl.output_names
    again = simplify(out)
    assert again.gates == out.gates and again.outputs == out.outputs
    assert not {"buf", "not"} & set(kinds(out))
    assert len(out.gates) <= len(nl.gates)
