"""Netlist generators and checks shared by the format tests (BLIF, Verilog, AIGER, JSON, DOT)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import strategies as st

from btfsynth.errors import FormatError
from btfsynth.netlist import Kind, Netlist, Signal
from btfsynth.truthtable import TruthTable, all_input_rows

DATA = Path(__file__).resolve().parent / "data"

# Names that stress the writers: brackets, escapes, keywords, BLIF/Verilog specials, spaces.
NAME_ALPHABET = "abxyz019_[]$.\\#= -"
KEYWORD_NAMES = ["wire", "module", "input", "end", ".names", "n3", "a[0]", "y[1]"]
NICE_NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,3}(\[[0-9]\])?", fullmatch=True)


def _names(draw, count: int, nice: bool, prefix: str = "") -> list[str]:
    text = (
        NICE_NAMES.map(lambda name: prefix + name)
        if nice
        else st.one_of(
            st.text(NAME_ALPHABET, min_size=1, max_size=5), st.sampled_from(KEYWORD_NAMES)
        )
    )
    return draw(st.lists(text, min_size=count, max_size=count, unique=True))


@st.composite
def netlists(draw, max_inputs: int = 5, max_gates: int = 10, nice_names: bool = False) -> Netlist:
    """Random valid netlists over every gate kind, with inverted and repeated fan-ins, inputs
    between gates, gate names, outputs on inputs, constants and shared gates."""
    n_in = draw(st.integers(1, max_inputs))
    n_gates = draw(st.integers(0, max_gates))
    in_names = _names(draw, n_in, nice_names)
    nl = Netlist(name=draw(st.sampled_from(["top", "mult", "a b", "module"])))
    slots = sorted(draw(st.lists(st.integers(0, n_gates), min_size=n_in, max_size=n_in)))
    inputs_left = list(in_names)
    for position in range(n_gates + 1):
        while slots and slots[0] == position:
            slots.pop(0)
            nl.add_input(inputs_left.pop(0))
        if position == n_gates or not nl.gates:
            continue
        kind = draw(st.sampled_from([k for k in Kind if k is not Kind.INPUT]))
        arity = {
            Kind.CONST0: 0,
            Kind.CONST1: 0,
            Kind.BUF: 1,
            Kind.NOT: 1,
            Kind.MAJ: draw(st.sampled_from([1, 3, 5])),
        }.get(kind, draw(st.integers(1, 4)))
        fanins = [
            Signal(draw(st.integers(0, len(nl.gates) - 1)), draw(st.booleans()))
            for _ in range(arity)
        ]
        extra: dict = {}
        if kind is Kind.THRESHOLD:
            extra["weights"] = tuple(draw(st.integers(-3, 3)) for _ in range(arity))
            extra["threshold"] = draw(st.integers(-4, 6))
        if kind is Kind.SOP:
            cube = st.text("01-", min_size=arity, max_size=arity)
            extra["cover"] = tuple(draw(st.lists(cube, max_size=4)))
            extra["onset"] = draw(st.booleans())
        name = draw(st.one_of(st.none(), st.sampled_from(["n1", "g", "x0", "y[0]", "a b"])))
        nl.add_gate(kind, fanins, name=name, **extra)
    n_out = draw(st.integers(1, 4))
    for name in _names(draw, n_out, nice_names, prefix="o_"):
        nl.add_output(Signal(draw(st.integers(0, len(nl.gates) - 1)), draw(st.booleans())), name)
    return nl.validate()


def truth(netlist: Netlist) -> np.ndarray:
    """All output rows of a netlist over its complete input space."""
    return netlist.evaluate(all_input_rows(netlist.n_inputs))


def assert_same_function(a: Netlist, b: Netlist) -> None:
    assert (a.n_inputs, a.n_outputs) == (b.n_inputs, b.n_outputs)
    assert np.array_equal(truth(a), truth(b))


def assert_same_names(a: Netlist, b: Netlist) -> None:
    assert (a.input_names, a.output_names) == (b.input_names, b.output_names)


def assert_located_error(path: Path, read, line: int, words: str) -> None:
    """Reading ``path`` fails with one line ``path:line: ...`` that contains ``words``."""
    with pytest.raises(FormatError) as info:
        read(path)
    message = str(info.value)
    assert message.startswith(f"{path}:{line}: "), message
    assert words in message and "\n" not in message


def sop_netlist(table: TruthTable, name: str = "top") -> Netlist:
    """A two-level AND/OR netlist with one AND per on-set minterm of each output."""
    nl = Netlist(name=name)
    ins = [nl.add_input(x) for x in table.input_names]
    for k, out in enumerate(table.output_names):
        terms = [
            nl.add_gate(Kind.AND, [Signal(s.gate, not bit) for s, bit in zip(ins, row)])
            for row, value in zip(table.inputs, table.outputs[:, k])
            if value
        ]
        nl.add_output(nl.add_gate(Kind.OR, terms) if terms else nl.add_const(False), out)
    return nl


def multiplier_table(bits: int) -> TruthTable:
    """The complete table of an unsigned bits×bits multiplier (a, b MSB first → p MSB first)."""
    names = [f"a{i}" for i in reversed(range(bits))] + [f"b{i}" for i in reversed(range(bits))]
    outs = [f"p{i}" for i in reversed(range(2 * bits))]

    def product(*cols):
        a = sum(c.astype(int) << (bits - 1 - i) for i, c in enumerate(cols[:bits]))
        b = sum(c.astype(int) << (bits - 1 - i) for i, c in enumerate(cols[bits:]))
        p = a * b
        return [(p >> (2 * bits - 1 - k)) & 1 for k in range(2 * bits)]

    return TruthTable.from_function(2 * bits, 2 * bits, product, names, outs, f"mult{bits}")


def random_netlist(n_inputs: int, n_gates: int, n_outputs: int, seed: int) -> Netlist:
    """A random netlist of every gate kind (wide MAJ and THRESHOLD included), for tool tests."""
    rng = np.random.default_rng(seed)
    nl = Netlist(name="rand")
    for j in range(n_inputs):
        nl.add_input(f"x[{j}]" if j % 2 else f"x{j}")
    kinds = [Kind.AND, Kind.OR, Kind.XOR, Kind.MAJ, Kind.THRESHOLD, Kind.SOP, Kind.NOT, Kind.BUF]
    for _ in range(n_gates):
        kind = kinds[rng.integers(len(kinds))]
        arity = {Kind.NOT: 1, Kind.BUF: 1, Kind.MAJ: int(rng.choice([3, 5, 7]))}.get(
            kind, int(rng.integers(2, 6))
        )
        # Prefer recent gates so that the netlist is deep, not a flat layer over the inputs.
        low = max(0, len(nl.gates) - 30)
        fanins = [
            Signal(int(rng.integers(low, len(nl.gates))), bool(rng.integers(2)))
            for _ in range(arity)
        ]
        extra: dict = {}
        if kind is Kind.THRESHOLD:
            extra["weights"] = tuple(int(w) for w in rng.integers(-3, 4, arity))
            extra["threshold"] = int(rng.integers(-2, 4))
        if kind is Kind.SOP:
            extra["cover"] = tuple(
                "".join(rng.choice(list("01-"), arity)) for _ in range(int(rng.integers(1, 4)))
            )
            extra["onset"] = bool(rng.integers(2))
        nl.add_gate(kind, fanins, **extra)
    for k in range(n_outputs):
        gate = len(nl.gates) - 1 - int(rng.integers(0, min(40, len(nl.gates) - n_inputs)))
        nl.add_output(Signal(gate, bool(rng.integers(2))), f"y[{k}]" if k % 2 else f"y{k}")
    return nl.validate()
