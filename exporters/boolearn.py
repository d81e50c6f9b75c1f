"""Files of the reference implementation ``boolearn`` (docs/method.md §8; the repository's
README, github.com/veitelser/boolearn): data (``.dat``), widths (``.wth``) and networks
(``.net``, trained ``.sol``). All three are whitespace-separated numbers; line breaks carry
no meaning, but errors name the line of the offending number.

``.dat``: ``items``; ``intype n_in``; ``outtype n_out``; then per item its n_in input values
and its output values.

* ``n_in > 0``: intype 2 = binary 0/1, intype 0 = analog values in [0, 1].
* ``n_in = 0`` (a generative problem: no input data, the learner chooses each item's code):
  intype 1 = one-hot codes, intype 2 = hypercube codes. The code width is not in the file (the
  first width of the ``.wth`` file sets it); pass ``code_width`` to record it in the Dataset.
* outtype 2 = a binary vector of n_out bits. outtype c > 2 with n_out = 1 = a class label in
  0..c−1 per item, held one-hot over c outputs. The README also calls ``2 1`` "one-hot
  output"; we read ``2 1`` as one binary output, which carries the same information as a
  two-class label, so every binary table (one output included) can be written and read back.

Bit order: the values of an item are its input and output nodes in node order. In
``mult/2x2.dat`` the item ``1 0 0 1 / 0 0 1 0`` is 2 × 1 = 2: inputs a1 a0 b1 b0 and outputs
p3 p2 p1 p0, most significant bit first, as in btfsynth's tables.

``.wth``: the number of BTF layers L, then L+1 widths, input to output.

``.net``/``.sol``: ``nodes innodes outnodes edges`` (innodes counts the bias node 0), then one
``receiving sending weight`` triple per edge. Weights are written with ``repr`` so that a
network reads back bit for bit.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence

import numpy as np

from btfsynth import limits
from btfsynth.dataset import Dataset
from btfsynth.errors import BtfsynthError, FormatError, reading
from btfsynth.files import atomic_write, read_text, write_text
from btfsynth.network import ThresholdNetwork
from btfsynth.truthtable import TruthTable, find_conflict

from .nets import BOM

_BLOCK_ROWS = 1 << 16
"""Rows per block when writing a table."""

MAX_CLASSES = 1 << 20
"""The most classes a class-label file may declare (each becomes an output column)."""

_INPUT_TYPES = {"binary": 2, "analog": 0, "onehot": 1, "hypercube": 2}


class _Tokens:
    """The whitespace-separated words of a file, each with its line number."""

    def __init__(self, text: str, path) -> None:
        text = text.removeprefix(BOM)
        self.path = path
        self.words: list[str] = []
        self.lines: list[int] = []
        for number, raw in enumerate(text.splitlines(), 1):
            parts = raw.split()
            self.words.extend(parts)
            self.lines.extend([number] * len(parts))
        self.end = max(len(text.splitlines()), 1)

    def line(self, i: int) -> int:
        return self.lines[i] if i < len(self.lines) else self.end

    def error(self, message: str, i: int) -> FormatError:
        return FormatError(message, self.path, self.line(i))

    def integer(self, i: int, what: str, minimum: int = 0) -> int:
        if i >= len(self.words):
            raise self.error(f"the file ends before {what}", i)
        word = self.words[i]
        try:
            value = int(word)
        except ValueError:
            raise self.error(f"{what} must be an integer, not {word!r:.60}", i) from None
        if value < minimum:
            raise self.error(f"{what} must be at least {minimum}, not {value}", i)
        return value

    def numbers(self, start: int, count: int, what: str) -> np.ndarray:
        """``count`` finite floats from word ``start`` on, and nothing after them."""
        have = len(self.words) - start
        if have < count:
            raise self.error(
                f"the file ends early: {count} {what} expected, found {have}", len(self.words)
            )
        if have > count:
            raise self.error(
                f"unexpected {self.words[start + count]!r:.60} after the last of the {count} "
                f"{what}",
                start + count,
            )
        words = self.words[start:]
        try:
            values = np.array(words, dtype=np.float64)
        except ValueError:
            values = None
        if values is None or not np.all(np.isfinite(values)):
            for i, word in enumerate(words):
                try:
                    ok = math.isfinite(float(word))
                except ValueError:
                    ok = False
                if not ok:
                    raise self.error(f"{word!r:.60} is not a finite number", start + i)
        return values


# -- data files -------------------------------------------------------------------------------


def parse_dat(text: str, path: str | os.PathLike | None = None, code_width: int = 0) -> Dataset:
    """A :class:`Dataset` from ``.dat`` text (``code_width``: code nodes of a generative
    problem, which the file does not record)."""
    tok = _Tokens(text, path)
    items = tok.integer(0, "the item count")
    intype = tok.integer(1, "the input type")
    n_in = tok.integer(2, "the input count")
    outtype = tok.integer(3, "the output type")
    n_out = tok.integer(4, "the output count", 1)
    limits.check("inputs", n_in, "inputs", path, tok.line(2))
    limits.check("outputs", n_out, "inputs", path, tok.line(4))
    if n_in > 0:
        kinds = {2: "binary", 0: "analog"}
        if intype not in kinds:
            raise tok.error(f"input type {intype}: expected 2 (binary) or 0 (analog)", 1)
    else:
        kinds = {1: "onehot", 2: "hypercube"}
        if intype not in kinds:
            raise tok.error(
                f"input type {intype} with no inputs: a generative problem needs 1 "
                "(one-hot codes) or 2 (hypercube codes)",
                1,
            )
    input_kind = kinds[intype]
    if outtype == 2:
        output_kind, width = "binary", n_out
    elif 2 < outtype <= MAX_CLASSES and n_out == 1:
        output_kind, width = "class", 1
        what = f"{items} items of {outtype} classes (one output column per class)"
        limits.check_table(what, items, outtype, path, tok.line(3))
    else:
        raise tok.error(
            f"output type {outtype} with {n_out} outputs: expected 2 (binary) or a "
            f"class count 2 < c <= {MAX_CLASSES} with 1 label per item",
            3,
        )
    per_item = n_in + width
    values = tok.numbers(5, items * per_item, "values").reshape(items, per_item)

    def check(first: int, bad: np.ndarray, message: str) -> None:
        where = np.argwhere(bad)
        if len(where):
            i = 5 + int(where[0][0]) * per_item + first + int(where[0][1])
            raise tok.error(f"item {int(where[0][0]) + 1}: {tok.words[i]!r:.60} {message}", i)

    inputs, labels = values[:, :n_in], values[:, n_in:]
    if input_kind == "binary":
        check(0, (inputs != 0) & (inputs != 1), "is not 0 or 1 (input type 2 is binary)")
    else:
        check(0, (inputs < 0) | (inputs > 1), "lies outside [0, 1] (input type 0 is analog)")
    if output_kind == "binary":
        check(n_in, (labels != 0) & (labels != 1), "is not 0 or 1 (output type 2 is binary)")
        targets = labels.astype(np.uint8)
    else:
        check(
            n_in,
            (labels != np.round(labels)) | (labels < 0) | (labels >= outtype),
            f"is not a class label 0..{outtype - 1}",
        )
        targets = np.zeros((items, outtype), dtype=np.uint8)
        targets[np.arange(items), labels[:, 0].astype(np.int64)] = 1
    if input_kind in ("onehot", "hypercube"):
        return Dataset(np.zeros((items, 0)), targets, code_width, input_kind, output_kind)
    return Dataset(inputs, targets, n_in, input_kind, output_kind)


def read_dataset(path: str | os.PathLike, code_width: int = 0) -> Dataset:
    """Read a ``.dat`` file (see :func:`parse_dat`)."""
    with reading(path):
        return parse_dat(read_text(path), path, code_width)


def read_table(path: str | os.PathLike) -> TruthTable:
    """A ``.dat`` file with binary inputs as a truth table (class labels as one-hot outputs)."""
    with reading(path):
        return _table_of(read_text(path), path)


def _table_of(text: str, path: str | os.PathLike) -> TruthTable:
    data = parse_dat(text, path)
    if data.input_kind != "binary":
        why = {
            "analog": "analog inputs (input type 0) do not make a truth table",
            "onehot": "a generative problem (no inputs, one-hot codes) has no truth table",
            "hypercube": "a generative problem (no inputs, hypercube codes) has no truth table",
        }[data.input_kind]
        raise FormatError(f"{why}; `btfsynth learn` reads this file directly", path, 2)
    inputs = data.inputs.astype(np.uint8)
    care = np.ones(data.targets.shape, dtype=bool)
    conflict = find_conflict(inputs, data.targets, care)
    if conflict is not None:
        i, j = conflict
        tok = _Tokens(text, path)
        per_item = data.n_inputs + (1 if data.output_kind == "class" else data.n_outputs)
        first, second = (tok.line(5 + r * per_item) for r in (i, j))
        raise FormatError(
            f"items {i + 1} (line {first}) and {j + 1} have the same inputs but different outputs",
            path,
            second,
        )
    name = os.path.splitext(os.path.basename(os.fspath(path)))[0]
    return TruthTable(inputs, data.targets, care, name=name)


def _row(values: np.ndarray) -> str:
    return " ".join(repr(float(v)) if v != int(v) else str(int(v)) for v in values)


def format_dat(dataset: Dataset) -> str:
    """``.dat`` text in the reference layout (header, then each item's inputs and outputs on
    two lines and a blank line); analog values are written exactly (``repr``)."""
    if dataset.has_dont_cares:
        raise BtfsynthError("a .dat file holds no don't-cares; write the table as .pla instead")
    generative = dataset.is_generative
    n_in = 0 if generative else dataset.n_inputs
    if not generative and n_in == 0:
        raise BtfsynthError(
            "a .dat file with no inputs declares a generative problem; "
            "a table without inputs cannot be written as .dat"
        )
    if dataset.output_kind == "class":
        classes = dataset.n_outputs
        if classes <= 2:
            raise BtfsynthError(
                f"a .dat file holds class labels for c > 2 classes, not {classes}; "
                "write two classes as one binary output"
            )
        out_header, outputs = f"{classes} 1", np.argmax(dataset.targets, axis=1)[:, None]
    else:
        out_header, outputs = f"2 {dataset.n_outputs}", dataset.targets
    lines = [str(dataset.n_items), f"{_INPUT_TYPES[dataset.input_kind]} {n_in}", out_header, ""]
    for i in range(dataset.n_items):
        if n_in:
            lines.append(_row(dataset.inputs[i]))
        lines += [" ".join(map(str, outputs[i].tolist())), ""]
    return "\n".join(lines)


def write_dataset(dataset: Dataset, path: str | os.PathLike) -> None:
    """Write ``dataset`` as a ``.dat`` file (atomically)."""
    write_text(path, format_dat(dataset))


def write_table(table: TruthTable, path: str | os.PathLike) -> None:
    """Write a truth table (no don't-cares: the format has none) as binary ``.dat`` data.

    The text is that of :func:`format_dat`, streamed in blocks of rows so that a 2^26-row
    table needs little memory beyond the table itself.
    """
    if table.has_dont_cares:
        raise BtfsynthError(
            f"{table.name}: a .dat file holds fully specified rows; write the table as .pla, "
            "or drop or fill the don't-cares first"
        )
    if table.n_inputs == 0:
        raise BtfsynthError(
            "a .dat file with no inputs declares a generative problem; "
            "a table without inputs cannot be written as .dat"
        )
    with atomic_write(path, "wb") as handle:
        handle.write(f"{table.n_rows}\n2 {table.n_inputs}\n2 {table.n_outputs}\n".encode())
        for start in range(0, table.n_rows, _BLOCK_ROWS):
            stop = start + _BLOCK_ROWS
            handle.write(_item_block(table.inputs[start:stop], table.outputs[start:stop]))


def _item_block(inputs: np.ndarray, outputs: np.ndarray) -> bytes:
    """Per row: a newline, the input bits, a newline, the output bits, a newline (bits
    separated by spaces), as :func:`format_dat` lays out each item after the header."""
    parts = [np.full((len(inputs), 1), ord("\n"), np.uint8)]
    for bits in (inputs, outputs):
        spaced = np.full((len(bits), max(2 * bits.shape[1] - 1, 0)), ord(" "), np.uint8)
        spaced[:, ::2] = bits + ord("0")
        parts += [spaced, parts[0]]
    return np.concatenate(parts, axis=1).tobytes()


# -- width files ------------------------------------------------------------------------------


def parse_widths(text: str, path: str | os.PathLike | None = None) -> list[int]:
    """The L+1 layer widths (input to output) of ``.wth`` text."""
    tok = _Tokens(text, path)
    layers = tok.integer(0, "the number of layers", 1)
    widths = [
        tok.integer(1 + i, f"width {i + 1} of {layers + 1}", 1 if i else 0)
        for i in range(layers + 1)
    ]
    limits.check("inputs", widths[0], "inputs", path, tok.line(1))
    nodes = edges = 0
    for i in range(1, layers + 1):  # the layered network: bias + every node of the layer below
        nodes, edges = nodes + widths[i], edges + (widths[i - 1] + 1) * widths[i]
        limits.check("BTF nodes", nodes, "gates", path, tok.line(1 + i))
        limits.check("edges", edges, "gates", path, tok.line(1 + i))
    if len(tok.words) > layers + 2:
        raise tok.error(
            f"unexpected {tok.words[layers + 2]!r:.60} after the {layers + 1} widths of "
            f"{layers} layers",
            layers + 2,
        )
    return widths


def read_widths(path: str | os.PathLike) -> list[int]:
    """Read a ``.wth`` file: the widths of the layers, input to output."""
    with reading(path):
        return parse_widths(read_text(path), path)


def format_widths(widths: Sequence[int]) -> str:
    """``.wth`` text for layer widths (input to output)."""
    widths = [int(w) for w in widths]
    if len(widths) < 2 or widths[0] < 0 or min(widths[1:]) < 1:
        raise BtfsynthError(f"widths {widths}: need inputs and at least one BTF layer")
    return f"{len(widths) - 1}\n{' '.join(map(str, widths))}\n"


def write_widths(widths: Sequence[int], path: str | os.PathLike) -> None:
    """Write a ``.wth`` file (atomically)."""
    write_text(path, format_widths(widths))


# -- network files ----------------------------------------------------------------------------


def parse_network(text: str, path: str | os.PathLike | None = None) -> ThresholdNetwork:
    """A :class:`ThresholdNetwork` from ``.net``/``.sol`` text."""
    tok = _Tokens(text, path)
    nodes = tok.integer(0, "the node count")
    innodes = tok.integer(1, "the input node count (bias included)", 1)
    outnodes = tok.integer(2, "the output node count", 1)
    edges = tok.integer(3, "the edge count")
    limits.check("inputs", innodes - 1, "inputs", path, tok.line(1))
    limits.check("edges", edges, "gates", path, tok.line(3))
    if nodes < innodes + outnodes:
        raise tok.error(
            f"{nodes} nodes leave no room for {innodes} input nodes (bias included) "
            f"and {outnodes} outputs",
            0,
        )
    if nodes - innodes > edges:
        raise tok.error(f"{nodes - innodes} BTF nodes need at least as many edges, not {edges}", 0)
    table = tok.numbers(4, 3 * edges, "edge values (3 per edge)").reshape(edges, 3)
    dst, src = table[:, 0], table[:, 1]
    problems = (
        (np.c_[dst != np.round(dst), src != np.round(src)], "{word!r:.60} is not a node number"),
        (
            np.c_[(dst < innodes) | (dst >= nodes), np.zeros(edges, bool)],
            f"receiving node {{word}} is not a BTF node ({innodes}..{nodes - 1})",
        ),
        (
            np.c_[np.zeros(edges, bool), (src < 0) | (src >= dst)],
            "sending node {word} must precede its receiving node",
        ),
    )
    for bad, message in problems:
        where = np.argwhere(bad)
        if len(where):
            i = 4 + 3 * int(where[0][0]) + int(where[0][1])
            raise tok.error(message.format(word=tok.words[i]), i)
    try:
        return ThresholdNetwork(
            nodes,
            innodes - 1,
            outnodes,
            table[:, 1].astype(np.int64),
            table[:, 0].astype(np.int64),
            table[:, 2],
        )
    except BtfsynthError as exc:
        raise FormatError(str(exc), path) from None


def read_network(path: str | os.PathLike) -> ThresholdNetwork:
    """Read a ``.net`` or ``.sol`` file."""
    with reading(path):
        return parse_network(read_text(path), path)


def format_network(net: ThresholdNetwork) -> str:
    """``.net`` text: header, then ``receiving sending weight`` per edge (weights exact)."""
    lines = [f"{net.n_nodes}  {net.n_inputs + 1}  {net.n_outputs}  {net.n_edges}"]
    lines += [
        f"{int(d):5d} {int(s):5d}  {float(w)!r}" for d, s, w in zip(net.dst, net.src, net.weights)
    ]
    return "\n".join(lines) + "\n"


def write_network(net: ThresholdNetwork, path: str | os.PathLike) -> None:
    """Write a ``.net``/``.sol`` file (atomically)."""
    write_text(path, format_network(net))
