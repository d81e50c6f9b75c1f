"""One AND2 count everywhere: a circuit keeps its size whichever format it travels through.

The count is :func:`btfsynth.passes.and2_count`; the writers of formats without MAJ/THRESHOLD
write the gates of the one lowering (:func:`btfsynth.passes.lower`), so reading a file back gives
the count its header states.
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest
from click.testing import CliRunner
from fmt_helpers import DATA, netlists
from hypothesis import given, settings

from btfsynth.cli.main import main
from btfsynth.exporters.aiger import format_aiger, parse_aiger
from btfsynth.exporters.blif import format_blif, parse_blif
from btfsynth.exporters.verilog import format_verilog, parse_verilog
from btfsynth.netlist import Kind, Netlist
from btfsynth.passes.aig import AigBuilder, and2_count, odd_even_merge_sort, to_and2
from btfsynth.truthtable import all_input_rows


def header_count(text: str) -> int:
    return int(re.search(r"AND2 count (\d+)", text).group(1))


@settings(max_examples=300, deadline=None)
@given(netlists(max_inputs=5, max_gates=12))
def test_every_format_keeps_the_and2_count(nl: Netlist):
    count = and2_count(nl)
    blif, verilog = format_blif(nl), format_verilog(nl)
    assert header_count(blif) == header_count(verilog) == count
    assert and2_count(parse_blif(blif)) == count
    assert and2_count(parse_verilog(verilog)) == count
    assert and2_count(parse_aiger(format_aiger(nl))) == count
    assert and2_count(parse_aiger(format_aiger(parse_blif(blif)))) == count


def test_maj_and_threshold_are_written_as_their_and2_lowering():
    nl = Netlist()
    x = [nl.add_input(f"x{j}") for j in range(9)]
    nl.add_output(nl.add_gate(Kind.MAJ, x), "maj")
    nl.add_output(nl.add_gate(Kind.THRESHOLD, x[:3], weights=(2, -1, 1), threshold=2), "t")
    for text in (format_blif(nl), format_verilog(nl)):
        assert "maj" in text and header_count(text) == and2_count(nl)
    blif = format_blif(nl).splitlines()
    fanins = [len(line.split()) - 2 for line in blif if line.startswith(".names")]
    assert max(fanins) <= 2  # a MAJ9 cover would have 126 cubes over 9 fan-ins


def aiger_ands(path) -> int:
    return int(path.read_bytes().split(b"\n", 1)[0].split()[5])


def counts_through_every_route(model, tmp_path) -> dict[str, int]:
    """The AND2 count of a model as compile prints it, as the BLIF states and gives to stats,
    in the AIGER compile writes and in the AIGER exported from the BLIF."""
    blif, direct, exported = (tmp_path / name for name in ("c.blif", "c.aig", "e.aig"))
    printed = run("compile", str(model), "-o", str(blif))
    run("compile", str(model), "-o", str(direct))
    run("export", str(blif), "--format", "aiger", "-o", str(exported))
    return {
        "compile prints": int(re.search(r"AND2 count: (\d+)", printed).group(1)),
        "BLIF header": header_count(blif.read_text()),
        "stats on the BLIF": int(re.search(r"AND2 count: (\d+)", run("stats", str(blif))).group(1)),
        "compile -o x.aig": aiger_ands(direct),
        "AIGER from the BLIF": aiger_ands(exported),
    }


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_a_learned_maj9_has_one_and2_count_everywhere(tmp_path):
    model = tmp_path / "maj9.json"
    run("learn", "maj:9", "--widths", "9-1", "--sigma", "9", "--seed", "1", "-q", "-o", str(model))
    counts = counts_through_every_route(model, tmp_path)
    assert len(set(counts.values())) == 1, counts
    assert counts["compile prints"] < 126  # not the SOP of its 126 minimal true points


def test_a_learned_3x3_multiplier_has_one_and2_count_everywhere(tmp_path):
    counts = counts_through_every_route(DATA / "learned" / "mult3.json", tmp_path)
    assert len(set(counts.values())) == 1, counts


def test_odd_even_merge_sort_sorts_every_pattern():
    for n in range(1, 10):
        comparators = odd_even_merge_sort(n)
        for row in itertools.product((0, 1), repeat=n):
            wires = list(row)
            for a, b in comparators:
                wires[a], wires[b] = max(wires[a], wires[b]), min(wires[a], wires[b])
            assert wires == sorted(row, reverse=True), (n, row)


@pytest.mark.parametrize(("n", "most"), [(3, 4), (5, 10), (7, 22), (9, 30)])
def test_majority_lowers_through_the_cheaper_construction(n, most):
    nl = Netlist()
    x = [nl.add_input(f"x{j}") for j in range(n)]
    nl.add_output(nl.add_gate(Kind.MAJ, x), "m")
    nl.add_output(nl.add_gate(Kind.THRESHOLD, x, weights=(1,) * n, threshold=n // 2 + 1), "t")
    aig = to_and2(nl)
    assert and2_count(nl) <= most  # the BDD alone: 4, 18, 36, 60; both outputs share it all
    rows = all_input_rows(n)
    assert np.array_equal(aig.evaluate(rows), nl.evaluate(rows))


@pytest.mark.parametrize("seed", range(4))
def test_every_threshold_construction_computes_the_threshold(seed):
    rng = np.random.default_rng(seed)
    for _ in range(20):
        k = int(rng.integers(1, 7))
        weights = [int(w) for w in rng.integers(-4, 5, k)]
        threshold = int(rng.integers(-6, 8))
        rows = all_input_rows(k)
        want = rows.astype(int) @ np.array(weights) >= threshold
        builder = AigBuilder(Netlist())
        ins = [builder.input(f"x{j}") for j in range(k)]
        positive = [s if w > 0 else ~s for s, w in zip(ins, weights) if w]
        sizes = [abs(w) for w in weights if w]
        need = threshold - sum(w for w in weights if w < 0)
        copies = [s for s, w in zip(positive, sizes) for _ in range(w)]
        for root in (
            builder.bdd(ins, weights, threshold),
            builder.at_least(copies, need),
            builder.weighted_sum_at_least(positive, sizes, need),
        ):
            nl = builder.netlist.copy()
            nl.outputs, nl.output_names = [root], ["t"]
            assert np.array_equal(nl.evaluate(rows)[:, 0], want), (weights, threshold)


def test_wide_weights_lower_through_the_adder_in_bounded_size():
    rng = np.random.default_rng(1)
    nl = Netlist()
    x = [nl.add_input(f"x{j}") for j in range(20)]
    weights = tuple(int(w) for w in rng.integers(-(2**40), 2**40, 20))
    nl.add_output(nl.add_gate(Kind.THRESHOLD, x, weights=weights, threshold=12345), "t")
    assert and2_count(nl) < 20 * 42 * 8  # full adders over the weights' bits, not 2^20 BDD nodes
    rows = np.random.default_rng(2).integers(0, 2, (2000, 20), dtype=np.uint8)
    assert np.array_equal(to_and2(nl).evaluate(rows), nl.evaluate(rows))
