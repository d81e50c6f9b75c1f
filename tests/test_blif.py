"""BLIF: the writer's output reads back to the same function; the reader takes what SIS, ABC
and Yosys write and reports malformed files as one-line ``file:line`` errors."""

from __future__ import annotations

import numpy as np
import pytest
from fmt_helpers import (
    DATA,
    assert_located_error,
    assert_same_function,
    assert_same_names,
    netlists,
    truth,
)
from hypothesis import HealthCheck, given, settings

from btfsynth.errors import FormatError
from btfsynth.exporters import blif
from btfsynth.exporters.blif import format_blif, parse_blif, read_netlist, write_netlist
from btfsynth.netlist import Kind, Netlist


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(netlists(), netlists(nice_names=True))
def test_round_trips_keep_the_function_and_legal_names(netlist, nicely_named):
    assert_same_function(netlist, parse_blif(format_blif(netlist)))
    assert_same_names(nicely_named, parse_blif(format_blif(nicely_named)))


def test_sis_style_file(tmp_path):
    nl = read_netlist(DATA / "fmt_sis.blif")
    assert nl.name == "fulladd"
    assert nl.input_names == ["a", "b", "cin"] and nl.output_names == ["sum", "cout", "one"]
    rows = truth(nl)
    for r, (a, b, c) in enumerate(((r >> 2) & 1, (r >> 1) & 1, r & 1) for r in range(8)):
        assert rows[r].tolist() == [a ^ b ^ c, int(a + b + c >= 2), 1]
    kinds = {g.name: g.kind for g in nl.gates}
    assert kinds["t"] is Kind.SOP and kinds["one"] is Kind.CONST1


def test_yosys_file_is_the_multiplier():
    nl = read_netlist(DATA / "fmt_yosys_mul.blif")
    assert nl.input_names == [f"a[{i}]" for i in range(3)] + [f"b[{i}]" for i in range(3)]
    assert nl.output_names == [f"p[{i}]" for i in range(6)] + ["q"]
    out = truth(nl)
    for r in range(64):
        bits = [(r >> (5 - j)) & 1 for j in range(6)]  # a[0] is the first input (MSB of r)
        a = bits[0] | bits[1] << 1 | bits[2] << 2
        b = bits[3] | bits[4] << 1 | bits[5] << 2
        p = sum(int(v) << i for i, v in enumerate(out[r, :6]))
        assert p == a * b
        assert out[r, 6] == (bits[4] if bits[0] else 1 - bits[5])


def test_single_cube_and_literal_covers_become_simple_gates():
    text = """.model m
.inputs a b c
.outputs y0 y1 y2 y3 y4 y5
.names a b y0
10 1
.names a b y1
00 0
.names a b c y2
1-- 1
-0- 1
--1 1
.names a y3
0 1
.names y4
0
.names a b y5
11 0
.end
"""
    nl = parse_blif(text)
    kinds = {g.name: g.kind for g in nl.gates}
    assert kinds == {
        "a": Kind.INPUT,
        "b": Kind.INPUT,
        "c": Kind.INPUT,
        "y0": Kind.AND,
        "y1": Kind.OR,
        "y2": Kind.OR,
        "y3": Kind.NOT,
        "y4": Kind.CONST0,
        "y5": Kind.OR,
    }
    out = truth(nl)
    a, b, c = (np.arange(8) >> 2) & 1, (np.arange(8) >> 1) & 1, np.arange(8) & 1
    assert out[:, 0].tolist() == (a & (1 - b)).tolist()
    assert out[:, 1].tolist() == (a | b).tolist()
    assert out[:, 2].tolist() == (a | (1 - b) | c).tolist()
    assert out[:, 4].tolist() == [0] * 8
    assert out[:, 5].tolist() == (1 - (a & b)).tolist()


def test_output_that_is_an_input_and_shared_gates():
    nl = Netlist(name="m")
    a, b = nl.add_input("a"), nl.add_input("b")
    g = nl.add_gate(Kind.MAJ, [a, b, ~a])
    nl.add_output(a, "copy")
    nl.add_output(g, "maj")
    nl.add_output(~g, "nmaj")
    nl.add_output(a, "a_again")
    back = parse_blif(format_blif(nl))
    assert_same_function(nl, back)
    assert back.output_names == ["copy", "maj", "nmaj", "a_again"]


def test_writer_layout_long_lines_and_header():
    nl = Netlist(name="wide")
    ins = [nl.add_input(f"input_number_{j}") for j in range(12)]
    nl.add_output(nl.add_gate(Kind.AND, ins), "y")
    text = format_blif(nl, source="wide.json")
    lines = text.splitlines()
    assert lines[0] == "# written by btfsynth from wide.json"
    assert "AND2 count 11" in lines[1]
    assert all(len(line) <= 80 for line in lines)
    assert any(line.endswith(" \\") for line in lines)
    assert lines[-1] == ".end"
    assert text.count(".names") == 1  # the AND is the output's own net


