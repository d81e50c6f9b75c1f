"""JSON netlists: a lossless round trip of the IR, and located errors for bad files."""

from __future__ import annotations

import json

import pytest
from fmt_helpers import netlists
from hypothesis import HealthCheck, given, settings

from btfsynth.errors import FormatError
from btfsynth.exporters import read_netlist, write_netlist
from btfsynth.exporters.netjson import format_json, netlist_from_dict, netlist_to_dict, parse_json
from btfsynth.netlist import Kind, Netlist


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(netlists())
def test_round_trip_is_exact(netlist):
    back = parse_json(format_json(netlist))
    assert back == netlist  # same gates, names, outputs and module name


def test_file_round_trip_records_the_source(tmp_path):
    nl = Netlist(name="t")
    a, b = nl.add_input("a"), nl.add_input("b")
    nl.add_output(nl.add_gate(Kind.THRESHOLD, [a, ~b], weights=(2, -1), threshold=1), "y")
    write_netlist(nl, tmp_path / "n.json", source="model.json")
    data = json.loads((tmp_path / "n.json").read_text())
    assert data["format"] == "btfsynth-netlist" and data["source"] == "model.json"
    assert data["gates"][2] == {
        "kind": "threshold",
        "fanins": [[0, False], [1, True]],
        "weights": [2, -1],
        "threshold": 1,
    }
    assert read_netlist(tmp_path / "n.json") == nl


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda d: d.update(format="other"), "not a btfsynth netlist"),
        (lambda d: d["gates"][2].update(kind="nand"), "gate 2: 'nand' is not a valid Kind"),
        (lambda d: d["gates"][2].update(fanins=[[5, False]]), "gate 2"),
        (lambda d: d["gates"][2].update(fanins=[[0, 1]]), "expected true or false"),
        (lambda d: d["outputs"][0].pop("name"), "output 0 is missing the key 'name'"),
        (lambda d: d["outputs"][0].update(gate=9), "output y refers to missing gate 9"),
        (lambda d: d["gates"][2].update(kind="maj"), "odd number of fan-ins"),
    ],
)
def test_bad_netlists_are_format_errors(change, words):
    nl = Netlist()
    a, b = nl.add_input("a"), nl.add_input("b")
    nl.add_output(nl.add_gate(Kind.AND, [a, b]), "y")
    data = netlist_to_dict(nl)
    change(data)
    with pytest.raises(FormatError, match=words.replace("(", r"\(").replace(")", r"\)")):
        netlist_from_dict(data, "x.json")


def test_invalid_json_names_the_line(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{\n "format": "btfsynth-netlist",\n "gates": [\n')
    with pytest.raises(FormatError, match=r"bad\.json:4: invalid JSON"):
        read_netlist(path)
