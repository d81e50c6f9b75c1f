"""Structural Verilog-2001: writer, self-checking testbench, and a reader for gate netlists.

Writer: one module, one scalar port per input and output (inputs first, each in table order),
one ``assign`` per gate: ``& | ^ ~`` for AND/OR/XOR/NOT, MAJ and THRESHOLD as the OR of their
minimal true points (MAJ3 is the OR of the pairwise ANDs), SOP covers as an OR of cube ANDs,
``1'b0``/``1'b1`` constants; gates whose cover would be too large are written as their AND2
decomposition. Names that are not legal identifiers become escaped identifiers (``\\a[3] ``),
or are sanitised when they contain white space; no two nets share a name.

Reader: the structural subset written by ABC, Yosys (``write_verilog -noattr``) and the EPFL
suite: ANSI and non-ANSI port lists, plain and escaped identifiers, vectors ``[msb:lsb]``
expanded to bits named ``a[3]`` (listed from the lowest index up, as ABC and Yosys list them
in BLIF), ``input``/``output``/``wire`` declarations, ``assign`` with ``~ ! & | ^ ~^ && ||``,
parentheses, ``?:``, bit and part selects and concatenations, gate primitives (``and or nand
nor xor xnor not buf``) and sized or unsized constants. Behavioural code (``always``, ``reg``,
arithmetic and comparison operators) and module instances are refused with their line.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from btfsynth import limits
from btfsynth.errors import BtfsynthError, FormatError, reading
from btfsynth.files import atomic_write, read_text, write_text
from btfsynth.netlist import Kind, Netlist
from btfsynth.truthtable import TruthTable

from .nets import (
    BOM,
    NetBuilder,
    Ref,
    complement,
    copy_of,
    expand_gates,
    gate_cover,
    header_lines,
    net_names,
    project,
)

KEYWORDS = frozenset(
    """always and assign automatic begin buf bufif0 bufif1 case casex casez cell cmos config
    deassign default defparam design disable edge else end endcase endconfig endfunction
    endgenerate endmodule endprimitive endspecify endtable endtask event for force forever fork
    function generate genvar highz0 highz1 if ifnone incdir include initial inout input instance
    integer join large liblist library localparam macromodule medium module nand negedge nmos
    nor noshowcancelled not notif0 notif1 or output parameter pmos posedge primitive pull0 pull1
    pulldown pullup pulsestyle_onevent pulsestyle_ondetect rcmos real realtime reg release
    repeat rnmos rpmos rtran rtranif0 rtranif1 scalared showcancelled signed small specify
    specparam strong0 strong1 supply0 supply1 table task time tran tranif0 tranif1 tri tri0 tri1
    triand trior trireg unsigned use uwire vectored wait wand weak0 weak1 while wire wor xnor
    xor""".split()
)
PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
PRINTABLE = re.compile(r"[!-~]+")
"""What an escaped identifier may hold: printable ASCII without white space."""


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
    cover, onset = gate_cover(g)  # type: ignore[misc]
    gates, cubes = project(cover, g.fanins)
    return _sop([names[j] for j in gates], cubes, onset)


def _prepare(netlist: Netlist) -> Netlist:
    keep = {Kind.MAJ, Kind.THRESHOLD}
    return expand_gates(netlist, lambda g: g.kind not in keep or gate_cover(g) is not None)


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
    wires = [
        ident[i]
        for i, g in enumerate(netlist.gates)
        if g.kind is not Kind.INPUT and names.gates[i] not in ports_out
    ]
    lines += [f"  wire {w};" for w in wires]
    for i, g in enumerate(netlist.gates):
        if g.kind is not Kind.INPUT:
            lines.append(f"  assign {ident[i]} = {_expression(netlist, i, ident)};")
    for k, s in enumerate(netlist.outputs):
        if not names.own[k]:
            lines.append(f"  assign {outs[k]} = {_literal(ident[s.gate], s.inverted)};")
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
    from btfsynth.truthtable import all_input_rows

    rows = all_input_rows(netlist.n_inputs)
    return TruthTable(
        rows,
        netlist.evaluate(rows),
        None,
        tuple(netlist.input_names),
        tuple(netlist.output_names),
        netlist.name,
    )


# -- reader: tokens ------------------------------------------------------------------------------

_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/|\(\*.*?\*\)|`[^\n]*", re.DOTALL)
"""Comments, attributes and compiler directives, all dropped."""
_TOKEN = re.compile(
    r"""\\[!-~]+
    | (?:[0-9][0-9_]*)?[ \t]*'[sS]?[bBoOdDhH][ \t]*[0-9a-fA-FxXzZ?_]+ | [0-9][0-9_]*
    | [A-Za-z_][A-Za-z0-9_$]* | \$[A-Za-z0-9_$]+
    | ~\^|\^~|~&|~\||&&|\|\||===|!==|==|!=|<=|>=|<<<|>>>|<<|>>|[-+*/%<>!~&|^?:;,.()\[\]{}=\#@]
    | \S""",
    re.VERBOSE,
)
OPERATORS = frozenset(
    "~^ ^~ ~& ~| && || === !== == != <= >= <<< >>> << >> - + * / % < > ! ~ & | ^ ? : ; , . ( ) "
    "[ ] { } = # @".split()
)
END = ""
"""The text of the token after the last one."""


def token_kind(text: str) -> str:
    """escaped, number, name, system, op, end or bad, from the token text."""
    if not text:
        return "end"
    first = text[0]
    if first == "\\":
        return "escaped"
    if first.isdigit() or first == "'":
        return "number"
    if first.isalpha() or first == "_":
        return "name"
    if first == "$":
        return "system"
    return "op" if text in OPERATORS else "bad"


def tokenize(text: str, path=None) -> tuple[list[str], list[int]]:
    """The token texts of ``text`` and their line numbers (comments and directives dropped),
    ending with :data:`END`."""
    clean = _COMMENT.sub(lambda m: "\n" * m.group().count("\n"), text.removeprefix(BOM))
    texts: list[str] = []
    lines: list[int] = []
    for number, line in enumerate(clean.split("\n"), 1):
        found = _TOKEN.findall(line)
        if found:
            texts += found
            lines += [number] * len(found)
    for opener in ("/*", "(*"):
        at = clean.find(opener)
        if at >= 0:
            raise FormatError(f"unterminated {opener}", path, clean.count("\n", 0, at) + 1)
    texts.append(END)
    lines.append(lines[-1] if lines else 1)
    return texts, lines


# -- reader: values ------------------------------------------------------------------------------


@dataclass
class Pending:
    """A gate an expression asks for, not yet given a net: an assignment names it after its
    target, an operand turns it into an anonymous net."""

    kind: Kind
    refs: list[Ref]
    extra: dict = field(default_factory=dict)
    inverted: bool = False


Bit = Ref | Pending
"""One bit of an expression value."""

BEHAVIOURAL = {
    "always": "always blocks",
    "initial": "initial blocks",
    "reg": "reg variables",
    "integer": "integer variables",
    "function": "functions",
    "task": "tasks",
    "generate": "generate blocks",
    "parameter": "parameters",
    "localparam": "parameters",
    "specify": "specify blocks",
    "inout": "inout ports",
    "logic": "logic variables",
}
PRIMITIVES = {
    "and": (Kind.AND, False),
    "nand": (Kind.AND, True),
    "or": (Kind.OR, False),
    "nor": (Kind.OR, True),
    "xor": (Kind.XOR, False),
    "xnor": (Kind.XOR, True),
    "buf": (Kind.BUF, False),
    "not": (Kind.BUF, True),
}
BINARY = {"|": Kind.OR, "||": Kind.OR, "^": Kind.XOR, "~^": Kind.XOR, "^~": Kind.XOR}
UNSUPPORTED_OPS = "+ - * / % < > <= >= == != === !== << >> <<< >>> ~& ~|".split()
CONST = "$const0"
"""The key of the shared constant-0 net."""


@dataclass
class Decl:
    """A declared signal: its direction and bit indices (None for a scalar)."""

    direction: str
    bits: range | None
    """Bit indices in declaration order (MSB first); a range, so a declared width costs no
    memory until its bits are used."""
    line: int

    def names(self, base: str) -> list[str]:
        """Bit names from the lowest index up."""
        return [base] if self.bits is None else [f"{base}[{i}]" for i in sorted(self.bits)]


class _Parser:
    """Recursive descent over the tokens of one module (texts and lines in parallel lists)."""

    def __init__(self, tokens: tuple[list[str], list[int]], path, size: int = 0):
        self.texts, self.lines = tokens
        self.i, self.path = 0, path
        self.builder = NetBuilder(path)
        self.budget = limits.Budget(size, path)
        self.decls: dict[str, Decl] = {}
        self.anon = 0
        self.const_used: int | None = None

    # -- token helpers
    @property
    def text(self) -> str:
        return self.texts[self.i]

    @property
    def kind(self) -> str:
        return token_kind(self.texts[self.i])

    @property
    def line(self) -> int:
        return self.lines[self.i]

    def error(self, message: str, line: int | None = None) -> FormatError:
        return FormatError(message, self.path, self.lines[self.i] if line is None else line)

    def found(self) -> str:
        """How the current token is named in errors."""
        if not self.text:
            return "the end of the file"
        return ("character " if self.kind == "bad" else "") + repr(self.text)

    def next(self) -> str:
        text = self.texts[self.i]
        if text:
            self.i += 1
        return text

    def accept(self, text: str) -> bool:
        if self.texts[self.i] == text:
            self.i += 1
            return True
        return False

    def expect(self, text: str) -> None:
        if self.texts[self.i] != text:
            raise self.error(f"expected {text!r}, found {self.found()}")
        self.i += 1

    def ident(self) -> str:
        text = self.texts[self.i]
        if text[:1] == "\\":
            self.i += 1
            return text[1:]
        if token_kind(text) == "name" and text not in KEYWORDS:
            self.i += 1
            return text
        raise self.error(f"expected an identifier, found {self.found()}")

    def number(self) -> int:
        if self.kind != "number" or "'" in self.text:
            raise self.error(f"expected a number, found {self.found()}")
        digits = self.text.replace("_", "")
        if len(digits) > 10 or int(digits) >= 1 << 31:
            raise self.error(f"bit index {self.text[:20]} is too large (at most 2^31 - 1)")
        self.i += 1
        return int(digits)

    # -- module structure
    def module(self) -> Netlist:
        self.expect("module")
        name = self.ident()
        if self.text == "#":
            raise self.error("module parameters are not supported")
        order: list[str] = []
        if self.accept("(") and not self.accept(")"):
            while True:
                if self.text in ("input", "output", "inout"):
                    order.extend(self.declaration(self.next(), ansi=True))
                else:
                    order.append(self.ident())
                if self.accept(")"):
                    break
                self.expect(",")
        self.expect(";")
        while not self.accept("endmodule"):
            self.item()
        for port in order:
            decl = self.decls.get(port)
            if decl is None or decl.direction not in ("input", "output"):
                raise self.error(f"port {port} is not declared input or output")
            if decl.direction == "output" and decl.bits is not None:
                self.budget.spend(len(decl.bits), f"output {port}", decl.line)
            for bit in decl.names(port):
                if decl.direction == "input":
                    driver = self.builder.defs.get(bit)
                    if driver is not None:
                        raise self.error(
                            f"input {bit} is driven inside the module (an input is driven "
                            "from outside)",
                            driver.line,
                        )
                    self.builder.add_input(bit, decl.line)
                else:
                    self.builder.add_output(bit, (bit, False), decl.line)
        for port, decl in self.decls.items():
            if decl.direction in ("input", "output") and port not in order:
                raise self.error(f"{decl.direction} {port} is not in the port list", decl.line)
        if self.const_used is not None:
            self.builder.define(CONST, Kind.CONST0, [], self.const_used)
        return self.builder.build(name)

    def item(self) -> None:
        word = self.text
        if word in ("input", "output", "wire", "tri", "inout"):
            self.next()
            self.declaration(word)
            self.expect(";")
        elif word == "assign":
            self.next()
            while True:
                self.assignment()
                if not self.accept(","):
                    break
            self.expect(";")
        elif word in PRIMITIVES:
            self.next()
            self.primitive(word)
        elif word in BEHAVIOURAL:
            raise self.error(f"{BEHAVIOURAL[word]} are behavioural code: not supported")
        elif self.kind == "escaped" or (self.kind == "name" and word not in KEYWORDS):
            raise self.error(f"module instance of {word}: hierarchy is not supported")
        elif not word:
            raise self.error("file ends inside a module (missing endmodule)")
        else:
            raise self.error(f"unexpected {self.found()} in a module")

    def declaration(self, direction: str, ansi: bool = False) -> list[str]:
        line = self.line
        if direction == "inout":
            raise self.error("inout ports are not supported")
        if self.text in ("reg", "logic"):
            raise self.error(f"{self.text} ports are behavioural code: not supported")
        self.accept("wire")
        self.accept("signed")
        bits = None
        if self.accept("["):
            msb = self.number()
            self.expect(":")
            lsb = self.number()
            self.expect("]")
            step = -1 if msb >= lsb else 1
            bits = range(msb, lsb + step, step)  # declaration order, MSB first
            if direction == "input":
                limits.check("input bits", len(bits), "inputs", self.path, line)
        names = []
        while True:
            name = self.ident()
            names.append(name)
            self.declare(name, direction, bits, line)
            if direction == "wire" and self.accept("="):
                self.assign_to(self.target_bits(name, None, line), self.expression(), line)
            if ansi and self.text == "," and self.texts[self.i + 1] in ("input", "output", "inout"):
                return names
            if not self.accept(","):
                return names

    def declare(self, name: str, direction: str, bits: range | None, line: int) -> None:
        old = self.decls.get(name)
        if old is None:
            self.decls[name] = Decl(direction, bits, line)
            return
        if old.bits != bits:
            raise self.error(f"{name} is redeclared with another width", line)
        if direction != "wire" and old.direction != "wire" and direction != old.direction:
            raise self.error(f"{name} is declared both {old.direction} and {direction}", line)
        if direction != "wire":
            old.direction = direction

    # -- statements
    def assignment(self) -> None:
        line = self.line
        targets = self.lvalue()
        self.expect("=")
        self.assign_to(targets, self.expression(), line)

    def assign_to(self, targets: list[str], value: list[Bit] | int, line: int) -> None:
        """Drive the target bits (LSB first) from a value (a constant adapts its width)."""
        if isinstance(value, int):
            value = self.const_bits(value, len(targets))
        if len(value) != len(targets):
            raise self.error(
                f"width mismatch: {len(targets)} target bit(s), {len(value)} value bit(s)", line
            )
        for net, bit in zip(targets, value):
            kind, refs, extra = self.as_gate(bit)
            self.builder.define(net, kind, refs, line, **extra)

    def as_gate(self, bit: Bit) -> tuple[Kind, list[Ref], dict]:
        """The gate that drives an assigned net: the pending gate itself, or a copy."""
        if isinstance(bit, Pending):
            if bit.inverted:
                return complement(bit.kind, bit.refs, bit.extra)
            return bit.kind, bit.refs, bit.extra
        kind, refs = copy_of(bit)
        return kind, refs, {}

    def primitive(self, word: str) -> None:
        kind, inverted = PRIMITIVES[word]
        while True:
            line = self.line
            if self.kind in ("name", "escaped"):
                self.ident()
                if self.text == "[":
                    raise self.error("arrays of gate instances are not supported")
            self.expect("(")
            terms = [self.expression()]
            while self.accept(","):
                terms.append(self.expression())
            self.expect(")")
            if len(terms) < 2:
                raise self.error(f"{word} needs an output and at least one input", line)
            ins, outs = (terms[-1:], terms[:-1]) if kind is Kind.BUF else (terms[1:], terms[:1])
            refs = [self.operand(self.scalar(t, line)) for t in ins]
            for out in outs:
                gate = Pending(kind, refs, {}, inverted)
                self.assign_to([self.scalar_net(out, line)], [gate], line)
            if not self.accept(","):
                break
        self.expect(";")

    def scalar(self, value: list[Bit] | int, line: int) -> Bit:
        if isinstance(value, int):
            value = self.const_bits(value, 1)
        if len(value) != 1:
            raise self.error(f"expected a one-bit signal, found {len(value)} bits", line)
        return value[0]

    def scalar_net(self, value, line: int) -> str:
        if isinstance(value, list) and len(value) == 1 and not isinstance(value[0], Pending):
            key, inv = value[0]
            if isinstance(key, str) and not inv and key != CONST:
                return key
        raise self.error("a gate output must be a one-bit net", line)

    # -- lvalues
    def lvalue(self) -> list[str]:
        if self.accept("{"):
            parts = [self.lvalue()]
            while self.accept(","):
                parts.append(self.lvalue())
            self.expect("}")
            return [bit for part in reversed(parts) for bit in part]
        line = self.line
        name = self.ident()
        return self.target_bits(name, self.select(), line)

    def select(self) -> tuple[int, int] | None:
        if self.texts[self.i] != "[":
            return None
        self.i += 1
        hi = self.number()
        lo = self.number() if self.accept(":") else hi
        self.expect("]")
        return hi, lo

    def target_bits(self, name: str, sel: tuple[int, int] | None, line: int) -> list[str]:
        """Bit net names (LSB first) of ``name`` or ``name[sel]``."""
        decl = self.decls.get(name)
        if decl is None:
            if sel is not None:
                raise self.error(f"undeclared vector {name}", line)
            self.decls[name] = decl = Decl("wire", None, line)
        if decl.bits is None:
            if sel is not None:
                raise self.error(f"{name} is a scalar and cannot be indexed", line)
            return [name]
        if sel is None:
            self.budget.spend(len(decl.bits), f"vector {name}", line)
            return [f"{name}[{i}]" for i in reversed(decl.bits)]
        msb, lsb = decl.bits[0], decl.bits[-1]

        def position(i: int) -> int:  # from the LSB, in constant time
            pos = i - lsb if msb >= lsb else lsb - i
            if not 0 <= pos < len(decl.bits):
                raise self.error(f"index {i} is outside {name}", line)
            return pos

        hi, lo = sel
        a, b = position(lo), position(hi)
        if a == b:
            return [f"{name}[{lo}]"]
        if a > b:
            raise self.error(f"part select {name}[{hi}:{lo}] runs against the declaration", line)
        self.budget.spend(b - a + 1, f"part select {name}[{hi}:{lo}]", line)
        return [
            f"{name}[{i}]" for i in reversed(decl.bits[len(decl.bits) - 1 - b : len(decl.bits) - a])
        ]

    # -- expressions (values are bit lists, LSB first; an int is an unsized constant)
    PRECEDENCE = {"||": 0, "&&": 1, "|": 2, "^": 3, "~^": 3, "^~": 3, "&": 4}
    _GROUPS = {"(": ")", "{": "}", "{{": "}"}  # open marker -> the token that closes it

    def expression(self):
        """One expression, parsed with explicit operand and operator stacks (shift-reduce), so
        that nesting depth (parentheses, ``~`` chains, ``?:`` chains, concatenations) is
        bounded by memory, not by Python's recursion limit.

        Operator entries are ``[op, line, mark]``: prefix ``~``/``!``; binary operators;
        ``?`` (waiting for ``:``) and ``:`` (a ternary waiting for its else value); group
        markers ``(``, ``{`` and ``{{`` (the inner list of a replication), whose ``mark`` is
        the operand stack height when the group opened. Reductions happen in the order the
        recursive grammar would make them, so the nets come out in the same order.
        """
        values: list = []
        ops: list[list] = []
        while True:  # expecting an operand
            text, line = self.texts[self.i], self.lines[self.i]
            if text in ("~", "!"):
                self.i += 1
                ops.append([text, line, None])
                continue
            if text in ("&", "|", "^", "~&", "~|", "~^", "^~", "-", "+"):
                raise self.error(
                    f"unary operator {text} is not supported (structural netlists only)"
                )
            if self.accept("(") or self.accept("{"):
                ops.append([text, line, len(values)])
                continue
            values.append(self.atom())
            self._apply_prefix(values, ops)
            if self._after_operand(values, ops):
                return values.pop()

    def atom(self):
        """A name with an optional select, or a constant."""
        text, line = self.texts[self.i], self.lines[self.i]
        kind = token_kind(text)
        if kind == "escaped" or (kind == "name" and text not in KEYWORDS):
            name = self.ident()
            return [(b, False) for b in self.target_bits(name, self.select(), line)]
        if kind == "number":
            self.i += 1
            return self.constant(text, line)
        if kind == "system":
            raise self.error(f"system function {text} is not supported")
        raise self.error(f"unexpected {self.found()} in an expression")

    def _after_operand(self, values: list, ops: list[list]) -> bool:
        """Consume operators and closing tokens after an operand until another operand is
        due (False) or the expression has ended (True, one value left on the stack)."""
        while True:
            text, line = self.texts[self.i], self.lines[self.i]
            level = self.PRECEDENCE.get(text)
            if level is not None:
                self._reduce(values, ops, level)
                self.i += 1
                ops.append([text, line, None])
                return False
            if text in UNSUPPORTED_OPS:
                raise self.error(f"operator {text} is not supported (structural netlists only)")
            if text == "?":
                self._reduce(values, ops, 0)
                self.i += 1
                ops.append(["?", line, None])
                return False
            if text == ":" and self._reduce(values, ops, None, ternary=True) == "?":
                ops[-1][0] = ":"
                self.i += 1
                return False
            group = self._reduce(values, ops, None, ternary=True)
            if group is None:
                return True  # the expression ends here; the caller checks what follows
            if group == "?":
                raise self.error(f"expected ':', found {self.found()}")
            if text == "{" and group == "{" and len(values) == ops[-1][2] + 1:
                count = values[-1]
                if not isinstance(count, int):
                    raise self.error("a replication count must be a constant", ops[-1][1])
                self.i += 1
                ops.append(["{{", ops[-1][1], len(values)])
                return False
            if text == "," and group in ("{", "{{"):
                self.i += 1
                return False
            if text != self._GROUPS[group]:
                raise self.error(f"expected {self._GROUPS[group]!r}, found {self.found()}")
            self.i += 1
            _, open_line, mark = ops.pop()
            parts = values[mark:]
            del values[mark:]
            values.append(parts[0] if group == "(" else self._concatenate(parts, open_line))
            if group == "{{":  # a replication {n{...}} closes with a second brace
                self.expect("}")
                inner, count = values.pop(), values.pop()
                ops.pop()
                self.budget.spend(len(inner) * count, f"replication {{{count}{{...}}}}", self.line)
                values.append(inner * count)
            self._apply_prefix(values, ops)

    def _concatenate(self, parts: list, line: int) -> list[Bit]:
        bits: list[Bit] = []
        for part in reversed(parts):
            if isinstance(part, int):
                raise self.error("unsized constants are not allowed in a concatenation", line)
            bits.extend(part)
        return bits

    def _apply_prefix(self, values: list, ops: list[list]) -> None:
        """Apply the ``~``/``!`` operators waiting right before the operand just completed."""
        while ops and ops[-1][0] in ("~", "!"):
            op, line, _ = ops.pop()
            value = values.pop()
            if isinstance(value, int):
                value = self.const_bits(value, 1)
            if op == "!" and len(value) != 1:
                raise self.error("! on vectors is not supported", line)
            values.append([self.negate(b) for b in value])

    def _reduce(self, values: list, ops: list[list], level: int | None, ternary=False):
        """Combine binary operators on top of the stack whose level is at least ``level``
        (all of them for None), and complete ternaries too when ``ternary``; return the
        entry left on top ('?' or a group marker) or None for an empty stack."""
        while ops:
            op, line, _ = ops[-1]
            if op in self.PRECEDENCE and (level is None or self.PRECEDENCE[op] >= level):
                ops.pop()
                right = values.pop()
                values.append(self.combine(op, line, values.pop(), right))
            elif op == ":" and ternary:
                ops.pop()
                other, then = values.pop(), values.pop()
                values.append(self.ternary(values.pop(), then, other, line))
            else:
                return op if op in ("?", *self._GROUPS) else None
        return None

    def ternary(self, cond, then, other, line: int) -> list[Bit]:
        c = self.scalar(cond, line)
        if isinstance(then, int) and isinstance(other, int):
            then = self.const_bits(then, 1)
        width = len(then) if not isinstance(then, int) else len(other)
        a = self.const_bits(then, width) if isinstance(then, int) else then
        b = self.const_bits(other, width) if isinstance(other, int) else other
        if len(a) != len(b):
            raise self.error(f"width mismatch in ?: ({len(a)} and {len(b)} bits)", line)
        sel = self.operand(c)
        cover = {"cover": ("11-", "0-1"), "onset": True}
        return [
            Pending(Kind.SOP, [sel, self.operand(x), self.operand(y)], cover) for x, y in zip(a, b)
        ]

    def combine(self, op: str, line: int, left, right) -> list[Bit]:
        if isinstance(left, int) and isinstance(right, int):
            left = self.const_bits(left, 1)
        width = len(right) if isinstance(left, int) else len(left)
        a = self.const_bits(left, width) if isinstance(left, int) else left
        b = self.const_bits(right, width) if isinstance(right, int) else right
        if len(a) != len(b):
            raise self.error(f"width mismatch for {op} ({len(a)} and {len(b)} bits)", line)
        if op in ("&&", "||") and len(a) != 1:
            raise self.error(f"{op} on vectors is not supported", line)
        kind = BINARY.get(op, Kind.AND)
        out = []
        for x, y in zip(a, b):
            refs: list[Ref] = []
            inverted = op in ("~^", "^~")
            for v in (x, y):
                if (
                    isinstance(v, Pending)
                    and v.kind is kind
                    and (kind is Kind.XOR or not v.inverted)
                ):
                    refs.extend(v.refs)
                    inverted ^= v.inverted
                else:
                    refs.append(self.operand(v))
            out.append(Pending(kind, refs, {}, inverted))
        return out

    def negate(self, bit: Bit) -> Bit:
        if isinstance(bit, Pending):
            return Pending(bit.kind, bit.refs, bit.extra, not bit.inverted)
        return (bit[0], not bit[1])

    def constant(self, token: str, line: int):
        text = token.replace("_", "").replace(" ", "").replace("\t", "")
        size, _, rest = text.rpartition("'")
        rest = rest.lstrip("sS")
        base = {"b": 2, "o": 8, "d": 10, "h": 16}[rest[0].lower()] if "'" in text else 10
        digits = rest[1:] if "'" in text else rest
        if set(digits.lower()) & set("xz?"):
            raise self.error(f"constant {token[:40]} has x or z bits: not supported", line)
        try:  # int() refuses decimal numbers of thousands of digits
            value, width = int(digits, base), int(size) if size else None
        except ValueError:
            raise self.error(f"bad constant {token[:40]}", line) from None
        return value if width is None else self.const_bits(value, width, line)

    def const_bits(self, value: int, width: int, line: int | None = None) -> list[Bit]:
        self.budget.spend(width, f"a {width}-bit constant", line or self.line)
        kinds = (Kind.CONST0, Kind.CONST1)
        return [Pending(kinds[(value >> k) & 1], []) for k in range(width)]

    def operand(self, bit: Bit) -> Ref:
        """A reference to a bit's value, giving a pending gate an anonymous net."""
        if not isinstance(bit, Pending):
            return bit
        if bit.kind in (Kind.CONST0, Kind.CONST1):
            if self.const_used is None:
                self.const_used = self.line
            return (CONST, (bit.kind is Kind.CONST1) != bit.inverted)
        self.anon += 1
        key = ("$expr", self.anon)
        self.builder.define(key, bit.kind, bit.refs, self.line, **bit.extra)
        return (key, bit.inverted)


def parse_verilog(text: str, path: str | os.PathLike | None = None) -> Netlist:
    """The netlist of the first module of Verilog ``text`` (other modules must be unused)."""
    parser = _Parser(tokenize(text, path), path, len(text))
    if parser.text != "module":
        what = "an empty file" if not parser.text else repr(parser.text)
        raise parser.error(f"expected 'module', found {what}")
    try:
        netlist = parser.module()
    except RecursionError:  # nested concatenations on the left of an assignment
        raise parser.error("nested too deeply to read") from None
    while parser.text:
        if parser.text != "module":
            raise parser.error(f"unexpected {parser.text!r:.60} after endmodule")
        while parser.text and not parser.accept("endmodule"):
            parser.next()
    return netlist


def read_netlist(path: str | os.PathLike) -> Netlist:
    """Read the first module of a structural Verilog file."""
    with reading(path):
        return parse_verilog(read_text(path), os.fspath(path))