def test_gates_wider_than_yosys_allows_are_decomposed():
    nl = Netlist()
    x = [nl.add_input(f"x{j}") for j in range(14)]
    nl.add_output(nl.add_gate(Kind.XOR, x), "parity")
    text = format_blif(nl)
    widths = [len(line.split()) - 2 for line in text.splitlines() if line.startswith(".names")]
    assert max(widths) <= 12
    back = parse_blif(text)
    rows = np.random.default_rng(0).integers(0, 2, (500, 14), np.uint8)
    assert np.array_equal(back.evaluate(rows), nl.evaluate(rows))


def test_illegal_names_are_sanitised_without_collisions():
    nl = Netlist()
    a, b = nl.add_input("a b"), nl.add_input("a_b")
    nl.add_output(nl.add_gate(Kind.AND, [a, b]), "a#b")
    nl.add_output(nl.add_gate(Kind.OR, [a, b]), ".names")
    back = parse_blif(format_blif(nl))
    assert back.input_names == ["a_b", "a_b_1"]
    assert back.output_names == ["a_b_2", "_names"]
    assert_same_function(nl, back)


def test_dispatch_by_extension_and_atomic_write(tmp_path):
    from btfsynth import exporters

    nl = read_netlist(DATA / "fmt_sis.blif")
    path = tmp_path / "out.blif"
    exporters.write_netlist(nl, path)
    assert_same_function(nl, exporters.read_netlist(path))
    assert [p.name for p in tmp_path.iterdir()] == ["out.blif"]


BAD = {
    "no_end": (".model m\n.inputs a\n.outputs y\n.names a y\n1 1\n", 5, "no .end"),
    "unknown": (".model m\n.inputs a\n.frob a\n.end\n", 3, "unknown directive .frob"),
    "undefined": (
        ".model m\n.inputs a\n.outputs y\n.names a q y\n11 1\n.end\n",
        4,
        "undefined signal q",
    ),
    "cycle": (
        ".model m\n.inputs a\n.outputs y\n.names a z y\n11 1\n.names y z\n1 1\n.end\n",
        4,
        "cycle through signal y",
    ),
    "duplicate": (
        ".model m\n.inputs a\n.outputs y\n.names a y\n1 1\n.names a y\n0 1\n.end\n",
        6,
        "y has two drivers",
    ),
    "driven_input": (".model m\n.inputs a\n.outputs a\n.names a\n1\n.end\n", 4, "two drivers"),
    "width": (
        ".model m\n.inputs a b\n.outputs y\n.names a b y\n1 1\n.end\n",
        5,
        "does not match the 2 inputs",
    ),
    "mixed": (".model m\n.inputs a\n.outputs y\n.names a y\n1 1\n0 0\n.end\n", 6, "mixes"),
    "value": (".model m\n.inputs a\n.outputs y\n.names a y\n1 2\n.end\n", 5, "must be 0 or 1"),
    "latch": (".model m\n.inputs a\n.outputs y\n.latch a y re clk 0\n.end\n", 4, "latches"),
    "subckt": (".model m\n.inputs a\n.outputs y\n.subckt and2 A=a Y=y\n.end\n", 4, "hierarchy"),
    "gate": (".model m\n.inputs a\n.outputs y\n.gate inv A=a O=y\n.end\n", 4, "library gates"),
    "stray": (".model m\n.inputs a\n11 1\n.end\n", 3, "outside a .names"),
    "not_driven": (".model m\n.inputs a\n.outputs y\n.end\n", 3, "output y is not driven"),
    "continued_eof": (".model m\n.inputs a \\\n", 2, "continued line"),
    "empty": ("# nothing\n", 1, "no .model"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_malformed_files_give_located_errors(tmp_path, case):
    text, line, words = BAD[case]
    path = tmp_path / f"{case}.blif"
    path.write_text(text)
    assert_located_error(path, read_netlist, line, words)


def test_missing_file_is_a_format_error(tmp_path):
    with pytest.raises(FormatError, match="no such file"):
        read_netlist(tmp_path / "nothing.blif")


def test_failed_write_leaves_no_file(tmp_path, monkeypatch):
    nl = read_netlist(DATA / "fmt_sis.blif")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(blif, "format_blif", broken)
    with pytest.raises(RuntimeError):
        write_netlist(nl, tmp_path / "out.blif")
    assert list(tmp_path.iterdir()) == []


def test_yosys_conn_and_timing_directives():
    text = ".model m\n.inputs a\n.outputs y\n.input_arrival a 1.0 1.0\n.conn a y\n.end\n"
    nl = parse_blif(text)
    assert truth(nl).tolist() == [[0], [1]]
    assert nl.gates[1].kind is Kind.BUF and nl.gates[1].name == "y"


def test_byte_order_mark_is_skipped():
    text = "\ufeff.model m\n.inputs a b\n.outputs y\n.names a b y\n11 1\n.end\n"
    assert truth(parse_blif(text))[:, 0].tolist() == [0, 0, 0, 1]
