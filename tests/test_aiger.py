"""AIGER (ASCII and binary): exact encodings from the format description, round trips, and
located errors for latches and malformed files."""

from __future__ import annotations

import numpy as np
import pytest
from fmt_helpers import (
    DATA,
    assert_located_error,
    assert_same_function,
    netlists,
    truth,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from btfsynth.exporters import aiger, read_netlist, write_netlist
from btfsynth.exporters.aiger import format_aiger, parse_aiger
from btfsynth.netlist import Kind, Netlist


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(netlists(), st.booleans())
def test_round_trip_keeps_the_function_and_names(netlist, binary: bool):
    back = parse_aiger(format_aiger(netlist, binary=binary))
    assert_same_function(netlist, back)
    assert back.input_names == [" ".join(n.splitlines()) for n in netlist.input_names]
    assert back.output_names == netlist.output_names


def and_netlist() -> Netlist:
    nl = Netlist(name="and")
    a, b = nl.add_input("a"), nl.add_input("b")
    nl.add_output(nl.add_gate(Kind.AND, [a, b]), "y")
    return nl


def test_exact_ascii_and_binary_encoding_of_an_and_gate():
    nl = and_netlist()
    text = format_aiger(nl).decode()
    assert text.startswith("aag 3 2 0 1 1\n2\n4\n6\n6 4 2\ni0 a\ni1 b\no0 y\nc\n")
    # Binary: inputs implicit, the AND 6 = 4 & 2 stored as deltas 6-4=2 and 4-2=2.
    assert format_aiger(nl, binary=True).startswith(b"aig 3 2 0 1 1\n6\n\x02\x02i0 a\n")


def test_large_deltas_use_several_bytes():
    nl = Netlist()
    x = [nl.add_input(f"x{j}") for j in range(100)]
    nl.add_output(nl.add_gate(Kind.AND, [x[0], x[99]]), "y")
    data = format_aiger(nl, binary=True)
    # lhs = 202, rhs0 = 200, rhs1 = 2: deltas 2 and 198 = 0b1_1000110 → 0xC6 0x01.
    assert b"\n\x02\xc6\x01i0 x0" in data
    rows = np.random.default_rng(0).integers(0, 2, (64, 100), np.uint8)
    assert np.array_equal(parse_aiger(data).evaluate(rows), nl.evaluate(rows))


def test_ascii_file_with_ands_out_of_order():
    nl = read_netlist(DATA / "fmt_small.aag")
    assert nl.input_names == ["x", "y"] and nl.output_names == ["xor", "nand"]
    assert truth(nl).tolist() == [[0, 1], [1, 1], [1, 1], [0, 0]]


def test_constants_and_inputs_as_outputs():
    nl = Netlist()
    a = nl.add_input("a")
    nl.add_output(nl.add_const(True), "one")
    nl.add_output(nl.add_const(False), "zero")
    nl.add_output(~a, "na")
    text = format_aiger(nl).decode()
    assert text.startswith("aag 1 1 0 3 0\n2\n1\n0\n3\n")
    assert_same_function(nl, parse_aiger(text.encode()))


def test_extension_chooses_the_variant(tmp_path):
    nl = and_netlist()
    write_netlist(nl, tmp_path / "x.aag")
    write_netlist(nl, tmp_path / "x.aig")
    assert (tmp_path / "x.aag").read_bytes().startswith(b"aag ")
    assert (tmp_path / "x.aig").read_bytes().startswith(b"aig ")
    aiger.write_netlist(nl, tmp_path / "forced.aig", binary=False)
    assert (tmp_path / "forced.aig").read_bytes().startswith(b"aag ")
    for name in ("x.aag", "x.aig", "forced.aig"):
        assert_same_function(nl, read_netlist(tmp_path / name))


def test_header_of_aiger_1_9_with_zero_property_sections():
    assert truth(parse_aiger(b"aag 1 1 0 1 0 0 0 0 0\n2\n3\n")).tolist() == [[1], [0]]


BAD = {
    "latch": (b"aag 2 1 1 1 0\n2\n4 2\n4\n", 1, "latches are not supported"),
    "bad_state": (b"aag 1 1 0 0 0 1\n2\n2\n", 1, "bad-state"),
    "magic": (b"aig3 1 1 0 1 0\n", 1, "not an AIGER file"),
    "header": (b"aag 1 1 0\n", 1, "header must be"),
    "truncated_ascii": (b"aag 3 2 0 1 1\n2\n4\n6\n", 4, "file ends before AND 0"),
    "truncated_binary": (b"aig 3 2 0 1 1\n6\n\x82", 3, "inside the binary AND section"),
    "literal_range": (b"aag 3 2 0 1 1\n2\n4\n6\n6 2 9\n", 5, "literal 9 exceeds"),
    "undefined": (b"aag 4 2 0 1 1\n2\n4\n6\n6 2 8\n", 5, "undefined signal variable 4"),
    "cycle": (b"aag 4 2 0 1 2\n2\n4\n6\n6 2 8\n8 6 4\n", 5, "cycle through signal variable 3"),
    "twice": (b"aag 4 2 0 1 2\n2\n4\n6\n6 2 4\n6 4 2\n", 6, "two drivers"),
    "odd_lhs": (b"aag 3 2 0 1 1\n2\n4\n6\n7 2 4\n", 5, "must be even"),
    "negative": (b"aig 3 2 0 1 1\n6\n\x02\x05", 3, "negative literal"),
    "symbol": (b"aag 1 1 0 1 0\n2\n2\ni3 x\n", 4, "missing"),
    "small_m": (b"aag 1 2 0 0 0\n2\n4\n", 1, "smaller than I + A"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_malformed_files_give_located_errors(tmp_path, case):
    data, line, words = BAD[case]
    path = tmp_path / f"{case}.aag"
    path.write_bytes(data)
    assert_located_error(path, read_netlist, line, words)


def test_empty_file_and_repeated_symbols_are_located(tmp_path):
    empty = tmp_path / "empty.aig"
    empty.write_bytes(b"")
    assert_located_error(empty, aiger.read_netlist, 1, "empty file")
    twice = tmp_path / "twice.aag"
    twice.write_text("aag 1 1 0 1 0\n2\n2\ni0 a\ni0 b\no0 y\n")
    assert_located_error(twice, aiger.read_netlist, 5, "symbol i0 is named twice (first on line 4)")
