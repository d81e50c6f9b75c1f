"""Named nets, shared by the text formats (BLIF, Verilog, AIGER).

Readers see signals defined by name, possibly after their use; :class:`NetBuilder` collects the
definitions and builds a :class:`~btfsynth.netlist.Netlist` in topological order with an
iterative depth-first search (linear time, no recursion limit), reporting cycles, undefined
signals and duplicate drivers as ``file:line`` errors.

Writers need one unique, legal name per gate (:func:`net_names`), covers of gates for BLIF
``.names`` and Verilog sum-of-products (:func:`gate_cover`) and a header stating the counts.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from btfsynth import limits
from btfsynth.errors import FormatError
from btfsynth.netlist import Gate, Kind, Netlist, Signal
from btfsynth.passes.stats import netlist_stats

Ref = tuple[Hashable, bool]
"""A reference to a net (its key) and whether it is complemented."""

BOM = "\ufeff"
"""The UTF-8 byte-order mark some editors put before the first line; the text readers skip it."""


@dataclass(slots=True)
class Definition:
    """A gate over named fan-ins, as found at ``line`` of the file (slots: readers hold one per
    gate of the file, so its size is most of their memory per signal)."""

    kind: Kind
    fanins: Sequence[Ref]
    line: int
    extra: dict | None = None
    """Gate fields beyond kind and fan-ins (weights, threshold, cover, onset), None if none."""


def complement(kind: Kind, fanins: list[Ref], extra: dict) -> tuple[Kind, list[Ref], dict]:
    """The same gate with its output complemented, without adding a gate (De Morgan for
    AND/OR, one complemented fan-in for XOR, the other cover side for SOP)."""
    flip = [(key, not inv) for key, inv in fanins]
    if kind is Kind.AND:
        return Kind.OR, flip, extra
    if kind is Kind.OR:
        return Kind.AND, flip, extra
    if kind is Kind.XOR:
        (key, inv), *rest = fanins
        return Kind.XOR, [(key, not inv), *rest], extra
    if kind is Kind.SOP:
        return Kind.SOP, fanins, {**extra, "onset": not extra.get("onset", True)}
    if kind in (Kind.BUF, Kind.NOT):
        return (Kind.NOT if kind is Kind.BUF else Kind.BUF), fanins, extra
    if kind in (Kind.CONST0, Kind.CONST1):
        return (Kind.CONST1 if kind is Kind.CONST0 else Kind.CONST0), fanins, extra
    raise ValueError(f"cannot complement a {kind.value} gate")


def copy_of(ref: Ref) -> tuple[Kind, list[Ref]]:
    """A one-input gate that copies (BUF) or complements (NOT) a net."""
    key, inv = ref
    return (Kind.NOT if inv else Kind.BUF), [(key, False)]


class NetBuilder:
    """Collects inputs, gate definitions and outputs by name; :meth:`build` orders them.

    Keys are net names (str) or any other hashable (anonymous sub-expressions, AIGER
    variables); only string keys become gate names. ``describe(key)`` names a key in errors.
    """

    def __init__(self, path: str | os.PathLike | None, describe: Callable[[Hashable], str] = str):
        self.path = path
        self.describe = describe
        self.inputs: dict[Hashable, tuple[int, str]] = {}
        self.defs: dict[Hashable, Definition] = {}
        self.outputs: list[tuple[str, Ref, int]] = []
        self.max_inputs = limits.current().inputs

    def error(self, message: str, line: int | None) -> FormatError:
        return FormatError(message, self.path, line)

    def add_input(self, key: Hashable, line: int, name: str | None = None) -> None:
        """Declare a primary input (named ``name``, by default ``str(key)``); more than the
        ``inputs`` cap of :mod:`btfsynth.limits` is an error."""
        if key in self.inputs or key in self.defs:
            raise self.error(f"input {self.describe(key)} is declared twice", line)
        if len(self.inputs) >= self.max_inputs:
            raise limits.too_many("inputs", len(self.inputs) + 1, "inputs", self.path, line)
        self.inputs[key] = (line, str(key) if name is None else name)

    def define(self, key: Hashable, kind: Kind, fanins: Sequence[Ref], line: int, **extra) -> None:
        """Define net ``key`` as a gate; a second driver of the same net is an error."""
        if key in self.defs or key in self.inputs:
            first = self.defs[key].line if key in self.defs else self.inputs[key][0]
            what = "an input" if key in self.inputs else f"driven at line {first}"
            raise self.error(f"signal {self.describe(key)} has two drivers (it is {what})", line)
        self.defs[key] = Definition(kind, tuple(fanins), line, extra or None)

    def add_output(self, name: str, ref: Ref, line: int) -> None:
        self.outputs.append((name, ref, line))

    def build(self, name: str = "top") -> Netlist:
        """The netlist: inputs in declaration order, then every definition (used or not) in
        a topological order that follows the file where it can."""
        netlist = Netlist(name=name)
        gates = netlist.gates
        index: dict[Hashable, int] = {}
        names: set[str] = set()
        for key, (line, input_name) in self.inputs.items():
            if input_name in names:
                raise self.error(f"two inputs are named {input_name}", line)
            names.add(input_name)
            index[key] = len(gates)
            gates.append(Gate(Kind.INPUT, name=input_name))
        defs = self.defs
        on_stack: set[Hashable] = set()

        def add(key: Hashable, d: Definition) -> None:
            fanins = tuple([Signal(index[k], inv) for k, inv in d.fanins])
            index[key] = len(gates)
            name = key if isinstance(key, str) else None
            gates.append(
                Gate(d.kind, fanins, name, **d.extra) if d.extra else Gate(d.kind, fanins, name)
            )

        for root, d in defs.items():
            if root in index:
                continue
            if all(k in index for k, _ in d.fanins):  # the common case: defined before use
                add(root, d)
                continue
            stack = [(root, 0)]
            on_stack.add(root)
            while stack:
                key, pos = stack[-1]
                d = defs[key]
                while pos < len(d.fanins) and d.fanins[pos][0] in index:
                    pos += 1
                if pos == len(d.fanins):
                    stack.pop()
                    on_stack.discard(key)
                    add(key, d)
                    continue
                stack[-1] = (key, pos)
                child = d.fanins[pos][0]
                if child in on_stack:
                    where = defs[child].line
                    raise self.error(
                        f"combinational cycle through signal {self.describe(child)}", where
                    )
                if child not in defs:
                    raise self.error(f"undefined signal {self.describe(child)}", d.line)
                on_stack.add(child)
                stack.append((child, 0))
        seen: set[str] = set()
        for out_name, (key, inv), line in self.outputs:
            if out_name in seen:
                raise self.error(f"output {out_name} is declared twice", line)
            seen.add(out_name)
            if key not in index:
                raise self.error(f"output {out_name} is not driven", line)
            netlist.add_output(Signal(index[key], inv), out_name)
        return netlist


# -- names for writers ---------------------------------------------------------------------------


@dataclass
class NetNames:
    """Unique legal names: one per gate, one per output.

    ``own[k]`` is True when output ``k`` is its gate's own net (no buffer needed); otherwise
    the writer drives the output net from ``gates[outputs[k].gate]`` (complemented if needed).
    """

    gates: list[str]
    outputs: list[str]
    own: list[bool]


def sanitise(name: str, legal: re.Pattern) -> str:
    """``name`` if it matches ``legal``, else with every offending character replaced by ``_``
    (and a leading ``_`` when it still does not match)."""
    if legal.fullmatch(name):
        return name
    fixed = "".join(ch if legal.fullmatch(ch) else "_" for ch in name) or "_"
    return fixed if legal.fullmatch(fixed) else "_" + fixed


def net_names(netlist: Netlist, legal: re.Pattern, share_inputs: bool = False) -> NetNames:
    """Choose names: inputs keep theirs, an output's name goes to the gate that drives it
    (uncomplemented, first output wins), other gates keep a legal unique name or get ``n<i>``.
    Names that ``legal`` rejects are sanitised; a collision gets a numeric suffix. With
    ``share_inputs`` (BLIF) an output named like the input it copies is that input's net."""
    taken: set[str] = set()

    def claim(wanted: str) -> str:
        base = sanitise(wanted, legal)
        name, k = base, 1
        while name in taken:
            name, k = f"{base}_{k}", k + 1
        taken.add(name)
        return name

    gates: list[str | None] = [None] * len(netlist.gates)
    for index, name in zip(netlist.inputs, netlist.input_names):
        gates[index] = claim(name)
    outputs: list[str] = []
    own = [False] * netlist.n_outputs
    for k, (name, out) in enumerate(zip(netlist.output_names, netlist.outputs)):
        if share_inputs and not out.inverted and gates[out.gate] == name and name not in outputs:
            outputs.append(name)
            own[k] = True
        else:
            outputs.append(claim(name))
    for k, out in enumerate(netlist.outputs):
        g = netlist.gates[out.gate]
        if not out.inverted and gates[out.gate] is None and g.kind is not Kind.INPUT:
            gates[out.gate] = outputs[k]
            own[k] = True
    for i, g in enumerate(netlist.gates):
        if gates[i] is None:
            gates[i] = claim(g.name if g.name and legal.fullmatch(g.name) else f"n{i}")
    return NetNames(gates, outputs, own)  # type: ignore[arg-type]


