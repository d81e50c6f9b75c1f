"""Espresso PLA truth tables: reader and writer.

The format is Berkeley espresso's (man page espresso(5), "PLA file format"; R. Rudell, 1988),
also written by ABC (``write_pla``) and used by the IWLS 2020 learning contest (``.type fr``
files of sampled, fully specified rows). A PLA lists cubes: an input part over ``0``, ``1``,
``-`` (espresso also reads ``2`` as ``-``) and an output part whose characters put the cube
into the ON-, OFF- or DC-set of each output, depending on ``.type``:

=======  ==========  ==========  ==========  =============================================
type     ``1``/``4`` ``0``/``3`` ``-``/``2`` points no cube puts in a set
=======  ==========  ==========  ==========  =============================================
f        ON          —           —           0   (OFF = complement of ON)
fd       ON          —           DC          0   (OFF = complement of ON ∪ DC; the default)
r        —           OFF         —           1   (ON = complement of OFF)
dr       —           OFF         DC          1   (ON = complement of DC ∪ OFF)
fr       ON          OFF         —           don't care (DC = complement of ON ∪ OFF)
fdr      ON          OFF         DC          don't care (espresso derives no set here)
=======  ==========  ==========  ==========  =============================================

"—" and ``~`` mean "no meaning for this output". The character pairs follow espresso's own
reader (``read_cube`` in cvrin.c maps ``4`` like ``1``, ``3`` like ``0``, ``2`` like ``-``).
A point in the DC-set is a don't care even where another cube puts it in the ON- or OFF-set
(espresso treats F ∪ D as the freedom it may use); a point in both the ON- and OFF-set is an
error naming both lines.

Which table comes back (``complete=None``): types f, fd, r and dr give every one of the 2^n
rows a value, so they are read as a complete table (refused beyond
:data:`~btfsynth.truthtable.MAX_COMPLETE_INPUTS` inputs before anything is allocated). Types
fr and fdr leave unmentioned rows free, so they are read as a partial table holding exactly
the minterms of the listed cubes in file order (cubes with ``-`` are expanded); a sampled IWLS
file thus reads as its rows in file order. A minterm listed twice is two rows (a sample drawn
twice counts twice in accuracies); each keeps the outputs its own line gives a value, with the
values of the point as a whole (its DC-set wins, as above). ``complete=True``
turns an fr/fdr file into a complete table whose unmentioned rows are don't-cares.

Other directives: ``.p`` is a hint (espresso ignores it; so do we), ``.e``/``.end`` end the
file, ``.name`` names the table, ``.phase`` is accepted only when all ones (a ``0`` asks
espresso to implement the complement, which a truth table cannot record). The multiple-valued
and symbolic extensions (``.mv``, ``.kiss``, ``.pair``, ``.symbolic``, ``.label``) and unknown
directives are errors. ``#`` starts a comment; a cube's output part may sit on the next line.

The writer lists every row: complete tables as ``.type fd`` in canonical row order, partial
tables as ``.type fr`` in table order, repeated rows included, outputs ``1``/``0``/``-`` (don't
care); a complete table's repeated rows are merged. ``parse_pla(format_pla(t)) == t`` for every
table with at least one output.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from btfsynth import limits
from btfsynth.errors import BtfsynthError, FormatError, reading
from btfsynth.files import atomic_write, read_text
from btfsynth.truthtable import (
    MAX_COMPLETE_INPUTS,
    TruthTable,
    row_numbers,
)

from . import cubes
from .nets import BOM

TYPES: dict[str, int | None] = {"f": 0, "fd": 0, "r": 1, "dr": 1, "fr": None, "fdr": None}
"""PLA types and the value of points that no cube puts into a set (None: don't care)."""

_BLOCK_ROWS = 1 << 16
"""Rows per block when writing."""

_ON, _OFF, _DC = cubes.ON, cubes.OFF, cubes.DC
_BAD = 255
_OUTPUT_SETS = {"1": "f", "4": "f", "0": "r", "3": "r", "-": "d", "2": "d", "~": ""}
_SET_CODE = {"f": _ON, "r": _OFF, "d": _DC}
_CUBE_START = ("0", "1", "-", "2")
_UNSUPPORTED = {
    "mv": "multiple-valued variables",
    "kiss": "state machines",
    "pair": "input bit pairing",
    "symbolic": "symbolic variables",
    "symbolic-output": "symbolic outputs",
    "label": "multiple-valued labels",
}


def _lookup(pairs: dict[str, int]) -> np.ndarray:
    """A byte → code table, :data:`_BAD` for characters outside ``pairs``."""
    table = np.full(256, _BAD, dtype=np.uint8)
    for ch, code in pairs.items():
        table[ord(ch)] = code
    return table


_INPUT_CODES = _lookup({"0": 0, "1": 1, "-": 2, "2": 2})
_OUTPUT_CODES = {
    kind: _lookup({ch: _SET_CODE[s] if s and s in kind else 0 for ch, s in _OUTPUT_SETS.items()})
    for kind in TYPES
}


@dataclass
class _Pla:
    """What the line scan collects: header values (with their lines) and the cubes."""

    n: int | None = None
    m: int | None = None
    kind: str = "fd"
    name: str | None = None
    lines: dict[str, int] = field(default_factory=dict)
    input_names: tuple[str, ...] = ()
    output_names: tuple[str, ...] = ()
    cube_in: list[str] = field(default_factory=list)
    cube_out: list[str] = field(default_factory=list)
    cube_line: list[int] = field(default_factory=list)


def _count(args: list[str], word: str, path, line: int, minimum: int) -> int:
    ok = len(args) == 1 and args[0].isascii() and args[0].isdigit() and len(args[0]) <= 18
    if not ok or int(args[0]) < minimum:
        raise FormatError(
            f"{word} needs one integer >= {minimum}, not {' '.join(args)!r:.40}", path, line
        )
    return int(args[0])


def _names(args: list[str], word: str, path, line: int) -> tuple[str, ...]:
    seen: set[str] = set()
    for name in args:
        if name in seen:
            raise FormatError(f"duplicate name {name!r:.60} in {word}", path, line)
        seen.add(name)
    return tuple(args)


def _directive(pla: _Pla, word: str, args: list[str], path, line: int) -> None:
    key = word[1:]
    if key in ("i", "o", "ilb", "ob", "type", "name", "phase") and key in pla.lines:
        raise FormatError(f"duplicate {word} (first on line {pla.lines[key]})", path, line)
    if key == "i":
        pla.n = _count(args, word, path, line, 0)
        limits.check("inputs", pla.n, "inputs", path, line)
    elif key == "o":
        pla.m = _count(args, word, path, line, 1)
        limits.check("outputs", pla.m, "inputs", path, line)
    elif key == "p":
        _count(args, word, path, line, 0)  # a hint only: espresso does not check it
    elif key == "ilb":
        pla.input_names = _names(args, word, path, line)
    elif key == "ob":
        pla.output_names = _names(args, word, path, line)
    elif key == "type":
        if pla.cube_in:
            raise FormatError(".type must come before the first cube", path, line)
        if len(args) != 1 or args[0] not in TYPES:
            raise FormatError(
                f".type must be one of {', '.join(TYPES)}, not {' '.join(args)!r:.60}", path, line
            )
        pla.kind = args[0]
    elif key == "name":
        if len(args) != 1:
            raise FormatError(".name needs one word", path, line)
        pla.name = args[0]
    elif key == "phase":
        if pla.m is None or len(args) != 1 or len(args[0]) != pla.m or set(args[0]) - {"0", "1"}:
            raise FormatError(".phase needs one 0/1 character per output, after .o", path, line)
        if "0" in args[0]:
            raise FormatError(
                ".phase with a 0 (minimise the complement of an output) is not supported",
                path,
                line,
            )
    elif key in _UNSUPPORTED:
        raise FormatError(f"{word} ({_UNSUPPORTED[key]}) is not supported", path, line)
    else:
        raise FormatError(f"unknown directive {word!r:.60}", path, line)
    pla.lines[key] = line


def _scan(text: str, path) -> _Pla:
    """Read directives and cubes line by line (no interpretation of the cube characters)."""
    text = text.removeprefix(BOM)
    pla = _Pla()
    pending: tuple[str, int] | None = None  # an input part whose output part is on a later line
    lines = text.splitlines()
    for number, raw in enumerate(lines, 1):
        if pending is None and raw[:1] in _CUBE_START and "#" not in raw:
            parts = raw.split()  # fast path for the usual "inputs outputs" line
            if len(parts) == 2 and len(parts[0]) == pla.n and len(parts[1]) == pla.m:
                pla.cube_in.append(parts[0])
                pla.cube_out.append(parts[1])
                pla.cube_line.append(number)
                continue
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line[0] == ".":
            if pending is not None:
                raise FormatError(
                    f"expected the output part of the cube on line {pending[1]}", path, number
                )
            word, *args = line.split()
            if word in (".e", ".end"):
                break
            _directive(pla, word, args, path, number)
            continue
        if pla.n is None or pla.m is None:
            raise FormatError("a cube before .i and .o", path, number)
        n, m = pla.n, pla.m
        chars = "".join(line.split()).replace("|", "")
        if pending is not None:
            if len(chars) != m:
                raise FormatError(
                    f"output part has {len(chars)} characters, expected {m}", path, number
                )
            pla.cube_in.append(pending[0])
            pla.cube_out.append(chars)
            pla.cube_line.append(pending[1])
            pending = None
        elif len(chars) == n + m:
            pla.cube_in.append(chars[:n])
            pla.cube_out.append(chars[n:])
            pla.cube_line.append(number)
        elif len(chars) == n:
            pending = (chars, number)
        else:
            raise FormatError(
                f"cube has {len(chars)} characters, expected {n + m} ({n} inputs + {m} outputs)",
                path,
                number,
            )
    if pending is not None:
        raise FormatError("the file ends before the output part of this cube", path, pending[1])
    end = max(len(lines), 1)
    for key, word in (("n", ".i"), ("m", ".o")):
        if getattr(pla, key) is None:
            raise FormatError(f"missing {word}", path, end)
    for key, names, count in (("ilb", pla.input_names, pla.n), ("ob", pla.output_names, pla.m)):
        if key in pla.lines and len(names) != count:
            raise FormatError(
                f".{key} has {len(names)} names for {count} signals", path, pla.lines[key]
            )
    return pla


def _codes(
    strings: list[str],
    width: int,
    lookup: np.ndarray,
    what: str,
    valid: str,
    lines: list[int],
    path,
) -> np.ndarray:
    """The cube parts as a (cubes, width) array of codes, bad characters reported by line."""
    joined = "".join(strings)
    if not joined.isascii():
        c = next(c for c, s in enumerate(strings) if not s.isascii())
        bad = next(ch for ch in strings[c] if not ch.isascii())
        raise FormatError(
            f"bad character {bad!r} in the {what} part (expected {valid})", path, lines[c]
        )
    raw = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
    codes = lookup[raw].reshape(len(strings), width)
    bad = np.argwhere(codes == _BAD)
    if len(bad):
        c, j = bad[0]
        raise FormatError(
            f"bad character {strings[c][j]!r} in the {what} part (expected {valid})",
            path,
            lines[c],
        )
    return codes


def _conflict(pla: _Pla, in_codes, out_codes, bits: np.ndarray, k: int, path) -> FormatError:
    """The error for input ``bits`` whose output ``k`` some cubes set to 1 and others to 0."""
    inside = np.all((in_codes == 2) | (in_codes == bits[None, :]), axis=1)
    on = pla.cube_line[int(np.flatnonzero(inside & (out_codes[:, k] == _ON))[0])]
    off = pla.cube_line[int(np.flatnonzero(inside & (out_codes[:, k] == _OFF))[0])]
    names = pla.output_names or tuple(f"y{j}" for j in range(pla.m))
    text = "".join(map(str, bits.tolist()))
    return FormatError(
        f"conflicting cubes: output {names[k]} of input {text or '(none)'} is 1 on line {on} "
        f"and 0 on line {off}",
        path,
        max(on, off),
    )


def parse_pla(
    text: str, path: str | os.PathLike | None = None, complete: bool | None = None
) -> TruthTable:
    """A truth table from PLA text (see the module docstring for the rules)."""
    pla = _scan(text, path)
    n, m, default = pla.n, pla.m, TYPES[pla.kind]
    complete = default is not None if complete is None else complete
    if not complete and default is not None:
        raise FormatError(
            f".type {pla.kind} gives all 2^{n} rows a value (rows no cube mentions are "
            f"{default}); it cannot be read as a partial table",
            path,
            pla.lines.get("type"),
        )
    if complete and n > MAX_COMPLETE_INPUTS:
        raise FormatError(
            f"a complete table over {n} inputs has 2^{n} rows; the limit is "
            f"2^{MAX_COMPLETE_INPUTS} (.type fr files are read as partial tables)",
            path,
            pla.lines["i"],
        )
    lines = pla.cube_line
    in_codes = _codes(pla.cube_in, n, _INPUT_CODES, "input", "0, 1 or -", lines, path)
    out_codes = _codes(
        pla.cube_out, m, _OUTPUT_CODES[pla.kind], "output", "0, 1, -, ~, 2, 3 or 4", lines, path
    )
    dashes = (in_codes == 2).sum(axis=1)
    cubes.check_implied(dashes, lines, n, m, complete, pla.lines["i"], path)
    if complete:
        state = np.zeros((1 << n, m), dtype=np.uint8)
        for idx, keys in cubes.expand(in_codes, pla.cube_in, n):
            cubes.mark(state, np.repeat(idx, keys.shape[1]), keys.ravel(), out_codes)
        inputs = None  # generated by TruthTable.from_outputs
    else:
        keys, cube_of = cubes.in_file_order(in_codes, pla.cube_in, n)
        uniq, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        rank = np.empty(len(uniq), dtype=np.int64)
        rank[np.argsort(first)] = np.arange(len(uniq))
        del uniq
        inputs = cubes.bits_of(keys[np.sort(first)], n)
        del keys, first
        point = rank[inverse.ravel()]
        del rank, inverse
        state = np.zeros((len(inputs), m), dtype=np.uint8)
        cubes.mark(state, cube_of, point, out_codes)
    outputs, care, clash = cubes.finish(state, default)
    if clash:
        r, k = clash
        bits = inputs[r] if inputs is not None else (r >> np.arange(n - 1, -1, -1)) & 1
        raise _conflict(pla, in_codes, out_codes, bits, k, path)
    del state
    name = cubes.table_name(pla.name, path)
    if complete:
        return TruthTable.from_outputs(outputs, care, pla.input_names, pla.output_names, name)
    if len(point) > len(inputs):  # some row is listed more than once: it counts each time
        inputs, outputs, care = cubes.repeated(inputs, outputs, care, point, cube_of, out_codes)
    return TruthTable(inputs, outputs, care, pla.input_names, pla.output_names, name)


def read_table(path: str | os.PathLike, complete: bool | None = None) -> TruthTable:
    """Read a ``.pla`` file (see :func:`parse_pla`)."""
    with reading(path):
        return parse_pla(read_text(path), path, complete)


def _check_names(table: TruthTable) -> None:
    for name in table.input_names + table.output_names:
        if not name or any(ch.isspace() for ch in name) or "#" in name:
            raise BtfsynthError(
                f"name {name!r} cannot be written to a PLA file "
                "(names are whitespace-separated words without '#')"
            )


def format_pla(table: TruthTable) -> str:
    """PLA text for ``table``: complete tables as ``.type fd`` (canonical row order), partial
    ones as ``.type fr`` (table order); every row listed, don't-cares as ``-``."""
    return b"".join(_pla_chunks(table)).decode("ascii")


def write_table(table: TruthTable, path: str | os.PathLike) -> None:
    """Write ``table`` as a PLA file (atomically; nothing is written if it cannot be).

    The text is streamed in blocks of rows, so a 2^26-row table needs no more than the table
    itself and one block in memory.
    """
    chunks = _pla_chunks(table)
    first = next(chunks)  # the checks run before the file is opened
    with atomic_write(path, "wb") as handle:
        handle.write(first)
        for chunk in chunks:
            handle.write(chunk)


def _pla_chunks(table: TruthTable) -> Iterator[bytes]:
    """The PLA text of ``table`` as bytes: the header, then the cubes block by block."""
    if table.n_outputs == 0:
        raise BtfsynthError("a PLA file needs at least one output")
    _check_names(table)
    if _is_canonical(table.inputs):
        inputs, outputs, care, kind = table.inputs, table.outputs, table.care, "fd"
    elif table.is_complete:
        inputs, outputs, care = table.merged()
        order = np.argsort(row_numbers(inputs))
        inputs, outputs, care, kind = inputs[order], outputs[order], care[order], "fd"
    else:  # every row as it is, repeats included: they are samples that count as such
        inputs, outputs, care, kind = table.inputs, table.outputs, table.care, "fr"
    n, m = table.n_inputs, table.n_outputs
    head = [f".i {n}", f".o {m}"]
    if n:
        head.append(".ilb " + " ".join(table.input_names))
    head += [".ob " + " ".join(table.output_names), f".type {kind}", f".p {len(inputs)}"]
    yield ("\n".join(head) + "\n").encode("ascii")
    for start in range(0, len(inputs), _BLOCK_ROWS):
        stop = start + _BLOCK_ROWS
        body = np.empty((len(inputs[start:stop]), n + m + 2), dtype=np.uint8)
        body[:, :n] = inputs[start:stop] + ord("0")
        body[:, n] = ord(" ")
        body[:, n + 1 : n + 1 + m] = np.where(
            care[start:stop], outputs[start:stop] + ord("0"), ord("-")
        )
        body[:, -1] = ord("\n")
        yield body.tobytes()
    yield b".e\n"


def _is_canonical(inputs: np.ndarray) -> bool:
    """True when the rows are every input pattern in canonical order (checked by blocks)."""
    n = inputs.shape[1]
    if n > MAX_COMPLETE_INPUTS or len(inputs) != 1 << n:
        return False
    for start in range(0, len(inputs), _BLOCK_ROWS):
        numbers = row_numbers(inputs[start : start + _BLOCK_ROWS])
        if not np.array_equal(numbers, np.arange(start, start + len(numbers))):
            return False
    return True
