"""Netlist IR: building, validation, the reference evaluator, statistics, networkx view."""

import numpy as np
import pytest

from btfsynth import Gate, Kind, Netlist, Signal
from btfsynth.netlist import NetlistError, to_networkx
from btfsynth.passes.stats import netlist_stats
from btfsynth.truthtable import all_input_rows


def full_adder() -> Netlist:
    nl = Netlist(name="fa")
    a, b, c = (nl.add_input(x) for x in "abc")
    nl.add_output(nl.add_gate(Kind.XOR, [a, b, c]), "sum")
    nl.add_output(nl.add_gate(Kind.MAJ, [a, b, c]), "carry")
    return nl


def test_reference_evaluator_computes_a_full_adder():
    rows = all_input_rows(3)
    out = full_adder().evaluate(rows)
    total = rows.sum(axis=1)
    assert out[:, 0].tolist() == (total % 2).tolist()
    assert out[:, 1].tolist() == (total >= 2).astype(int).tolist()


@pytest.mark.parametrize(
    "kind, kw, expected",
    [
        (Kind.AND, {}, [0, 0, 0, 1]),
        (Kind.OR, {}, [0, 1, 1, 1]),
        (Kind.XOR, {}, [0, 1, 1, 0]),
        (Kind.THRESHOLD, {"weights": (2, -1), "threshold": 1}, [0, 0, 1, 1]),
        (Kind.SOP, {"cover": ("01", "10")}, [0, 1, 1, 0]),
        (Kind.SOP, {"cover": ("11",), "onset": False}, [1, 1, 1, 0]),
    ],
)
def test_every_two_input_kind_evaluates_as_documented(kind, kw, expected):
    nl = Netlist()
    a, b = nl.add_input("a"), nl.add_input("b")
    nl.add_output(nl.add_gate(kind, [a, b], **kw), "y")
    assert nl.evaluate(all_input_rows(2))[:, 0].tolist() == expected


def test_inversion_flags_apply_on_fanins_and_outputs():
    nl = Netlist()
    a, b = nl.add_input("a"), nl.add_input("b")
    g = nl.add_gate(Kind.AND, [~a, b])
    nl.add_output(~g, "nand")
    nl.add_output(nl.add_const(True), "one")
    assert nl.evaluate(all_input_rows(2)).tolist() == [[1, 1], [0, 1], [1, 1], [1, 1]]


@pytest.mark.parametrize(
    "gates, message",
    [
        ([Gate(Kind.INPUT, name="a"), Gate(Kind.MAJ, (Signal(0), Signal(0)))], "odd number"),
        ([Gate(Kind.INPUT, name="a"), Gate(Kind.NOT, ())], "exactly one fan-in"),
        ([Gate(Kind.INPUT, name="a"), Gate(Kind.AND, (Signal(1),))], "not before it"),
        ([Gate(Kind.INPUT, name="a"), Gate(Kind.SOP, (Signal(0),), cover=("10",))], "cube '10'"),
        ([Gate(Kind.INPUT, name="a"), Gate(Kind.THRESHOLD, (Signal(0),))], "0 weights"),
        ([Gate(Kind.INPUT, name="a"), Gate(Kind.INPUT, name="a")], "duplicate input name"),
    ],
)
def test_validate_names_the_problem(gates, message):
    with pytest.raises(NetlistError, match=message):
        Netlist(gates).validate()


def test_add_refuses_forward_references():
    nl = Netlist()
    with pytest.raises(NetlistError, match="not before it"):
        nl.add_gate(Kind.NOT, [Signal(0)])


def test_stats_count_kinds_and2_and_depth():
    s = netlist_stats(full_adder())
    assert s.by_kind == {"xor": 1, "maj": 1} and s.gates == 2
    assert s.and2 == 9  # XOR3 as two XOR2 of three ANDs each; MAJ3 shares an AND of a XOR2
    assert s.depth == 1 and s.and2_depth >= 3


def test_networkx_view_has_one_edge_per_fanin():
    g = to_networkx(full_adder())
    assert g.number_of_nodes() == 5 and g.number_of_edges() == 6
    assert g.graph["outputs"][1] == ("carry", Signal(4))
    assert np.all([g.nodes[i]["kind"] is Kind.INPUT for i in range(3)])