# -- covers and headers for writers ----------------------------------------------------------


def gate_cover(g: Gate) -> tuple[list[str], bool]:
    """A cover of ``g`` over its fan-ins (their inversion flags not applied) and whether it
    lists the on-set. MAJ and THRESHOLD gates have none: writers lower them first
    (:func:`btfsynth.passes.lower`), so the file holds gates of the circuit's AND2 count."""
    k = len(g.fanins)
    kind = g.kind
    if kind is Kind.CONST0:
        return [], True
    if kind is Kind.CONST1:
        return ["-" * k], True
    if kind in (Kind.BUF, Kind.NOT):
        return ["1" if kind is Kind.BUF else "0"], True
    if kind is Kind.AND:
        return ["1" * k], True
    if kind is Kind.OR:
        return ["-" * i + "1" + "-" * (k - 1 - i) for i in range(k)], True
    if kind is Kind.XOR:
        rows = (format(r, f"0{k}b") for r in range(1 << k))
        return [row for row in rows if row.count("1") % 2], True
    if kind is Kind.SOP:
        return list(g.cover), g.onset
    raise ValueError(f"a {kind.value} gate has no cover: lower it first")


def header_lines(netlist: Netlist, source: str | None) -> list[str]:
    """Two comment lines (without the comment mark) naming the source and the gate counts."""
    stats = netlist_stats(netlist)
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(stats.by_kind.items())) or "none"
    return [
        f"written by btfsynth{' from ' + ' '.join(source.split()) if source else ''}",
        f"{stats.inputs} inputs, {stats.outputs} outputs, {stats.gates} gates ({kinds}),"
        f" AND2 count {stats.and2}, depth {stats.depth}",
    ]
