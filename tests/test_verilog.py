"""Structural Verilog: writer output reads back to the same function; the reader takes what ABC,
Yosys and the EPFL suite write; behavioural code and malformed files give located errors; the
generated testbench passes under Icarus Verilog."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from fmt_helpers import (
    DATA,
    assert_located_error,
    assert_same_function,
    assert_same_names,
    multiplier_table,
    netlists,
    sop_netlist,
    truth,
)
from hypothesis import HealthCheck, given, settings

from btfsynth.errors import BtfsynthError
from btfsynth.exporters.verilog import (
    format_testbench,
    format_verilog,
    identifier,
    parse_verilog,
    read_netlist,
    write_netlist,
)
from btfsynth.netlist import Kind, Netlist
from btfsynth.truthtable import TruthTable


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(netlists(), netlists(nice_names=True))
def test_round_trips_keep_the_function_and_names(netlist, nicely_named):
    back = parse_verilog(format_verilog(netlist))
    assert_same_function(netlist, back)
    assert_same_names(nicely_named, parse_verilog(format_verilog(nicely_named)))


def test_abc_style_file():
    nl = read_netlist(DATA / "fmt_abc_style.v")
    assert nl.name == "top.cell"
    assert nl.input_names == ["in[0]", "in[1]", "sel"]
    assert nl.output_names == ["out[0]", "out[1]"]
    out = truth(nl)
    for r in range(8):
        i0, i1, sel = (r >> 2) & 1, (r >> 1) & 1, r & 1
        assert out[r].tolist() == [(i0 & (1 - sel)) | ((1 - i1) & sel), 1]


def test_vectors_primitives_mux_and_constants():
    nl = read_netlist(DATA / "fmt_mixed.v")
    assert nl.name == "mixed"
    assert nl.input_names == ["a[0]", "a[1]", "b"]
    assert nl.output_names == ["y[0]", "y[1]", "y[2]", "z", "w"]
    out = truth(nl)
    for r in range(8):
        a0, a1, b = (r >> 2) & 1, (r >> 1) & 1, r & 1
        t = 1 - (a0 & a1)
        assert out[r].tolist() == [t, 1 - (a1 ^ b), a0 ^ b ^ a1, b & a1, t]


def test_yosys_file_is_the_multiplier():
    nl = read_netlist(DATA / "fmt_yosys_mul.v")
    assert nl.input_names == [f"a[{i}]" for i in range(3)] + [f"b[{i}]" for i in range(3)]
    out = truth(nl)
    for r in range(64):
        bits = [(r >> (5 - j)) & 1 for j in range(6)]
        a = bits[0] | bits[1] << 1 | bits[2] << 2
        b = bits[3] | bits[4] << 1 | bits[5] << 2
        assert sum(int(v) << i for i, v in enumerate(out[r, :6])) == a * b
        assert out[r, 6] == (bits[4] if bits[0] else 1 - bits[5])


def test_assign_expressions_make_one_gate_per_operator_chain():
    text = """module m(a, b, c, y, z);
  input a, b, c; output y, z;
  assign y = ~(a & b & ~c);
  assign z = (a | b) ^ c ^ 1'b1;
