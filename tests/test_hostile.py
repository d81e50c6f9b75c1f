"""Hostile and wrong input (issue 10): tiny files that declare huge sizes are refused before
anything is allocated, with ``file:line``; malformed structure, huge numbers and deep nesting
are located errors in every reader, never another exception."""

from __future__ import annotations

import signal
import time
import tracemalloc

import pytest
from click.testing import CliRunner

from btfsynth import limits
from btfsynth.cli.main import main
from btfsynth.errors import BtfsynthError, FormatError, first_duplicate
from btfsynth.exporters import boolearn, pla, read_netlist
from btfsynth.exporters.model import read_network_json, read_result
from btfsynth.files import read_json
from btfsynth.netlist import Netlist, NetlistError

MB = 1 << 20


def refused(tmp_path, name: str, data: bytes, read, line: int | None, words: str) -> str:
    """Reading ``data`` as ``name`` fails with one ``file:line:`` error containing ``words``,
    within a few MB of memory (the size is checked before allocating)."""
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(FormatError):  # once untraced: the modules it imports are not the input
        read(path)
    tracemalloc.start()
    try:
        with pytest.raises(FormatError) as info:
            read(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    message = str(info.value)
    where = f"{path}:{line}: " if line is not None else f"{path}:"
    assert message.startswith(where), message
    assert words in message and "\n" not in message, message
    assert peak < 16 * MB, f"{peak / MB:.0f} MB before refusing"
    return message


# -- netlists -------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [10**6, 10**9])
def test_tiny_aiger_declaring_huge_implicit_inputs_is_refused(tmp_path, count):
    data = f"aig {count} {count} 0 1 0\n2\n".encode()
    refused(tmp_path, "x.aig", data, read_netlist, 1, "BTFSYNTH_MAX_INPUTS")


def test_the_input_cap_is_set_by_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("BTFSYNTH_MAX_INPUTS", "100")
    refused(tmp_path, "x.aig", b"aig 101 101 0 1 0\n2\n", read_netlist, 1, "limit of 100")
    (tmp_path / "ok.aig").write_bytes(b"aig 100 100 0 1 0\n2\n")
    assert read_netlist(tmp_path / "ok.aig").n_inputs == 100
    monkeypatch.setenv("BTFSYNTH_MAX_INPUTS", "many")
    with pytest.raises(BtfsynthError, match="BTFSYNTH_MAX_INPUTS must be a positive integer"):
        limits.current()


def test_the_default_input_cap_reads_fast_and_small(tmp_path):
    cap = limits.current().inputs
    (tmp_path / "cap.aig").write_bytes(f"aig {cap} {cap} 0 1 0\n2\n".encode())
    start = time.perf_counter()
    assert read_netlist(tmp_path / "cap.aig").n_inputs == cap
    assert time.perf_counter() - start < 10


@pytest.mark.parametrize(
    "data, words",
    [
        (b"aig 9 1 0 1 1\n2\n\x02\x02", "M = 9 must equal I + L + A = 2"),
        (b"aig 3 1 0 1 1\n4\n\x02\x01", "M = 3 must equal I + L + A = 2"),
        (b"aig 2000000000 0 0 0 2000000000\n\x02\x02", "BTFSYNTH_MAX_GATES"),
        (b"aig 1000 0 0 0 1000\n\x02\x02", "declares 1000 outputs and ANDs, but only"),
    ],
)
def test_binary_aiger_headers_that_the_file_cannot_back(tmp_path, data, words):
    refused(tmp_path, "x.aig", data, read_netlist, 1, words)


def test_binary_aiger_junk_after_the_and_section_is_refused(tmp_path):
    # One AND (literal 4 = 2 & 1: deltas 2 and 1), then a stray newline at byte 18.
    message = refused(
        tmp_path, "x.aig", b"aig 2 1 0 1 1\n4\n\x02\x01\ni0 a\n", read_netlist, 3, "at byte 18"
    )
    assert "after the AND section" in message
    refused(tmp_path, "y.aig", b"aig 2 1 0 1 1\n4\n\x00\x01", read_netlist, 3, "refers to itself")
    refused(tmp_path, "z.aag", b"aag 1 1 0 0 0\n2\nl0 q\n", read_netlist, 3, "missing latch")


def test_aiger_numbers_of_thousands_of_digits_are_located(tmp_path):
    big = b"9" * 5000
    refused(tmp_path, "a.aag", b"aag 1 1 0 1 0\n2\n" + big + b"\n", read_netlist, 3, "20 digits")
    refused(tmp_path, "b.aag", b"aag 1 1 0 0 0\n2\ni" + big + b" x\n", read_netlist, 3, "symbol")


@pytest.mark.parametrize(
    "text, words",
    [
        ("module m(input [999999:0] x, output y); endmodule", "1000000 input bits"),
        ("module m(output [2147483646:0] y); assign y = 0; endmodule", "may expand to"),
        ("module m(input a, output y); assign y = {1000000000{a}}; endmodule", "replication"),
        ("module m(output y); assign y = 999999999'b0; endmodule", "999999999-bit constant"),
        ("module m(input [99999999999:0] a); endmodule", "bit index 99999999999 is too large"),
        ("module m(output y); assign y = " + "9" * 5000 + "; endmodule", "bad constant"),
        ("module m(input a, output y); assign " + "{" * 3000 + "y" + "}" * 3000 + " = a;"
         " endmodule", "nested too deeply"),
    ],
)  # fmt: skip
def test_verilog_vectors_and_constants_are_sized_before_expanding(tmp_path, text, words):
    refused(tmp_path, "x.v", text.encode(), read_netlist, 1, words)


def test_verilog_expansion_budget_follows_the_file_size(tmp_path, monkeypatch):
    text = "module m(input a, output [99:0] y); assign y = {100{a}}; endmodule\n"
    (tmp_path / "ok.v").write_text(text)
    assert read_netlist(tmp_path / "ok.v").n_outputs == 100
    monkeypatch.setenv("BTFSYNTH_MAX_GATES", "150")
    refused(tmp_path, "x.v", text.encode(), read_netlist, 1, "at most 150")


def test_blif_and_json_with_too_many_inputs_are_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("BTFSYNTH_MAX_INPUTS", "1000")
    names = b" ".join(b"i%d" % k for k in range(1001))
    blif = b".model m\n.inputs " + names + b"\n.outputs y\n.names y\n1\n.end\n"
    refused(tmp_path, "x.blif", blif, read_netlist, 2, "1001 inputs exceed the limit of 1000")
    gates = b",\n".join([b'{"kind": "input"}'] * 1001)
    data = b'{"format": "btfsynth-netlist",\n"gates": [\n' + gates + b'],\n"outputs": []}'
    refused(tmp_path, "x.json", data, read_netlist, 2, "1001 inputs exceed the limit")


def test_duplicate_names_are_found_in_linear_time():
    nl = Netlist()
    for k in range(100_000):
        nl.add_input(f"x{k}")
    nl.add_input("x5")
    start = time.perf_counter()
    with pytest.raises(NetlistError, match="duplicate input name 'x5'"):
        nl.validate()
    assert time.perf_counter() - start < 5
    assert first_duplicate(["a", "b", "b", "a"]) == "b" and first_duplicate("abc") is None


# -- truth tables ---------------------------------------------------------------------------------


def test_pla_of_one_all_dash_cube_over_26_inputs_is_refused_before_expanding(tmp_path):
    data = b".i 26\n.o 1\n" + b"-" * 26 + b" 1\n.e\n"
    refused(tmp_path, "x.pla", data, pla.read_table, 3, "BTFSYNTH_MAX_TABLE_ROWS")
    data = b".i 24\n.o 1\n.type fr\n" + b"-" * 24 + b" 1\n.e\n"
    refused(tmp_path, "y.pla", data, pla.read_table, 4, "the cubes cover 16777216 minterms")


@pytest.mark.parametrize(
    "data, line, words",
    [
        (b".i 20\n.o 100000\n.type fd\n.e\n", 1, "BTFSYNTH_MAX_TABLE_CELLS"),
        (b".i 1000000000\n.o 1\n.type fr\n.e\n", 1, "1000000000 inputs exceed"),
        (b".i 3\n.o 1000000000\n.type fr\n.e\n", 2, "1000000000 outputs exceed"),
        (b".i " + b"9" * 5000 + b"\n.o 1\n", 1, ".i needs one integer"),
    ],
)
def test_pla_declared_sizes_are_capped(tmp_path, data, line, words):
    refused(tmp_path, "x.pla", data, pla.read_table, line, words)


def test_a_large_allowed_pla_expansion_stays_small(tmp_path):
    path = tmp_path / "x.pla"
    path.write_bytes(b".i 20\n.o 2\n" + b"-" * 20 + b" 10\n.e\n")
    tracemalloc.start()
    table = pla.read_table(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert table.n_rows == 1 << 20 and table.outputs[:, 0].all()
    assert peak < 120 * MB, f"{peak / MB:.0f} MB for a 1 M-row table of 22 bytes a row"


def test_pla_expansion_is_interruptible(tmp_path, monkeypatch):
    monkeypatch.setenv("BTFSYNTH_MAX_TABLE_ROWS", str(1 << 23))
    monkeypatch.setenv("BTFSYNTH_MAX_TABLE_CELLS", str(1 << 28))
    path = tmp_path / "x.pla"
    path.write_bytes(b".i 22\n.o 1\n" + b"-" * 22 + b" 1\n.e\n")  # 4 M rows, about 1 s

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGALRM, interrupt)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.1)
        start = time.perf_counter()
        with pytest.raises(KeyboardInterrupt):
            pla.read_table(path)
        assert time.perf_counter() - start < 0.5
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize(
    "name, data, read, line, words",
    [
        ("a.dat", b"500\n2 1\n1048576 1\n" + b"0 0\n" * 500, boolearn.read_table, 3, "CELLS"),
        ("b.dat", b"0\n2 1000000000\n2 1\n", boolearn.read_dataset, 2, "inputs exceed"),
        ("c.wth", b"2\n100000 100000 100000\n", boolearn.read_widths, 2, "edges exceed"),
        ("d.net", b"16777216 16777000 1 1\n16777215 0 1.0\n", boolearn.read_network, 1, "inputs"),
        ("e.dat", b"1\n2 " + b"9" * 5000 + b"\n2 1\n", boolearn.read_dataset, 2, "integer"),
    ],
)
def test_boolearn_declared_sizes_are_capped(tmp_path, name, data, read, line, words):
    refused(tmp_path, name, data, read, line, words)


