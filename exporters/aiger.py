"""AIGER, the And-Inverter Graph format of the hardware model checking and IWLS contests.

Both variants of the AIGER 1.9 specification (Biere, "The AIGER And-Inverter Graph (AIG)
Format", fmv.jku.at/aiger): ASCII (``aag M I L O A`` then one line per input, latch, output and
AND) and binary (``aig``: inputs implicit, each AND ``2*v`` stored as the two deltas
``lhs - rhs0`` and ``rhs0 - rhs1`` in 7-bit groups, least significant first, high bit set when
more follow). Literal ``2*v + 1`` is the complement of variable ``v``; literal 0 is false.

The writer decomposes a netlist with :func:`btfsynth.passes.to_and2` (strashed, constants folded)
and numbers the inputs 1..I, the ANDs I+1..M in topological order; the symbol table carries the
input and output names. The reader takes combinational files (L = 0, no bad-state, constraint,
justice or fairness properties); ANDs of ASCII files may come in any order. Extension ``.aag``
is ASCII, ``.aig`` binary.
"""

from __future__ import annotations

import os

from btfsynth import limits
from btfsynth.errors import FormatError, reading
from btfsynth.files import read_bytes, write_bytes
from btfsynth.netlist import Gate, Kind, Netlist, Signal
from btfsynth.passes.aig import to_and2

from .nets import NetBuilder

# -- writer --------------------------------------------------------------------------------------


def _encode(value: int) -> bytes:
    """The 7-bit group encoding of a non-negative integer (binary AIGER deltas)."""
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def format_aiger(netlist: Netlist, binary: bool = False, source: str | None = None) -> bytes:
    """The AIGER file of ``netlist``: ASCII (``aag``) or binary (``aig``)."""
    aig = to_and2(netlist)
    n_in = aig.n_inputs
    var = [0] * len(aig.gates)
    next_var = 1
    for i in aig.inputs:
        var[i], next_var = next_var, next_var + 1
    ands: list[tuple[int, int, int]] = []
    for i, g in enumerate(aig.gates):
        if g.kind is Kind.AND:
            var[i], next_var = next_var, next_var + 1
            rhs = sorted((2 * var[f.gate] + f.inverted for f in g.fanins), reverse=True)
            ands.append((2 * var[i], rhs[0], rhs[-1]))
    outs = [2 * var[s.gate] + s.inverted for s in aig.outputs]
    header = f"{'aig' if binary else 'aag'} {n_in + len(ands)} {n_in} 0 {len(outs)} {len(ands)}\n"
    parts = [header.encode()]
    if not binary:
        parts.append("".join(f"{2 * var[i]}\n" for i in aig.inputs).encode())
    parts.append("".join(f"{lit}\n" for lit in outs).encode())
    if binary:
        parts.append(b"".join(_encode(lhs - r0) + _encode(r0 - r1) for lhs, r0, r1 in ands))
    else:
        parts.append("".join(f"{lhs} {r0} {r1}\n" for lhs, r0, r1 in ands).encode())
    symbols = [f"i{k} {name}" for k, name in enumerate(aig.input_names)]
    symbols += [f"o{k} {name}" for k, name in enumerate(aig.output_names)]
    comment = f"written by btfsynth{' from ' + source if source else ''}"
    text = "".join(" ".join(s.splitlines()) + "\n" for s in [*symbols, "c", comment])
    parts.append(text.encode("utf-8"))
    return b"".join(parts)


def write_netlist(
    netlist: Netlist, path: str | os.PathLike, binary: bool | None = None, source: str | None = None
) -> None:
    """Write ``netlist`` as AIGER (atomically); binary unless ``path`` ends in ``.aag``
    (``binary`` overrides the extension)."""
    if binary is None:
        binary = not os.fspath(path).lower().endswith(".aag")
    write_bytes(path, format_aiger(netlist, binary, source))


# -- reader --------------------------------------------------------------------------------------

SYMBOL_KINDS = {"i": "input", "l": "latch", "o": "output", "b": "bad-state property",
                "c": "constraint", "j": "justice property", "f": "fairness property"}  # fmt: skip
"""Symbol table prefixes (AIGER 1.9) and what they name."""


def _unsigned(word: str) -> bool:
    """An unsigned decimal of at most 20 digits (2^64 has 20; longer ones are not literals)."""
    return word.isascii() and word.isdigit() and len(word) <= 20


