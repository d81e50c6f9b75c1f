"""Smoke tests of the core data types; each module has its own detailed tests."""

import numpy as np
import pytest

from btfsynth import Kind, Netlist, ThresholdNetwork, TruthTable
from btfsynth.errors import BtfsynthError
from btfsynth.passes.aig import to_and2
from btfsynth.truthtable import all_input_rows


def test_and2_decomposition_keeps_every_gate_kind():
    nl = Netlist()
    a, b, c, d, e = (nl.add_input(x) for x in "abcde")
    nl.add_output(nl.add_gate(Kind.MAJ, [a, ~b, c, d, e]), "maj5")
    nl.add_output(nl.add_gate(Kind.THRESHOLD, [a, b, ~c], weights=(2, -1, 3), threshold=2), "th")
    nl.add_output(nl.add_gate(Kind.SOP, [a, b, c], cover=("1-0", "011"), onset=False), "sop")
    nl.add_output(nl.add_gate(Kind.XOR, [a, b, c, d]), "xor")
    rows = all_input_rows(5)
    aig = to_and2(nl)
    assert {g.kind for g in aig.gates} <= {Kind.INPUT, Kind.CONST0, Kind.AND}
    assert np.array_equal(aig.evaluate(rows), nl.evaluate(rows))


def test_layered_network_forward_matches_hand_computation():
    net = ThresholdNetwork.layered([2, 1])
    net = net.with_weights(np.array([1.0, 1.0, 1.0]))  # bias -1: AND(a, b)... h = -1 + a + b
    table = TruthTable.from_function(2, 1, lambda a, b: a & b)
    assert net.accuracy(table) == 1.0


def test_with_weights_checks_the_weights_and_leaves_the_original_alone():
    net = ThresholdNetwork.layered([2, 1])
    copy = net.with_weights(np.array([1.0, 1.0, 1.0]), note="and")
    assert copy.weights.tolist() == [1.0, 1.0, 1.0] and copy.metadata["note"] == "and"
    assert net.weights.tolist() != copy.weights.tolist() and "note" not in net.metadata
    assert copy.predict(np.array([[0, 0], [1, 1]])).ravel().tolist() == [0, 1]
    with pytest.raises(BtfsynthError, match="2 weights for 3 edges"):
        net.with_weights(np.array([1.0, 1.0]))
    with pytest.raises(BtfsynthError, match="edge 1 -> 3: weight nan is not finite"):
        net.with_weights(np.array([1.0, np.nan, 1.0]))


def test_atomic_write_respects_the_umask_and_leaves_nothing_on_failure(tmp_path):
    import os

    from btfsynth.files import atomic_write, write_text

    path = tmp_path / "out.txt"
    write_text(path, "hello\n")
    mask = os.umask(0)
    os.umask(mask)
    assert (path.stat().st_mode & 0o777) == 0o666 & ~mask
    try:
        with atomic_write(tmp_path / "half.txt") as handle:
            handle.write("partial")
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_check_output_refuses_unwritable_paths_before_any_work(tmp_path):
    from btfsynth import BtfsynthError
    from btfsynth.files import check_output

    source = tmp_path / "in.json"
    source.write_text("{}")
    check_output(tmp_path / "new.blif", (source,))  # fine
    with pytest.raises(BtfsynthError, match="is a folder"):
        check_output(tmp_path)
    with pytest.raises(BtfsynthError, match="no such folder"):
        check_output(tmp_path / "missing" / "x.v")
    with pytest.raises(BtfsynthError, match="would overwrite the input"):
        check_output(tmp_path / "." / "in.json", (source,))


def test_atomic_write_writes_through_links_and_into_special_files(tmp_path):
    import os

    from btfsynth.files import write_text

    target = tmp_path / "real.v"
    target.write_text("old")
    link = tmp_path / "link.v"
    link.symlink_to(target)
    write_text(link, "new")
    assert link.is_symlink() and target.read_text() == "new"
    write_text(os.devnull, "discarded")
    assert os.path.exists(os.devnull) and not os.path.isfile(os.devnull)