# -- JSON ----------------------------------------------------------------------------------------

NETWORK = '{{"format": "btfsynth-network", "nodes": 3, "inputs": 1, "outputs": 1,\n "edges": {}}}'


@pytest.mark.parametrize(
    "edges, line, words",
    [
        ("[[2, 1, 1" + "0" * 400 + "]]", 2, "JSON number 100000000000... (401 digits)"),
        ("[[2, 1, 1e400]]", 2, "JSON number 1e400 is beyond the range of a double"),
        ("[[2, 1, Infinity]]", 2, "Infinity"),
        ("[\n[2, 1, 1.0],\n[2, 0]]", 4, "an edge must be [receiving, sending, weight]"),
        ("[\n[2, 1, 1.0],\n[2, 5, 1.0]]", 4, "breaks the node order"),
    ],
)
def test_model_json_numbers_and_edges_are_located(tmp_path, edges, line, words):
    data = NETWORK.format(edges).encode()
    refused(tmp_path, "m.json", data, read_network_json, line, words)


def test_model_json_sizes_are_checked_before_allocating(tmp_path):
    data = (
        b'{"format": "btfsynth-network", "nodes": 16777216, "inputs": 16777000,\n'
        b' "outputs": 1, "edges": [[16777215, 0, 1.0]]}'
    )
    refused(tmp_path, "m.json", data, read_network_json, 1, "BTFSYNTH_MAX_INPUTS")
    data = b'{"format": "btfsynth-network", "nodes": 1000, "inputs": 1, "outputs": 1, "edges": []}'
    refused(tmp_path, "n.json", data, read_network_json, 1, "only 0 edges")