endmodule
"""
    nl = parse_verilog(text)
    kinds = [g.kind for g in nl.gates if g.kind is not Kind.INPUT]
    assert kinds.count(Kind.OR) == 2 and kinds.count(Kind.XOR) == 1
    y = next(g for g in nl.gates if g.name == "y")
    assert y.kind is Kind.OR and len(y.fanins) == 3  # ~(a & b & ~c) = ~a | ~b | c
    out = truth(nl)
    a, b, c = (np.arange(8) >> 2) & 1, (np.arange(8) >> 1) & 1, np.arange(8) & 1
    assert out[:, 0].tolist() == (1 - (a & b & (1 - c))).tolist()
    assert out[:, 1].tolist() == ((a | b) ^ c ^ 1).tolist()


def test_writer_ports_names_and_header():
    nl = Netlist(name="demo")
    a = nl.add_input("a[0]")
    b = nl.add_input("wire")
    c = nl.add_input("c")
    maj = nl.add_gate(Kind.MAJ, [a, ~b, c], name="m")
    nl.add_output(maj, "y")
    nl.add_output(~maj, "c")  # collides with an input name
    nl.add_output(nl.add_const(True), "one")
    text = format_verilog(nl, source="demo.json")
    assert text.startswith("// written by btfsynth from demo.json\n")
    assert "(and 4), AND2 count 4" in text.splitlines()[1]  # the MAJ3 as written: ab + c(a + b)
    ports = [
        line.strip().rstrip(",").strip()
        for line in text.splitlines()
        if line.startswith("  input") or line.startswith("  output")
    ]
    assert ports == [
        "input \\a[0]",
        "input \\wire",
        "input c",
        "output y",
        "output c_1",
        "output one",
    ]
    assert "assign n4 = \\a[0]  & ~\\wire ;" in text  # escaped names end in a space
    assert "assign one = 1'b1;" in text
    assert "assign y = ~c_1;" in text  # the AND2 root is the complemented output c
    back = parse_verilog(text)
    assert back.input_names == ["a[0]", "wire", "c"]
    assert back.output_names == ["y", "c_1", "one"]
    assert_same_function(nl, back)


def test_identifiers():
    assert identifier("n12") == "n12"
    assert identifier("a[3]") == "\\a[3] "
    assert identifier("module") == "\\module "
    assert identifier("1x") == "\\1x "


def test_wide_threshold_gates_are_decomposed():
    nl = Netlist()
    x = [nl.add_input(f"x{j}") for j in range(16)]
    nl.add_output(nl.add_gate(Kind.MAJ, x[:15]), "maj15")
    nl.add_output(nl.add_gate(Kind.THRESHOLD, x, weights=tuple(range(1, 17)), threshold=40), "t")
    back = parse_verilog(format_verilog(nl))
    rows = np.random.default_rng(1).integers(0, 2, (2000, 16), np.uint8)
    assert np.array_equal(back.evaluate(rows), nl.evaluate(rows))


BAD = {
    "always": (
        "module m(a, y);\n input a;\n output y;\n always @(a) y = a;\nendmodule\n",
        4,
        "always blocks are behavioural",
    ),
    "reg": ("module m(a, y);\n input a;\n output y;\n reg r;\nendmodule\n", 4, "reg variables"),
    "output_reg": ("module m(input a, output reg y);\nendmodule\n", 1, "reg ports"),
    "plus": (
        "module m(a, b, y);\n input a, b;\n output y;\n assign y = a + b;\nendmodule\n",
        4,
        "operator + is not supported",
    ),
    "compare": (
        "module m(a, b, y);\n input a, b;\n output y;\n assign y = a == b;\nendmodule\n",
        4,
        "operator == is not supported",
    ),
    "instance": (
        "module m(a, y);\n input a;\n output y;\n sub u1 (.x(a), .y(y));\nendmodule\n",
        4,
        "hierarchy is not supported",
    ),
    "undefined": (
        "module m(a, y);\n input a;\n output y;\n assign y = a & q;\nendmodule\n",
        4,
        "undefined signal q",
    ),
    "cycle": (
        "module m(a, y);\n input a;\n output y;\n wire t;\n assign t = y & a;\n"
        " assign y = t | a;\nendmodule\n",
        5,
        "cycle through signal t",
    ),
    "duplicate": (
        "module m(a, y);\n input a;\n output y;\n assign y = a;\n assign y = ~a;\nendmodule\n",
        5,
        "y has two drivers",
    ),
    "truncated": (
        "module m(a, y);\n input a;\n output y;\n assign y = a;\n",
        4,
        "missing endmodule",
    ),
    "not_driven": (
        "module m(a, y);\n input a;\n output y;\nendmodule\n",
        3,
        "output y is not driven",
    ),
    "width": (
        "module m(a, y);\n input [1:0] a;\n output y;\n assign y = a;\nendmodule\n",
        4,
        "width mismatch",
    ),
    "xz": (
        "module m(a, y);\n input a;\n output y;\n assign y = 1'bx;\nendmodule\n",
        4,
        "x or z bits",
    ),
    "comment": ("module m(a, y);\n /* never closed\n input a;\n", 2, "unterminated /*"),
    "character": (
        'module m(a, y);\n input a;\n output y;\n assign y = "a";\nendmodule\n',
        4,
        "unexpected character",
    ),
    "not_a_port": (
        "module m(a);\n input a;\n output y;\n assign y = a;\nendmodule\n",
        3,
        "output y is not in the port list",
    ),
    "empty": ("// nothing here\n", 1, "expected 'module'"),
    "drive_input": (
        "module m(a, y);\n input a;\n assign a = 1'b1;\n output y;\n assign y = a;\nendmodule\n",
        3,
        "input a is driven inside the module",
    ),
    "drive_ansi_input": (
        "module m(input a, output y);\n assign y = a;\n and g(a, y, y);\nendmodule\n",
        3,
        "input a is driven inside the module",
    ),
    "open_paren": (
        "module m(a, y);\n input a;\n output y;\n assign y = (a & ~(a);\nendmodule\n",
        4,
        "expected ')', found ';'",
    ),
    "no_colon": (
        "module m(a, y);\n input a;\n output y;\n assign y = a ? a;\nendmodule\n",
        4,
        "expected ':', found ';'",
    ),
    "brace_paren": (
        "module m(a, y);\n input a;\n output [1:0] y;\n assign y = {a, a);\nendmodule\n",
        4,
        "expected '}', found ')'",
    ),
    "replication_count": (
        "module m(a, y);\n input a;\n output [1:0] y;\n assign y = {a{a}};\nendmodule\n",
        4,
        "replication count must be a constant",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_malformed_files_give_located_errors(tmp_path, case):
    text, line, words = BAD[case]
    path = tmp_path / f"{case}.v"
    path.write_text(text)
    assert_located_error(path, read_netlist, line, words)


def test_testbench_needs_a_matching_table():
    nl = sop_netlist(multiplier_table(2))
    with pytest.raises(BtfsynthError, match="inputs"):
        format_testbench(nl, multiplier_table(3))


def test_testbench_lists_every_row():
    table = multiplier_table(2)
    bench = format_testbench(sop_netlist(table, "mult2"), table)
    assert bench.count("    check(") == 16
    assert "check(4'b0111, 4'b0011, 4'b1111, 7);" in bench  # 1 * 3 = 3
    assert "mult2 dut(" in bench and ".p0(y[0])" in bench and ".a1(x[3])" in bench


IVERILOG = shutil.which("iverilog") and shutil.which("vvp")


def run_testbench(folder: Path, netlist: Netlist, table: TruthTable) -> str:
    write_netlist(netlist, folder / "dut.v", testbench=folder / "tb.v", table=table)
    subprocess.run(
        ["iverilog", "-o", "tb.vvp", "dut.v", "tb.v"],
        cwd=folder,
        check=True,
        capture_output=True,
        timeout=120,
    )
    done = subprocess.run(
        ["vvp", "tb.vvp"], cwd=folder, capture_output=True, text=True, timeout=120
    )
    return done.stdout


@pytest.mark.skipif(not IVERILOG, reason="iverilog is not installed")
def test_testbench_passes_under_iverilog(tmp_path):
    table = multiplier_table(3)
    out = run_testbench(tmp_path, sop_netlist(table, "mult3"), table)
    assert "PASS: 64 rows" in out and "MISMATCH" not in out


@pytest.mark.skipif(not IVERILOG, reason="iverilog is not installed")
def test_testbench_reports_mismatches_under_iverilog(tmp_path):
    table = multiplier_table(2)
    wrong = sop_netlist(table, "mult2")
    wrong.outputs[3] = ~wrong.outputs[3]  # p0 complemented: wrong on every row
    out = run_testbench(tmp_path, wrong, table)
    assert "FAIL: 16 of 16 rows" in out and out.count("MISMATCH") == 16


@pytest.mark.skipif(not IVERILOG, reason="iverilog is not installed")
def test_testbench_of_escaped_names_and_gate_kinds_passes(tmp_path):
    nl = Netlist(name="kinds")
    x = [nl.add_input(name) for name in ("a[0]", "wire", "b c", "d")]
    nl.add_output(nl.add_gate(Kind.MAJ, x[:3]), "maj")
    nl.add_output(nl.add_gate(Kind.THRESHOLD, x, weights=(2, -1, 1, 3), threshold=2), "t[0]")
    nl.add_output(nl.add_gate(Kind.SOP, x[:2], cover=("1-", "01"), onset=False), "sop")
    nl.add_output(~nl.add_gate(Kind.XOR, x), "xnor")
    out = run_testbench(tmp_path, nl, _own_table(nl))
    assert "PASS: 16 rows" in out


def _own_table(nl: Netlist) -> TruthTable:
    from btfsynth.exporters.verilog import own_table

    return own_table(nl)


def test_vector_ranges_in_both_directions_and_part_selects():
    text = """module m(input [7:4] a, input [0:3] b, output [2:0] y, output [1:0] z);
  assign y = a[6:4] ^ b[1:3];
  assign z = {a[7], b[0]};
