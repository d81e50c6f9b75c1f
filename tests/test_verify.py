"""verify / accuracy / equivalent: netlists against tables and against each other."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from conftest import third_party
from hypothesis import given, settings
from hypothesis import strategies as st
from test_sim import netlists

from btfsynth.errors import BtfsynthError
from btfsynth.netlist import Gate, Kind, Netlist, Signal
from btfsynth.sim import accuracy, equivalent, verify
from btfsynth.truthtable import TruthTable, all_input_rows


def multiplier(k: int, first: str = "a", second: str = "b", commuted: bool = False) -> Netlist:
    """A k×k array multiplier (AND partial products, XOR/MAJ full adders) of a and b (b·a
    when ``commuted``: the same function, other adder trees); inputs ``first`` then
    ``second``, MSB first; outputs p{2k-1} (MSB) .. p0, as the ``mult:k`` task names them."""
    nl = Netlist(name=f"mult{k}")
    x = {i: nl.add_input(f"{first}{i}") for i in range(k - 1, -1, -1)}
    y = {i: nl.add_input(f"{second}{i}") for i in range(k - 1, -1, -1)}
    names = {first: x, second: y}
    a, b = (names["b"], names["a"]) if commuted else (names["a"], names["b"])
    columns: list[list[Signal]] = [[] for _ in range(2 * k + 1)]
    for i in range(k):
        for j in range(k):
            columns[i + j].append(nl.add_gate(Kind.AND, [a[i], b[j]]))
    for c in range(2 * k):
        bits = columns[c]
        while len(bits) > 1:
            if len(bits) >= 3:
                p, q, r = bits.pop(), bits.pop(), bits.pop()
                bits.insert(0, nl.add_gate(Kind.XOR, [p, q, r]))
                columns[c + 1].append(nl.add_gate(Kind.MAJ, [p, q, r]))
            else:
                p, q = bits.pop(), bits.pop()
                bits.insert(0, nl.add_gate(Kind.XOR, [p, q]))
                columns[c + 1].append(nl.add_gate(Kind.AND, [p, q]))
    zero = nl.add_const(False)
    for c in range(2 * k - 1, -1, -1):
        nl.add_output(columns[c][0] if columns[c] else zero, f"p{c}")
    return nl


def mult_table(k: int) -> TruthTable:
    def f(*cols):
        a = sum(col.astype(np.int64) << (k - 1 - i) for i, col in enumerate(cols[:k]))
        b = sum(col.astype(np.int64) << (k - 1 - i) for i, col in enumerate(cols[k:]))
        return [(a * b >> (2 * k - 1 - i)) & 1 for i in range(2 * k)]

    names = [f"a{i}" for i in range(k - 1, -1, -1)] + [f"b{i}" for i in range(k - 1, -1, -1)]
    outputs = [f"p{c}" for c in range(2 * k - 1, -1, -1)]
    return TruthTable.from_function(2 * k, 2 * k, f, names, outputs)


def mutants(nl: Netlist, rng: np.random.Generator, count: int):
    """Copies of ``nl`` with one gate changed: a fan-in inverted or the kind swapped."""
    swaps = {Kind.AND: Kind.OR, Kind.OR: Kind.AND, Kind.XOR: Kind.AND, Kind.MAJ: Kind.XOR}
    candidates = [i for i, g in enumerate(nl.gates) if g.kind in swaps]
    for i in rng.choice(candidates, size=min(count, len(candidates)), replace=False):
        g = nl.gates[int(i)]
        if rng.random() < 0.5:
            e = int(rng.integers(len(g.fanins)))
            fanins = list(g.fanins)
            fanins[e] = ~fanins[e]
            new = g.with_fanins(fanins)
        else:
            new = dataclasses.replace(g, kind=swaps[g.kind])
        copy = nl.copy()
        copy.gates[int(i)] = new
        yield copy


def check_counterexamples(report, circuit: Netlist) -> None:
    """Every reported counterexample is a real input on which the circuit is wrong."""
    for c in report.counterexamples:
        row = np.array([[int(ch) for ch in c.inputs]], dtype=np.uint8)
        got = "".join(map(str, circuit.evaluate(row)[0]))
        assert got == c.got
        assert any(e != "-" and e != g for e, g in zip(c.expected, got))


def test_multiplier_verifies_and_every_single_gate_change_is_caught():
    table = mult_table(3)
    nl = multiplier(3)
    report = verify(nl, table)
    assert report.ok and report.rows_checked == 64 and report.bits_wrong == 0
    rng = np.random.default_rng(0)
    for mutant in mutants(nl, rng, 25):
        want = mutant.evaluate(table.inputs) != table.outputs
        report = verify(mutant, table, max_counterexamples=3)
        assert report.ok == (not want.any())
        assert report.rows_wrong == int(want.any(axis=1).sum())
        assert list(report.mismatches.values()) == want.sum(axis=0).tolist()
        assert len(report.counterexamples) == min(3, report.rows_wrong)
        check_counterexamples(report, mutant)


@settings(max_examples=60, deadline=None)
@given(netlists(max_inputs=6, max_gates=20), st.data())
def test_bit_flip_injection_is_caught_with_correct_counterexamples(nl, data):
    """Invert one fan-in of one gate: verify against the original's table fails exactly when
    the function changed, every counterexample is real, and equivalent() agrees."""
    gates = [i for i, g in enumerate(nl.gates) if g.fanins]
    if not gates:
        return
    i = data.draw(st.sampled_from(gates))
    e = data.draw(st.integers(0, len(nl.gates[i].fanins) - 1))
    mutant = nl.copy()
    fanins = list(nl.gates[i].fanins)
    fanins[e] = ~fanins[e]
    mutant.gates[i] = nl.gates[i].with_fanins(fanins)
    rows = all_input_rows(nl.n_inputs)
    table = TruthTable(rows, nl.evaluate(rows), input_names=nl.input_names,
                       output_names=nl.output_names)  # fmt: skip
    changed = (mutant.evaluate(rows) != table.outputs).any(axis=1)
    report = verify(mutant, table, max_counterexamples=4)
    assert report.ok == (not changed.any())
    assert report.rows_wrong == int(changed.sum())
    assert [c.row for c in report.counterexamples] == np.flatnonzero(changed)[:4].tolist()
    check_counterexamples(report, mutant)
    result = equivalent(nl, mutant)
    assert result.equal == (not changed.any())
    if not result.equal:
        row = int("".join(result.counterexample), 2)
        assert changed[row]


def test_multiplier_against_the_mult_task_table():
    from btfsynth.exporters.sources import read_table_or_task

    table = read_table_or_task("mult:3")
    assert verify(multiplier(3), table).ok
    assert verify(multiplier(3, commuted=True), table).ok
    misnamed = multiplier(3)
    misnamed.output_names.reverse()  # p0 now names the MSB: matched by name, wrong
    report = verify(misnamed, table)
    assert not report.ok and report.mismatches["p0"] > 0


def test_dont_cares_are_skipped_and_sampled_tables_work():
    table = mult_table(3)
    wrong = multiplier(3)
    wrong.outputs[0] = ~wrong.outputs[0]  # p5 (the MSB) complemented
    care = table.care.copy()
    care[:, 0] = False
    assert verify(wrong, dataclasses.replace(table, care=care)).ok
    sample = table.sample(20, seed=1)
    report = verify(wrong, sample)
    assert report.rows_checked == 20 and report.mismatches["p5"] == 20
    assert report.rows_wrong == 20 and report.bits_wrong == 20
    acc = accuracy(wrong, sample)
    assert acc.rows == 0.0 and acc.bits == pytest.approx(1 - 20 / (20 * 6))


def test_inputs_are_matched_by_name_or_by_position():
    table = mult_table(2)
    swapped = multiplier(2, first="b", second="a")  # b inputs first: same function by name
    assert verify(swapped, table).ok
    nl = multiplier(2)
    assert verify(swapped, table).notes == []
    renamed = TruthTable(table.inputs, table.outputs, input_names=("u", "v", "w", "x"))
    report = verify(nl, renamed)  # names differ: by position, and it says so
    assert report.ok and report.notes[0].startswith("inputs matched by position")
    assert "the table: u, v, w, … (1 more)" in report.notes[0]
    assert verify(nl, renamed, by_position=True).notes == []
    with pytest.raises(BtfsynthError, match="has 4 inputs, the table has 3"):
        verify(nl, TruthTable(all_input_rows(3), np.zeros((8, 4), dtype=np.uint8)))


def test_a_shared_name_at_another_position_is_refused_not_matched_by_position():
    table = mult_table(2)
    names = list(table.input_names)
    names[0], names[1] = names[1], "q"  # the table's second input's name moves to the first
    moved = TruthTable(table.inputs, table.outputs, input_names=names)
    with pytest.raises(BtfsynthError, match="different positions"):
        verify(multiplier(2), moved)
    assert verify(multiplier(2), moved, by_position=True).ok


def test_a_mismatch_summary_over_many_outputs_stays_short():
    nl = Netlist()
    x = nl.add_input("x")
    for k in range(256):
        nl.add_output(x, f"y{k}")
    table = TruthTable(all_input_rows(1), np.array([[0] * 256, [0] * 256], dtype=np.uint8),
                       input_names=["x"], output_names=[f"y{k}" for k in range(256)])  # fmt: skip
    report = verify(nl, table, max_counterexamples=0)
    assert not report.ok
    line = next(line for line in report.summary().splitlines() if "mismatches" in line)
    assert line.startswith("mismatches: y0: 1, y1: 1,")
    assert line.endswith("(248 more)") and len(line) < 200


def and_of(n: int, extra: bool = False) -> Netlist:
    nl = Netlist()
    ins = [nl.add_input(f"x{j}") for j in range(n)]
    nl.add_output(nl.add_gate(Kind.AND, ins), "y")
    nl.add_output(nl.add_gate(Kind.XOR, ins[:3]), "z")
    if extra:  # the AND of all inputs replaced by 0: differs on one row in 2^n
        nl.outputs[0] = Signal(nl.add_const(False).gate)
    return nl


def test_equivalent_exhaustive_with_counterexample():
    a, b = and_of(10), and_of(10, extra=True)
    assert equivalent(a, and_of(10)).status == "equivalent"
    result = equivalent(a, b)
    assert result.status == "different" and result.method == "exhaustive"
    assert result.counterexample == "1" * 10
    assert result.differing_outputs == ["y"]


def test_equivalent_rare_difference_found_by_sat():
    """A difference on one row in 2^40: random simulation misses it, SAT finds it."""
    result = equivalent(and_of(40), and_of(40, extra=True), random_patterns=10000)
    assert result.status == "different" and result.method == "sat"
    assert result.counterexample == "1" * 40


def absorbed(nl: Netlist, every: int = 7) -> Netlist:
    """An equivalent, structurally different copy: some AND gates g = x·y rewritten as
    x·y + x·y·z (absorption), which structural hashing cannot undo."""
    out = Netlist(name=nl.name)
    index: list[int] = []
    for i, g in enumerate(nl.gates):
        fanins = [Signal(index[f.gate], f.inverted) for f in g.fanins]
        if g.kind is Kind.AND and len(fanins) == 2 and i % every == 0 and i > 1:
            xy = out.add_gate(Kind.AND, fanins)
            xyz = out.add_gate(Kind.AND, [*fanins, Signal(index[i - 1])])
            index.append(out.add_gate(Kind.OR, [xy, xyz]).gate)
        else:
            index.append(out.add(Gate(g.kind, tuple(fanins), g.name, g.weights, g.threshold,
                                      g.cover, g.onset)).gate)  # fmt: skip
    for name, s in zip(nl.output_names, nl.outputs):
        out.add_output(Signal(index[s.gate], s.inverted), name)
    return out


def test_equivalent_proof_by_sat_and_time_limit():
    nl = multiplier(6)  # 12 inputs: exhaustive; make it wide with unused extra inputs
    wide = nl.copy()
    for j in range(25):
        wide.gates.insert(0, Gate(Kind.INPUT, name=f"pad{j}"))
    wide = Netlist(
        [g.with_fanins(Signal(f.gate + 25, f.inverted) for f in g.fanins) for g in wide.gates],
        [Signal(s.gate + 25, s.inverted) for s in nl.outputs], list(nl.output_names),
    )  # fmt: skip
    result = equivalent(wide, absorbed(wide), random_patterns=5000)
    assert result.status == "equivalent" and result.method == "sat"
    assert result.proved_by_sat > 0
    # Multiplier commutativity at 17 bits is far beyond a second of SAT: "unknown".
    result = equivalent(multiplier(17), multiplier(17, commuted=True), time_limit=1.0,
                        random_patterns=6400)  # fmt: skip
    assert result.status == "unknown" and "p33" in result.unknown_outputs
    assert result.counterexample is None


# -- the EPFL suite: BLIF against Verilog ---------------------------------------------------------
def read(name: str, ext: str) -> Netlist:
    readers = pytest.importorskip(f"btfsynth.exporters.{ {'blif': 'blif', 'v': 'verilog'}[ext] }")
    return readers.read_netlist(third_party(f"epfl/{name}.{ext}"))


def mutated(nl: Netlist, seed: int) -> Netlist:
    """Invert one fan-in of a random gate in the cone of output 0."""
    rng = np.random.default_rng(seed)
    cone, stack = set(), [nl.outputs[0].gate]
    while stack:
        g = stack.pop()
        if g not in cone:
            cone.add(g)
            stack += [f.gate for f in nl.gates[g].fanins]
    i = int(rng.choice(sorted(g for g in cone if nl.gates[g].fanins)))
    copy = nl.copy()
    fanins = list(copy.gates[i].fanins)
    fanins[0] = ~fanins[0]
    copy.gates[i] = copy.gates[i].with_fanins(fanins)
    return copy


@pytest.mark.parametrize("name, method", [("ctrl", "exhaustive"), ("dec", "exhaustive"),
                                          ("router", "sat")])  # fmt: skip
def test_epfl_blif_and_verilog_are_equivalent(name, method):
    blif, verilog = read(name, "blif"), read(name, "v")
    result = equivalent(blif, verilog)
    assert result.status == "equivalent" and result.method == method
    wrong = mutated(verilog, seed=1)
    result = equivalent(blif, wrong)
    assert result.status == "different"
    row = np.array([[int(c) for c in result.counterexample]], dtype=np.uint8)
    a, b = blif.evaluate(row)[0], wrong.evaluate(row)[0]
    assert "".join(map(str, a)) == result.outputs_a != result.outputs_b
    assert "".join(map(str, b)) == result.outputs_b


def test_epfl_router_restructured_is_proved_by_sat():
    blif = read("router", "blif")
    result = equivalent(blif, absorbed(read("router", "v"), every=3))
    assert result.status == "equivalent" and result.method == "sat"
    assert result.proved_by_sat > 0
