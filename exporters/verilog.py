"""Structural Verilog-2001: the writer and the self-checking testbench (the reader is in
verilog_read.py, re-exported here so the format module has both).

Writer: one module, one scalar port per input and output (inputs first, each in table order),
one ``assign`` per gate: ``& | ^ ~`` for AND/OR/XOR, SOP covers as an OR of cube ANDs,
``1'b0`` for the constant; MAJ and THRESHOLD gates, which Verilog lacks, are written as their
AND2 lowering (:func:`btfsynth.passes.aig.lower`), so the module has the circuit's AND2 count. Names
that are not legal identifiers become escaped identifiers (``\\a[3] ``), or are sanitised when
they contain white space; no two nets share a name.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from btfsynth.errors import BtfsynthError
from btfsynth.files import atomic_write, write_text
from btfsynth.netlist import Kind, Netlist
from btfsynth.passes.aig import lower, project
from btfsynth.truthtable import TruthTable

from .nets import gate_cover, header_lines, net_names
from .verilog_read import parse_verilog, read_netlist
from .verilog_tokens import KEYWORDS, PLAIN, PRINTABLE

__all__ = [
    "format_testbench",
    "format_verilog",
    "identifier",
    "own_table",
    "parse_verilog",
    "read_netlist",
    "write_netlist",
]


def identifier(name: str) -> str:
    """``name`` as a Verilog identifier: plain when legal, escaped otherwise."""
    if PLAIN.fullmatch(name) and name not in KEYWORDS:
        return name
    return f"\\{name} "


# -- writer --------------------------------------------------------------------------------------


def _literal(net: str, inverted: bool) -> str:
    return f"~{net}" if inverted else net


def _sop(nets: Sequence[str], cubes: Sequence[str], onset: bool) -> str:
    """An OR of cube ANDs (``~(...)`` for an off-set cover); constants for trivial covers."""
    if not cubes or any(set(c) <= {"-"} for c in cubes):
        return "1'b1" if (onset == bool(cubes)) else "1'b0"
    terms = []
    for cube in cubes:
        lits = [_literal(n, ch == "0") for n, ch in zip(nets, cube) if ch != "-"]
        terms.append(
            " & ".join(lits) if len(lits) == 1 or len(cubes) == 1 else f"({' & '.join(lits)})"
        )
    body = " | ".join(terms)
    return body if onset else f"~({body})"


def _expression(netlist: Netlist, index: int, names: list[str]) -> str:
    g = netlist.gates[index]
    lits = [_literal(names[f.gate], f.inverted) for f in g.fanins]
    kind = g.kind
    if kind in (Kind.CONST0, Kind.CONST1):
        return "1'b1" if kind is Kind.CONST1 else "1'b0"
    if kind is Kind.BUF:
        return lits[0]
    if kind is Kind.NOT:
        f = g.fanins[0]
        return _literal(names[f.gate], not f.inverted)
    if kind in (Kind.AND, Kind.OR, Kind.XOR):
        return {Kind.AND: " & ", Kind.OR: " | ", Kind.XOR: " ^ "}[kind].join(lits)
    cover, onset = gate_cover(g)
    gates, cubes = project(cover, g.fanins)
    return _sop([names[j] for j in gates], cubes, onset)


CONSTANTS = (Kind.CONST0, Kind.CONST1)
"""Constant gates are written only where an output is their net; other outputs on a constant
are assigned ``1'b0``/``1'b1`` (after lowering, no gate has a constant fan-in)."""


def _prepare(netlist: Netlist) -> Netlist:
    return lower(netlist, lambda g: g.kind in (Kind.AND, Kind.OR, Kind.XOR, Kind.SOP))


def format_verilog(netlist: Netlist, source: str | None = None) -> str:
    """A structural Verilog-2001 module for ``netlist``."""
    netlist = _prepare(netlist)
    names = net_names(netlist, PRINTABLE)
    ident = [identifier(n) for n in names.gates]
    outs = [identifier(n) for n in names.outputs]
    ports = [f"input {ident[i]}" for i in netlist.inputs] + [f"output {o}" for o in outs]
    module = netlist.name if PRINTABLE.fullmatch(netlist.name) else "top"
    lines = [f"// {line}" for line in header_lines(netlist, source)]
    lines.append(f"module {identifier(module)}(")
    lines.append(",\n".join(f"  {p}" for p in ports))
    lines.append(");")
    ports_out = set(names.outputs)
    owned = {s.gate for s, own in zip(netlist.outputs, names.own) if own}
    written = [
        i
        for i, g in enumerate(netlist.gates)
        if g.kind is not Kind.INPUT and (g.kind not in CONSTANTS or i in owned)
    ]
    lines += [f"  wire {ident[i]};" for i in written if names.gates[i] not in ports_out]
    for i in written:
        lines.append(f"  assign {ident[i]} = {_expression(netlist, i, ident)};")
    for k, s in enumerate(netlist.outputs):
        if names.own[k]:
            continue
        kind = netlist.gates[s.gate].kind
        if kind in CONSTANTS:
            value = "1'b1" if (kind is Kind.CONST1) != s.inverted else "1'b0"
        else:
            value = _literal(ident[s.gate], s.inverted)
        lines.append(f"  assign {outs[k]} = {value};")
    lines.append("endmodule")
    return "\n".join(lines) + "\n"


def format_testbench(netlist: Netlist, table: TruthTable, module: str | None = None) -> str:
    """A self-checking testbench: applies every row of ``table`` to the module that
    :func:`format_verilog` writes for ``netlist``, prints one line per mismatch (cared output
    bits only) and ends with ``PASS: <rows> rows`` or ``FAIL: <errors> of <rows> rows``."""
    if table.n_inputs != netlist.n_inputs or table.n_outputs != netlist.n_outputs:
        raise BtfsynthError(
            f"the table has {table.n_inputs} inputs and {table.n_outputs} outputs, the netlist "
            f"{netlist.n_inputs} and {netlist.n_outputs}"
        )
    netlist = _prepare(netlist)
    names = net_names(netlist, PRINTABLE)
    n, m = table.n_inputs, table.n_outputs
    dut = identifier(module or (netlist.name if PRINTABLE.fullmatch(netlist.name) else "top"))
    conns = [f".{identifier(names.gates[i])}(x[{n - 1 - j}])" for j, i in enumerate(netlist.inputs)]
    conns += [f".{identifier(o)}(y[{m - 1 - k}])" for k, o in enumerate(names.outputs)]
    xw, yw = max(n, 1), max(m, 1)
    lines = [
        "// self-checking testbench written by btfsynth: every row of the truth table",
        "`timescale 1ns/1ps",
        "module btfsynth_tb;",
        f"  reg [{xw - 1}:0] x;",
        f"  wire [{yw - 1}:0] y;",
        "  integer errors;",
        f"  {dut} dut(",
        ",\n".join(f"    {c}" for c in conns),
        "  );",
        f"  task check(input [{xw - 1}:0] row, input [{yw - 1}:0] want, input [{yw - 1}:0] care,",
        "             input integer index);",
        "    begin",
        "      x = row;",
        "      #1;",
        f"      if (((y ^ want) & care) !== {yw}'b0) begin",
        "        errors = errors + 1;",
        '        $display("MISMATCH row %0d: inputs %b outputs %b expected %b care %b",',
        "                 index, row, y, want, care);",
        "      end",
        "    end",
        "  endtask",
        "  initial begin",
        "    errors = 0;",
    ]

    def bits(row: np.ndarray, width: int) -> str:
        return f"{width}'b" + ("".join(map(str, row.tolist())) or "0")

    care = table.care.astype(np.uint8)
    for r in range(table.n_rows):
        lines.append(
            f"    check({bits(table.inputs[r], xw)}, {bits(table.outputs[r], yw)}, "
            f"{bits(care[r], yw)}, {r});"
        )
    lines += [
        f'    if (errors == 0) $display("PASS: {table.n_rows} rows");',
        f'    else $display("FAIL: %0d of {table.n_rows} rows", errors);',
        "    $finish;",
        "  end",
        "endmodule",
    ]
    return "\n".join(lines) + "\n"


def write_netlist(
    netlist: Netlist,
    path: str | os.PathLike,
    source: str | None = None,
    testbench: str | os.PathLike | None = None,
    table: TruthTable | None = None,
) -> None:
    """Write ``netlist`` as Verilog (atomically); with ``testbench`` also write a testbench
    that checks every row of ``table`` (default: the netlist's own complete table).

    Both files are written to temporary files first, so a failure on either leaves neither.
    """
    text = format_verilog(netlist, source)
    if testbench is None:
        write_text(path, text)
        return
    bench = format_testbench(netlist, table if table is not None else own_table(netlist))
    with atomic_write(path) as netlist_file, atomic_write(testbench) as bench_file:
        netlist_file.write(text)
        bench_file.write(bench)


def own_table(netlist: Netlist) -> TruthTable:
    """The complete truth table of ``netlist`` (at most 20 inputs), from the reference
    evaluator, as a testbench reference."""
    if netlist.n_inputs > 20:
        raise BtfsynthError(
            f"a testbench of all rows needs at most 20 inputs, the netlist has {netlist.n_inputs};"
            " give a truth table"
        )
    from btfsynth.sim.check import complete_table  # the evaluator: only when asked for

    return complete_table(netlist)
