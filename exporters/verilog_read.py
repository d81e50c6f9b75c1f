"""Structural Verilog reader: the structural subset written by ABC, Yosys (``write_verilog
-noattr``) and the EPFL suite.

ANSI and non-ANSI port lists, plain and escaped identifiers, vectors ``[msb:lsb]`` expanded to
bits named ``a[3]`` (listed from the lowest index up, as ABC and Yosys list them in BLIF),
``input``/``output``/``wire`` declarations, ``assign`` with ``~ ! & | ^ ~^ && ||``,
parentheses, ``?:``, bit and part selects and concatenations (verilog_expr.py), gate
primitives (``and or nand nor xor xnor not buf``) and sized or unsized constants. Behavioural
code (``always``, ``reg``, arithmetic and comparison operators) and module instances are
refused with their line.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from btfsynth import limits
from btfsynth.errors import FormatError, reading
from btfsynth.files import read_text
from btfsynth.netlist import Kind, Netlist

from .nets import (
    NetBuilder,
    Ref,
    complement,
    copy_of,
)
from .verilog_expr import CONST, Bit, Expressions, Pending
from .verilog_tokens import KEYWORDS, token_kind, tokenize

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


class _Parser(Expressions):
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
