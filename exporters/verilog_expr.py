"""Structural Verilog reader, expressions: values are bit lists (LSB first), operators become
pending gates, constants and selects are charged to the reader's size budget.

:class:`Expressions` is the expression half of the recursive-descent parser in
verilog_read.py, which supplies the token helpers (``next``, ``accept``, ``error``, ``line``),
the net builder and the budget."""

from __future__ import annotations

from dataclasses import dataclass, field

from btfsynth.netlist import Kind

from .nets import Ref
from .verilog_tokens import KEYWORDS, token_kind


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

BINARY = {"|": Kind.OR, "||": Kind.OR, "^": Kind.XOR, "~^": Kind.XOR, "^~": Kind.XOR}
UNSUPPORTED_OPS = "+ - * / % < > <= >= == != === !== << >> <<< >>> ~& ~|".split()
CONST = "$const0"
"""The key of the shared constant-0 net."""


class Expressions:
    """The expression methods of the Verilog parser (see the module docstring)."""

    # values are bit lists, LSB first; an int is an unsized constant
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