class _Cursor:
    """Reads the text lines and binary AND section of an AIGER file, counting lines."""

    def __init__(self, data: bytes, path):
        self.data, self.pos, self.line, self.path = data, 0, 0, path

    def error(self, message: str, line: int | None = None) -> FormatError:
        return FormatError(message, self.path, self.line if line is None else line)

    def text_line(self, what: str) -> str:
        end = self.data.find(b"\n", self.pos)
        if end < 0:
            if not self.data:
                raise FormatError(
                    "empty file: expected an AIGER header 'aag M I L O A'", self.path, 1
                )
            if self.pos >= len(self.data):
                raise FormatError(
                    f"file ends before {what} (truncated?)", self.path, max(self.line, 1)
                )
            end = len(self.data)
        self.line += 1
        line = self.data[self.pos : end].decode("utf-8", errors="replace")
        self.pos = end + 1
        return line

    def numbers(self, what: str, count: int) -> list[int]:
        words = self.text_line(what).split()
        if len(words) != count or not all(_unsigned(w) for w in words):
            raise self.error(f"expected {count} unsigned number(s) of up to 20 digits for {what}")
        return [int(w) for w in words]

    def delta(self, line: int) -> int:
        """One 7-bit-group number of the binary AND section."""
        value, shift = 0, 0
        data = self.data
        while True:
            if self.pos >= len(data):
                raise self.error("file ends inside the binary AND section (truncated?)", line)
            byte = data[self.pos]
            self.pos += 1
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                return value
            shift += 7
            if shift > 63:
                raise self.error(f"delta at byte {self.pos} has more than 64 bits", line)


def parse_aiger(data: bytes, path: str | os.PathLike | None = None) -> Netlist:
    """A netlist (INPUT, CONST0 and AND gates) from the bytes of an ASCII or binary AIGER file.

    The sizes in the header are checked before anything is allocated for them: against the
    caps of :mod:`btfsynth.limits` and, in a binary file, against the bytes that follow (every
    output line and every AND takes at least 2 bytes).
    """
    cur = _Cursor(data, path)
    header = cur.text_line("the header").split()
    if not header or header[0] not in ("aag", "aig"):
        raise cur.error("not an AIGER file: the header must start with 'aag' or 'aig'")
    binary = header[0] == "aig"
    if not 6 <= len(header) <= 10 or not all(_unsigned(w) for w in header[1:]):
        raise cur.error("the header must be 'aag|aig M I L O A' with unsigned numbers")
    m, n_in, n_latch, n_out, n_and, *extra = (int(w) for w in header[1:])
    if n_latch:
        raise cur.error(f"latches are not supported (L = {n_latch}): only combinational AIGs")
    if any(extra):
        raise cur.error("bad-state, constraint, justice and fairness sections are not supported")
    if binary and m != n_in + n_and:
        raise cur.error(f"M = {m} must equal I + L + A = {n_in + n_and} in a binary AIGER file")
    if m < n_in + n_and:
        raise cur.error(f"M = {m} is smaller than I + A = {n_in + n_and}")
    limits.check("inputs", n_in, "inputs", path, 1)
    limits.check("AND gates", n_and, "gates", path, 1)
    if binary:  # ASCII files list every input: their loops stop where the bytes do
        left = len(data) - cur.pos + 1  # the last output line may lack its newline
        limits.check_backed("outputs and ANDs", n_out + n_and, 2, left, path, 1)
    read = _read_binary if binary else _read_ascii
    name = os.path.splitext(os.path.basename(os.fspath(path or "top")))[0]
    return read(cur, m, n_in, n_out, n_and, name)


def _read_ascii(cur: _Cursor, m: int, n_in: int, n_out: int, n_and: int, name: str) -> Netlist:
    """The inputs, outputs and ANDs (in any order) of an ASCII file, ordered by NetBuilder."""
    builder = NetBuilder(cur.path, lambda v: f"variable {v} (literal {2 * v})")
    const_line: int | None = None

    def literal(lit: int, line: int) -> tuple[int, bool]:
        nonlocal const_line
        if lit > 2 * m + 1:
            raise cur.error(f"literal {lit} exceeds 2*M+1 = {2 * m + 1}", line)
        if lit < 2 and const_line is None:
            const_line = line
        return lit >> 1, bool(lit & 1)

    inputs = []
    for k in range(n_in):
        (lit,) = cur.numbers(f"input {k}", 1)
        if lit < 2 or lit & 1:
            raise cur.error(f"input literal {lit} must be even and at least 2")
        if lit > 2 * m:
            raise cur.error(f"input literal {lit} exceeds 2*M = {2 * m}")
        builder.add_input(lit >> 1, cur.line, f"i{k}")
        inputs.append(lit >> 1)
    outputs = [(cur.numbers(f"output {k}", 1)[0], cur.line) for k in range(n_out)]
    for k in range(n_and):
        lhs, rhs0, rhs1 = cur.numbers(f"AND {k}", 3)
        if lhs < 2 or lhs & 1:
            raise cur.error(f"AND literal {lhs} must be even and at least 2")
        if lhs > 2 * m:
            raise cur.error(f"AND literal {lhs} exceeds 2*M = {2 * m}")
        fanins = (literal(rhs0, cur.line), literal(rhs1, cur.line))
        builder.define(lhs >> 1, Kind.AND, fanins, cur.line)
    names_in, names_out = _symbols(cur, n_in, n_out)
    for k, v in enumerate(inputs):
        if k in names_in:
            builder.inputs[v] = (builder.inputs[v][0], names_in[k])
    for k, (lit, line) in enumerate(outputs):
        builder.add_output(names_out.get(k, f"o{k}"), literal(lit, line), line)
    if const_line is not None:
        builder.define(0, Kind.CONST0, [], const_line)
    return builder.build(name)


