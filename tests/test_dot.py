"""DOT drawings: inputs on the top rank, outputs on the bottom rank, one node per gate with
its kind as label and shape, complemented edges dashed; graphviz renders them when present."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from fmt_helpers import netlists
from hypothesis import HealthCheck, given, settings

from btfsynth.exporters import write_netlist
from btfsynth.exporters.dot import format_dot, quote
from btfsynth.netlist import Kind, Netlist


def sample() -> Netlist:
    nl = Netlist(name='say "hi"')
    a, b, c = (nl.add_input(x) for x in ("a", "b", "c[0]"))
    m = nl.add_gate(Kind.MAJ, [a, ~b, c], name="m")
    t = nl.add_gate(Kind.THRESHOLD, [a, b], weights=(2, -1), threshold=1)
    nl.add_output(nl.add_gate(Kind.AND, [m, ~t]), "y")
    nl.add_output(~m, "ny")
    return nl


def test_layout_labels_shapes_and_inverted_edges():
    text = format_dot(sample(), source="s.json")
    assert text.startswith('digraph "say \\"hi\\"" {\n  // written by btfsynth from s.json\n')
    assert "{ rank=source; g0; g1; g2; }" in text
    assert "{ rank=sink; o0; o1; }" in text
    assert 'g3 [label="MAJ\\nm", shape=hexagon];' in text
    assert 'g4 [label="T ≥ 1\\nw = 2, -1", shape=octagon];' in text
    assert 'g5 [label="AND", shape=box];' in text
    assert 'g2 [label="c[0]", shape=invhouse];' in text
    assert "g1 -> g3 [style=dashed, arrowhead=odot];" in text
    assert "g0 -> g3;" in text
    assert "g3 -> o1 [style=dashed, arrowhead=odot];" in text


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(netlists())
def test_one_edge_per_fanin_and_output(netlist):
    text = format_dot(netlist)
    edges = re.findall(r"^  (g\d+) -> ([go]\d+)( \[style=dashed)?", text, re.MULTILINE)
    expected = [(f.gate, i, f.inverted) for i, g in enumerate(netlist.gates) for f in g.fanins]
    expected += [(s.gate, f"o{k}", s.inverted) for k, s in enumerate(netlist.outputs)]
    got = [(int(a[1:]), int(b[1:]) if b[0] == "g" else b, bool(d)) for a, b, d in edges]
    assert got == expected
    assert text.count("shape=") == len(netlist.gates) + netlist.n_outputs


def test_quote_escapes():
    assert quote('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'


@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz is not installed")
def test_graphviz_accepts_the_file(tmp_path):
    write_netlist(sample(), tmp_path / "s.dot")
    done = subprocess.run(
        ["dot", "-Tsvg", str(tmp_path / "s.dot")], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "<svg" in done.stdout and ">MAJ<" in done.stdout
