"""BLIF (Berkeley Logic Interchange Format), the combinational subset.

Writer: ``.model``/``.inputs``/``.outputs``, one ``.names`` per AND, OR, two-input XOR and SOP
gate; MAJ, THRESHOLD, wider XOR and gates of more than 12 distinct fan-ins (which Yosys refuses)
are written as their AND2 lowering (:func:`btfsynth.passes.lower`), whose covers read back as the
same AND2s, so the file has the circuit's AND2 count; one buffer ``.names`` per output that is
not its gate's own net, ``.end``; long lines are continued with ``\\``.

Reader: what ABC, Yosys, SIS and the EPFL suite write for combinational logic: ``.model``,
``.inputs``/``.outputs`` (repeatable, continued with ``\\``), ``.names`` with on-set or off-set
covers and ``-``, constant covers, ``#`` comments, ``.conn`` (Yosys buffers), ``.end``, and the
SIS timing directives (ignored). The first model is the top; further models must be unused.
``.latch``, ``.subckt`` and ``.gate`` are refused with their line number. Single-cube and
single-literal covers become AND/OR/BUF/NOT/constant gates, other covers SOP gates. Format
reference: the BLIF specification (Berkeley, 1992).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence

from btfsynth.errors import FormatError, reading
from btfsynth.files import read_text, write_text
from btfsynth.netlist import Gate, Kind, Netlist
from btfsynth.passes.aig import lower, project

from .nets import (
    BOM,
    NetBuilder,
    Ref,
    complement,
    copy_of,
    gate_cover,
    header_lines,
    net_names,
)

LEGAL_NAME = re.compile(r"[^\s#\\=.][^\s#\\=]*")
"""A BLIF net name: no whitespace, comment, continuation or ``=``; not starting with a dot."""

IGNORED = frozenset(
    ".area .delay .wire_load_slope .wire .input_arrival .default_input_arrival .output_required"
    " .default_output_required .input_drive .default_input_drive .output_load"
    " .default_output_load .max_input_load .clock .cname .attr .param".split()
)
UNSUPPORTED = {
    ".latch": "latches (.latch) are not supported: only combinational logic",
    ".mlatch": "latches (.mlatch) are not supported: only combinational logic",
    ".subckt": "hierarchy (.subckt) is not supported: flatten the design first",
    ".gate": "library gates (.gate) are not supported: write the mapped design with .names",
    ".exdc": "external don't-care networks (.exdc) are not supported",
}


# -- writer --------------------------------------------------------------------------------------


def continued(words: Sequence[str], width: int = 78) -> str:
    """Words joined by spaces and broken into lines of about ``width`` characters, each but the
    last ending in the BLIF continuation `` \\``."""
    lines, current = [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current + " \\")
            current = " " + word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return "\n".join(lines)


MAX_FANIN = 12
"""Wider ``.names`` are written as AND2 decompositions: Yosys reads at most 12 inputs per cover."""


def _writable(g: Gate) -> bool:
    """Whether ``g`` is written as one ``.names`` whose cover reads back as the same AND2s:
    AND and OR of any literals, XOR of two distinct gates, SOP over distinct gates."""
    distinct = len({f.gate for f in g.fanins})
    if distinct > MAX_FANIN:
        return False
    if g.kind in (Kind.AND, Kind.OR):
        return True
    if g.kind in (Kind.XOR, Kind.SOP):
        return distinct == len(g.fanins) and (g.kind is Kind.SOP or distinct <= 2)
    return False


def format_blif(netlist: Netlist, source: str | None = None) -> str:
    """The BLIF text of ``netlist``."""
    netlist = lower(netlist, _writable)
    names = net_names(netlist, LEGAL_NAME, share_inputs=True)
    out = [
        *("# " + line for line in header_lines(netlist, source)),
        ".model " + (LEGAL_NAME.fullmatch(netlist.name) and netlist.name or "top"),
        continued([".inputs", *(names.gates[i] for i in netlist.inputs)]),
        continued([".outputs", *names.outputs]),
    ]
    constant = {Kind.CONST0: False, Kind.CONST1: True}
    owned = {s.gate for s, own in zip(netlist.outputs, names.own) if own}
    for i, g in enumerate(netlist.gates):
        if g.kind is Kind.INPUT or (g.kind in constant and i not in owned):
            continue  # after lowering, only outputs use constants
        cover, onset = gate_cover(g)
        gates, cubes = project(cover, g.fanins)
        out.append(_names_block([names.gates[j] for j in gates], names.gates[i], cubes, onset))
    for k, s in enumerate(netlist.outputs):
        kind = netlist.gates[s.gate].kind
        if names.own[k]:
            continue
        if kind in constant:
            one = constant[kind] != s.inverted
            out.append(_names_block([], names.outputs[k], [""] if one else [], True))
        else:
            cube = "0" if s.inverted else "1"
            out.append(_names_block([names.gates[s.gate]], names.outputs[k], [cube], True))
    out.append(".end")
    return "\n".join(out) + "\n"


def _names_block(fanins: list[str], net: str, cubes: list[str], onset: bool) -> str:
    """One ``.names`` block; constant covers are written without fan-ins."""
    if not cubes or any(set(c) <= {"-"} for c in cubes):
        value = onset if cubes else not onset
        return f".names {net}" + ("\n1" if value else "")
    mark = " 1" if onset else " 0"
    return continued([".names", *fanins, net]) + "".join("\n" + c + mark for c in cubes)


def write_netlist(netlist: Netlist, path: str | os.PathLike, source: str | None = None) -> None:
    """Write ``netlist`` as BLIF (atomically)."""
    write_text(path, format_blif(netlist, source))


# -- reader --------------------------------------------------------------------------------------


def _logical_lines(text: str, path) -> Iterator[tuple[int, list[str]]]:
    """(first line number, tokens) of every non-empty line, comments removed and ``\\``
    continuations joined."""
    pending: list[str] = []
    start = 0
    number = 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].rstrip()
        more = line.endswith("\\")
        if more:
            line = line[:-1]
        if not pending:
            start = number
        pending.extend(line.split())
        if more:
            continue
        if pending:
            yield start, pending
            pending = []
    if pending:
        raise FormatError("file ends inside a continued line (truncated?)", path, number)


def cover_gate(inputs: list[str], cubes: list[str], onset: bool) -> tuple[Kind, list[Ref], dict]:
    """The gate of a ``.names`` cover: constants, BUF/NOT, AND/OR of literals where the cover
    is one cube or one literal per cube, an SOP gate otherwise."""
    if not cubes:
        return Kind.CONST0, [], {}
    if any(set(c) <= {"-"} for c in cubes):
        return (Kind.CONST1 if onset else Kind.CONST0), [], {}
    literals = [[(inputs[j], ch == "0") for j, ch in enumerate(c) if ch != "-"] for c in cubes]
    if len(cubes) == 1:
        kind, refs = (Kind.AND, literals[0])
    elif all(len(lits) == 1 for lits in literals):
        kind, refs = (Kind.OR, [lits[0] for lits in literals])
    else:
        return Kind.SOP, [(name, False) for name in inputs], {"cover": tuple(cubes), "onset": onset}
    if len(refs) == 1:
        kind, refs = copy_of(refs[0])
    return complement(kind, refs, {}) if not onset else (kind, refs, {})


class _Names:
    """A ``.names`` block being read."""

    def __init__(self, tokens: list[str], line: int):
        self.inputs, self.output, self.line = tokens[1:-1], tokens[-1], line
        self.cubes: list[str] = []
        self.onset: bool | None = None


def parse_blif(text: str, path: str | os.PathLike | None = None) -> Netlist:
    """The netlist of the first (top) model of BLIF ``text``."""
    text = text.removeprefix(BOM)
    builder = NetBuilder(path)
    error = builder.error
    model: str | None = None
    top = "top"
    models = 0
    ended = False
    names: _Names | None = None
    outputs: list[tuple[str, int]] = []

    def finish() -> None:
        if names is not None and models == 1:
            kind, refs, extra = cover_gate(names.inputs, names.cubes, names.onset is not False)
            builder.define(names.output, kind, refs, names.line, **extra)

    last = 0
    for line, tokens in _logical_lines(text, path):
        last = line
        word = tokens[0]
        if not word.startswith("."):
            if names is None:
                raise error(f"unexpected {word!r:.60} outside a .names cover", line)
            _cover_line(names, tokens, line, error)
            continue
        finish()
        names = None
        if word == ".model":
            if model is not None and not ended:
                raise error("new .model before .end of the previous one", line)
            models += 1
            model, ended = (tokens[1] if len(tokens) > 1 else "top"), False
            top = model if models == 1 else top
            continue
        if model is None or ended:
            if word in UNSUPPORTED:
                raise error(UNSUPPORTED[word], line)
            raise error(f"{word} outside a .model", line)
        if word == ".end":
            ended = True
        elif word in UNSUPPORTED:
            raise error(UNSUPPORTED[word], line)
        elif word in IGNORED or models > 1:
            if word == ".names":
                names = _Names(tokens, line)
        elif word == ".inputs":
            for name in tokens[1:]:
                builder.add_input(name, line)
        elif word == ".outputs":
            outputs.extend((name, line) for name in tokens[1:])
        elif word == ".names":
            if len(tokens) < 2:
                raise error(".names needs at least an output signal", line)
            names = _Names(tokens, line)
        elif word == ".conn":
            if len(tokens) != 3:
                raise error(".conn needs exactly two signals", line)
            builder.define(tokens[2], Kind.BUF, [(tokens[1], False)], line)
        else:
            raise error(f"unknown directive {word}", line)
    finish()
    if model is None:
        raise error("no .model found (empty or not a BLIF file)", last or 1)
    if not ended:
        raise error(f"model {model} has no .end (truncated file?)", last)
    for name, line in outputs:
        builder.add_output(name, (name, False), line)
    return builder.build(top)


def _cover_line(names: _Names, tokens: list[str], line: int, error) -> None:
    k = len(names.inputs)
    if k == 0 and len(tokens) == 1:
        cube, value = "", tokens[0]
    elif len(tokens) == 2 and k > 0:
        cube, value = tokens
    else:
        want = "an output value (0 or 1)" if k == 0 else f"a cube of {k} characters and a value"
        raise error(f"cover line {' '.join(tokens)!r:.60}: expected {want}", line)
    if len(cube) != k or set(cube) - set("01-"):
        raise error(f"cube {cube!r:.60} does not match the {k} inputs of {names.output}", line)
    if value not in ("0", "1"):
        raise error(f"output value {value!r:.60} must be 0 or 1", line)
    onset = value == "1"
    if names.onset is not None and names.onset != onset:
        raise error(f"cover of {names.output} mixes on-set and off-set lines", line)
    names.onset = onset
    names.cubes.append(cube)


def read_netlist(path: str | os.PathLike) -> Netlist:
    """Read the top model of a BLIF file."""
    with reading(path):
        return parse_blif(read_text(path), os.fspath(path))