def test_deep_json_nesting_names_the_file_and_line(tmp_path):
    deep = b'{"network":\n' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    for name, read in [
        ("a.json", read_network_json),
        ("b.json", read_netlist),
        ("c.json", read_result),
        ("d.json", read_json),
    ]:
        refused(tmp_path, name, deep, read, 2, "JSON nested too deeply to read")


def test_netlist_json_with_a_huge_weight_or_wrong_types_is_located(tmp_path):
    head = b'{"format": "btfsynth-netlist",\n"gates": [\n{"kind": "input"},\n'
    data = (
        head
        + b'{"kind": "threshold", "fanins": [[0, false]], "weights": [1e999]}],\n"outputs": []}'
    )
    refused(tmp_path, "a.json", data, read_netlist, 4, "1e999")
    data = head + b'{"kind": "and", "fanins": [[0, 1]]}],\n"outputs": []}'
    refused(tmp_path, "b.json", data, read_netlist, 4, "gate 1: expected true or false")
    data = head + b'{"kind": "input", "name": 5}],\n"outputs": []}'
    refused(tmp_path, "c.json", data, read_netlist, 4, "name must be a string")


def test_learn_result_json_with_huge_numbers_is_one_located_error(tmp_path):
    data = b'{"format": "btfsynth-learn-result",\n "seconds": 1' + b"0" * 400 + b"}"
    refused(tmp_path, "r.json", data, read_result, 2, "beyond the range of a double")
    data = b'{"format": "btfsynth-learn-result", "network": 5}'
    refused(tmp_path, "s.json", data, read_result, None, "learn result")


# -- the command ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, data, command",
    [
        ("x.aig", b"aig 1000000 1000000 0 1 0\n2\n", "stats {}"),
        ("x.v", b"module m(input [999999:0] x, output y); endmodule\n", "stats {}"),
        ("x.pla", b".i 26\n.o 1\n" + b"-" * 26 + b" 1\n", "info {}"),
        ("m.json", b"[" * 100_000 + b"]" * 100_000, "verify {} mult:2"),
        ("n.json", NETWORK.format("[[2, 1, 1" + "0" * 400 + "]]").encode(), "verify {} mult:2"),
    ],
)
def test_the_cli_gives_one_line_naming_the_file_and_exit_2(tmp_path, name, data, command):
    path = tmp_path / name
    path.write_bytes(data)
    result = CliRunner().invoke(main, [w.format(path) for w in command.split()])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}:"), result.output