def _read_binary(cur: _Cursor, m: int, n_in: int, n_out: int, n_and: int, name: str) -> Netlist:
    """A binary file, built directly: its inputs are variables 1..I and its ANDs I+1..M in
    topological order (each refers to smaller literals), so no net table or sort is needed.
    The constant, if used, goes where NetBuilder would put it: before its first user."""
    outputs = [(cur.numbers(f"output {k}", 1)[0], cur.line) for k in range(n_out)]
    line = cur.line + 1  # the binary section, located by its first line
    gates: list = [None] * n_in  # the INPUT gates, named after the symbol table
    signals = [Signal(k) for k in range(n_in)]
    const: list[Signal] = []

    def signal(lit: int) -> Signal:
        if lit < 2 and not const:
            const.append(Signal(len(gates)))
            gates.append(Gate(Kind.CONST0))
        s = const[0] if lit < 2 else signals[(lit >> 1) - 1]
        return ~s if lit & 1 else s

    for k in range(n_and):
        lhs = 2 * (n_in + k + 1)
        at = cur.pos
        d0 = cur.delta(line)
        rhs0 = lhs - d0
        rhs1 = rhs0 - cur.delta(line)
        if d0 == 0 or rhs1 < 0:
            what = "itself" if d0 == 0 else "a negative literal"
            raise cur.error(f"AND {k} (literal {lhs}, byte {at}) refers to {what}", line)
        fanins = (signal(rhs0), signal(rhs1))
        signals.append(Signal(len(gates)))
        gates.append(Gate(Kind.AND, fanins))
    cur.line = cur.data.count(b"\n", 0, cur.pos)  # lines as an editor counts them
    names_in, names_out = _symbols(cur, n_in, n_out, binary=True)
    taken: dict[str, int] = {}
    for k in range(n_in):
        input_name = names_in.get(k, f"i{k}")
        if input_name in taken:
            raise cur.error(f"two inputs are named {input_name}", 1)
        taken[input_name] = k
        gates[k] = Gate(Kind.INPUT, name=input_name)
    netlist = Netlist(gates, name=name)
    seen: set[str] = set()
    for k, (lit, out_line) in enumerate(outputs):
        out_name = names_out.get(k, f"o{k}")
        if lit > 2 * m + 1:
            raise cur.error(f"literal {lit} exceeds 2*M+1 = {2 * m + 1}", out_line)
        if out_name in seen:
            raise cur.error(f"output {out_name} is declared twice", out_line)
        seen.add(out_name)
        netlist.add_output(signal(lit), out_name)
    return netlist


def _symbols(
    cur: _Cursor, n_in: int, n_out: int, binary: bool = False
) -> tuple[dict[int, str], dict[int, str]]:
    """Input and output names from the symbol table (up to the comment section).

    Symbols of latches and properties, which a combinational file has none of, are errors. In
    a binary file the symbol table must follow the AND section directly: anything else there
    (a blank line included) means the header's counts do not match the bytes.
    """
    names: dict[str, dict[int, str]] = {"i": {}, "o": {}}
    counts = {"i": n_in, "o": n_out}
    seen: dict[str, int] = {}
    while cur.pos < len(cur.data):
        at = cur.pos
        line = cur.text_line("symbols")
        if line.startswith("c") and line.rstrip() == "c":
            break
        if not line.strip() and not binary:
            continue
        head, _, name = line.partition(" ")
        kind, index = head[:1], head[1:]
        if kind not in SYMBOL_KINDS or not _unsigned(index) or not name:
            where = f" at byte {at}, after the AND section" if binary else ""
            raise cur.error(f"bad symbol table line {line[:40]!r}{where}")
        if int(index) >= counts.get(kind, 0):
            raise cur.error(f"symbol {head} refers to a missing {SYMBOL_KINDS[kind]}")
        key = f"{kind}{int(index)}"
        if key in seen:
            raise cur.error(f"symbol {key} is named twice (first on line {seen[key]})")
        seen[key] = cur.line
        names[kind][int(index)] = name
    return names["i"], names["o"]


def read_netlist(path: str | os.PathLike) -> Netlist:
    """Read an ASCII or binary AIGER file (the header decides, not the extension)."""
    with reading(path):
        return parse_aiger(read_bytes(path), os.fspath(path))
