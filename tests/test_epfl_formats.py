"""Every EPFL benchmark circuit read from its BLIF, Verilog and AIGER files (written by ABC and
other tools) gives the same netlist interface and size, and the same function.

Gate counts per format: the AIGER header's A is the number of AND gates read; a BLIF or
Verilog file counts one gate per ``.names`` block or ``assign``, and its AND2 count after
:func:`btfsynth.passes.to_and2` (constants folded, structurally hashed, inverters free) equals the
AIGER's A, since the EPFL files are the same AIG written three ways.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from conftest import third_party

from btfsynth.exporters import aiger, blif, read_netlist, verilog
from btfsynth.netlist import Kind
from btfsynth.passes.aig import to_and2

CIRCUITS = ["adder", "bar", "ctrl", "dec", "i2c", "max", "multiplier", "priority", "router", "sin"]


def and_count(netlist) -> int:
    return sum(g.kind is Kind.AND for g in netlist.gates)


def logic_gates(netlist) -> int:
    return sum(g.kind is not Kind.INPUT for g in netlist.gates)


@pytest.mark.parametrize("name", CIRCUITS)
def test_three_formats_agree_in_interface_size_and_function(name):
    path = {ext: third_party(f"epfl/{name}.{ext}") for ext in ("blif", "v", "aig")}
    from_blif = blif.read_netlist(path["blif"])
    from_verilog = verilog.read_netlist(path["v"])
    from_aiger = aiger.read_netlist(path["aig"])
    header = path["aig"].read_bytes().split(b"\n", 1)[0].split()
    _, n_in, _, n_out, n_and = (int(x) for x in header[1:6])

    for netlist in (from_blif, from_verilog, from_aiger):
        assert (netlist.n_inputs, netlist.n_outputs) == (n_in, n_out)
        assert netlist.input_names == from_aiger.input_names
        assert netlist.output_names == from_aiger.output_names
    assert and_count(from_aiger) == n_and
    assert and_count(to_and2(from_blif)) == n_and
    assert and_count(to_and2(from_verilog)) == n_and
    blif_text = path["blif"].read_text()
    verilog_text = path["v"].read_text()
    assert logic_gates(from_blif) == len(re.findall(r"^\.names", blif_text, re.MULTILINE))
    assert logic_gates(from_verilog) == len(re.findall(r"\bassign\b", verilog_text))

    rows = np.random.default_rng(7).integers(0, 2, (256, n_in), dtype=np.uint8)
    expected = from_aiger.evaluate(rows)
    assert np.array_equal(from_blif.evaluate(rows), expected)
    assert np.array_equal(from_verilog.evaluate(rows), expected)


@pytest.mark.parametrize("name", ["ctrl", "dec", "router"])
def test_small_circuits_agree_on_100k_random_rows(name):
    versions = [read_netlist(third_party(f"epfl/{name}.{ext}")) for ext in ("blif", "v", "aig")]
    rows = np.random.default_rng(11).integers(0, 2, (100_000, versions[0].n_inputs), np.uint8)
    expected = versions[2].evaluate(rows)
    assert expected.any() and not expected.all()  # the outputs do vary over the rows
    for netlist in versions[:2]:
        assert np.array_equal(netlist.evaluate(rows), expected)


def test_ctrl_agrees_on_its_complete_table():
    from btfsynth.truthtable import all_input_rows

    versions = [read_netlist(third_party(f"epfl/ctrl.{ext}")) for ext in ("blif", "v", "aig")]
    rows = all_input_rows(7)
    outs = [v.evaluate(rows) for v in versions]
    assert np.array_equal(outs[0], outs[1]) and np.array_equal(outs[0], outs[2])


@pytest.mark.parametrize("name", ["ctrl", "router", "i2c"])
def test_epfl_circuits_survive_our_writers(name):
    """Read, write in each of our formats, read back: the same function on random rows."""
    original = read_netlist(third_party(f"epfl/{name}.blif"))
    again = [
        blif.parse_blif(blif.format_blif(original)),
        verilog.parse_verilog(verilog.format_verilog(original)),
        aiger.parse_aiger(aiger.format_aiger(original, binary=True)),
    ]
    rows = np.random.default_rng(3).integers(0, 2, (2000, original.n_inputs), np.uint8)
    expected = original.evaluate(rows)
    for netlist in again:
        assert netlist.input_names == original.input_names
        assert netlist.output_names == original.output_names
        assert np.array_equal(netlist.evaluate(rows), expected)