endmodule
"""
    nl = parse_verilog(text)
    assert nl.input_names == [f"a[{i}]" for i in range(4, 8)] + [f"b[{i}]" for i in range(4)]
    assert nl.output_names == ["y[0]", "y[1]", "y[2]", "z[0]", "z[1]"]
    # One input at a time: a[4] a[5] a[6] a[7] b[0] b[1] b[2] b[3].
    out = nl.evaluate(np.eye(8, dtype=np.uint8))
    y0, y1, y2, z0, z1 = np.eye(5, dtype=np.uint8)
    assert out.tolist() == [list(r) for r in (y0, y1, y2, z1, z0, y2, y1, y0)]


def test_every_gate_primitive():
    text = """module m(a, b, c, y0, y1, y2, y3, y4, y5, y6, y7, y8);
  input a, b, c;
  output y0, y1, y2, y3, y4, y5, y6, y7, y8;
  and (y0, a, b, c);
  or g1 (y1, a, b), g2 (y2, b, c);
  nand (y3, a, b);
  nor (y4, a, b);
  xor (y5, a, b, c);
  xnor (y6, a, b);
  not (y7, y8, a);
endmodule
"""
    out = truth(parse_verilog(text))
    a, b, c = (np.arange(8) >> 2) & 1, (np.arange(8) >> 1) & 1, np.arange(8) & 1
    expected = [
        a & b & c,
        a | b,
        b | c,
        1 - (a & b),
        1 - (a | b),
        a ^ b ^ c,
        1 - (a ^ b),
        1 - a,
        1 - a,
    ]
    assert out.T.tolist() == [e.tolist() for e in expected]


def wrap_assign(expression: str, inputs: str = "a, b") -> str:
    return (
        f"module m({inputs}, y);\n input {inputs};\n output y;\n"
        f" assign y = {expression};\nendmodule\n"
    )


@pytest.mark.parametrize(
    ("expression", "rows"),
    [
        ("~(" * 2000 + "a" + ")" * 2000, [0, 0, 1, 1]),  # an even number of NOTs
        ("~" * 5001 + "a", [1, 1, 0, 0]),
        ("a ? b : " * 3000 + "1'b0", [0, 0, 0, 1]),
        ("(a ? " * 3000 + "b" + " : 1'b1)" * 3000, [1, 1, 0, 1]),
        ("(a & ~" * 3000 + "b" + ")" * 3000, [0, 0, 0, 1]),
        ("{" * 1000 + "a ^ b" + "}" * 1000, [0, 1, 1, 0]),
    ],
)
def test_deep_expressions_parse_without_recursion(expression, rows):
    """Real tools emit deeply nested expressions; the parser keeps its own stacks."""
    netlist = parse_verilog(wrap_assign(expression))
    assert truth(netlist)[:, 0].tolist() == rows


def test_operator_precedence_and_grouping():
    cases = {
        "a | b & ~a": [0, 1, 1, 1],
        "(a | b) & ~a": [0, 1, 0, 0],
        "a ^ b | a": [0, 1, 1, 1],
        "!a && b || a && !b": [0, 1, 1, 0],
        "a ? b : ~b": [1, 0, 0, 1],
        "~a ? 1'b0 : b ? 1'b1 : 1'b0": [0, 0, 0, 1],
        "a ~^ b": [1, 0, 0, 1],
    }
    for expression, rows in cases.items():
        assert truth(parse_verilog(wrap_assign(expression)))[:, 0].tolist() == rows, expression


def test_replication_and_concatenation_bit_order():
    text = (
        "module m(a, b, y);\n input a, b;\n output [3:0] y;\n assign y = ~{2{a, ~b}};\nendmodule\n"
    )
    netlist = parse_verilog(text)
    # y[0] = b, y[1] = ~a, y[2] = b, y[3] = ~a; rows ab = 00 01 10 11
    assert truth(netlist).tolist() == [[0, 1, 0, 1], [1, 1, 1, 1], [0, 0, 0, 0], [1, 0, 1, 0]]


def test_byte_order_mark_is_skipped():
    assert parse_verilog("\ufeff" + wrap_assign("a & b")).n_inputs == 2
