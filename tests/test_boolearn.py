"""Files of the reference implementation: .dat data, .wth widths, .net/.sol networks."""

import numpy as np
import pytest
from conftest import DATA, third_party
from hypothesis import given, settings
from hypothesis import strategies as st

from btfsynth import exporters
from btfsynth.dataset import Dataset
from btfsynth.errors import BtfsynthError, FormatError
from btfsynth.exporters.boolearn import (
    format_dat,
    format_network,
    format_widths,
    parse_dat,
    parse_network,
    parse_widths,
    read_dataset,
    read_network,
    read_table,
    read_widths,
    write_dataset,
    write_network,
    write_table,
    write_widths,
)
from btfsynth.network import ThresholdNetwork
from btfsynth.truthtable import TruthTable


def test_every_reference_data_file_reads(benchmarks):
    files = sorted((benchmarks / "boolearn").glob("*/*.dat"))
    assert len(files) >= 5
    for path in files:
        data = read_dataset(path, code_width=16)
        if data.input_kind != "binary":  # analog or generative data: no truth table
            with pytest.raises(FormatError, match=f"{path}:2: .*btfsynth learn"):
                read_table(path)
            continue
        table = read_table(path)
        assert data.n_items == table.n_rows > 0
        assert np.array_equal(table.inputs, data.inputs) and np.array_equal(
            table.outputs, data.targets
        )
        assert parse_dat(format_dat(data)).targets.tolist() == data.targets.tolist()


def test_every_reference_width_file_reads():
    widths = {
        p.relative_to(DATA / "boolearn").as_posix(): read_widths(p)
        for p in (DATA / "boolearn").glob("*/*.wth")
    }
    assert len(widths) >= 10
    assert widths["mult/2x2.wth"] == [4, 4, 4, 4]
    assert widths["decode/16a.wth"] == [16, 256, 256]
    assert widths["cellauto/30_1_wide.wth"] == [16, 48, 16]  # no newline at the end
    assert widths["randlogic/5.wth"] == [32] * 6
    for w in widths.values():
        assert parse_widths(format_widths(w)) == w


def test_2x2_multiplier_data_is_msb_first():
    table = read_table(third_party("boolearn/mult/2x2.dat"))

    def product(a1, a0, b1, b0):
        p = (2 * a1 + a0) * (2 * b1 + b0)
        return [(p >> s) & 1 for s in (3, 2, 1, 0)]

    assert table == TruthTable.from_function(4, 4, product)
    assert table.name == "2x2"


def test_class_labels_become_one_hot_outputs():
    data = read_dataset(DATA / "boolearn_class.dat")
    assert (data.input_kind, data.output_kind, data.n_inputs) == ("analog", "class", 2)
    assert data.inputs.tolist() == [[0.25, 0.5], [1, 0], [0, 0.125], [0.75, 1]]
    assert data.targets.tolist() == [[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]]
    again = parse_dat(format_dat(data))
    assert again.targets.tolist() == data.targets.tolist() and again.output_kind == "class"
    with pytest.raises(FormatError) as info:
        read_table(DATA / "boolearn_class.dat")
    assert str(info.value).endswith(
        "boolearn_class.dat:2: analog inputs (input type 0) do not make a truth table; "
        "`btfsynth learn` reads this file directly"
    )


def test_binary_class_labels_make_a_one_hot_table(tmp_path):
    (tmp_path / "c.dat").write_text("3\n2 2\n4 1\n0 1 3\n1 1 0\n0 0 2\n")
    table = read_table(tmp_path / "c.dat")
    assert table.outputs.tolist() == [[0, 0, 0, 1], [1, 0, 0, 0], [0, 0, 1, 0]]


def test_generative_data_has_no_inputs():
    data = read_dataset(DATA / "boolearn_onehot.dat", code_width=16)
    assert (data.input_kind, data.n_inputs, data.inputs.shape) == ("onehot", 16, (3, 0))
    assert data.targets.tolist() == [[0, 1, 1, 0], [1, 1, 0, 0], [0, 0, 0, 1]]
    assert format_dat(data).startswith("3\n1 0\n2 4\n\n0 1 1 0\n\n")
    hypercube = parse_dat("1\n2 0\n2 2\n1 0\n")
    assert hypercube.input_kind == "hypercube" and hypercube.is_generative
    with pytest.raises(FormatError) as info:
        read_table(DATA / "boolearn_onehot.dat")
    assert (
        "boolearn_onehot.dat:2: a generative problem (no inputs, one-hot codes) has no truth table"
        in str(info.value)
    )


MALFORMED_DAT = [
    ("", "d.dat:1: the file ends before the item count"),
    ("2\n2 x\n", "d.dat:2: the input count must be an integer, not 'x'"),
    ("1\n3 2\n2 1\n", "d.dat:2: input type 3: expected 2 (binary) or 0 (analog)"),
    (
        "1\n0 0\n2 1\n",
        "d.dat:2: input type 0 with no inputs: a generative problem needs 1 "
        "(one-hot codes) or 2 (hypercube codes)",
    ),
    (
        "1\n2 2\n5 2\n",
        "d.dat:3: output type 5 with 2 outputs: expected 2 (binary) or a class "
        "count 2 < c <= 1048576 with 1 label per item",
    ),
    ("1\n2 2\n2 0\n", "d.dat:3: the output count must be at least 1, not 0"),
    (
        "2\n2 2\n2 1\n\n0 1\n1\n\n1 1\n",
        "d.dat:8: the file ends early: 6 values expected, found 5",
    ),
    ("1\n2 2\n2 1\n0 1 1\n7\n", "d.dat:5: unexpected '7' after the last of the 3 values"),
    ("1\n2 2\n2 1\n0 2\n1\n", "d.dat:4: item 1: '2' is not 0 or 1 (input type 2 is binary)"),
    (
        "1\n0 2\n2 1\n0 1.5\n1\n",
        "d.dat:4: item 1: '1.5' lies outside [0, 1] (input type 0 is analog)",
    ),
    (
        "1\n2 2\n2 1\n0 1\n0.5\n",
        "d.dat:5: item 1: '0.5' is not 0 or 1 (output type 2 is binary)",
    ),
    ("1\n2 1\n3 1\n1\n3\n", "d.dat:5: item 1: '3' is not a class label 0..2"),
    ("1\n2 1\n2 1\n1\nyes\n", "d.dat:5: 'yes' is not a finite number"),
    ("1\n0 1\n2 1\nnan\n1\n", "d.dat:4: 'nan' is not a finite number"),
]


def test_contradictory_items_are_reported_with_their_lines(tmp_path):
    (tmp_path / "x.dat").write_text("3\n2 2\n2 1\n\n0 1\n1\n\n1 1\n0\n\n0 1\n0\n")
    with pytest.raises(FormatError) as info:
        read_table(tmp_path / "x.dat")
    assert str(info.value).endswith(
        "x.dat:11: items 1 (line 5) and 3 have the same inputs but different outputs"
    )


def test_tables_are_written_as_binary_data(tmp_path):
    table = TruthTable.from_function(3, 1, lambda a, b, c: a ^ b ^ c)
    exporters.write_table(table, tmp_path / "parity.dat")
    text = (tmp_path / "parity.dat").read_text()
    assert text.startswith("8\n2 3\n2 1\n\n0 0 0\n0\n\n0 0 1\n1\n\n")
    assert exporters.read_table(tmp_path / "parity.dat") == table


def test_unwritable_tables_leave_no_file(tmp_path):
    with_dc = TruthTable([[0], [1]], [[0], [1]], [[True], [False]], name="half")
    with pytest.raises(BtfsynthError, match="half: a .dat file holds fully specified rows"):
        write_table(with_dc, tmp_path / "t.dat")
    no_inputs = TruthTable(np.zeros((1, 0), np.uint8), [[1]])
    with pytest.raises(BtfsynthError, match="declares a generative problem"):
        write_table(no_inputs, tmp_path / "t.dat")
    two_classes = Dataset(np.zeros((1, 1)), [[0, 1]], 1, "binary", "class")
    with pytest.raises(BtfsynthError, match="not 2; write two classes as one binary output"):
        write_dataset(two_classes, tmp_path / "t.dat")
    assert list(tmp_path.iterdir()) == []


def through_file(tmp_path_factory, name, write, read, thing):
    """``thing`` written to a fresh file and read back."""
    path = tmp_path_factory.mktemp("rt") / name
    write(thing, path)
    return read(path)


@st.composite
def datasets(draw):
    kind = draw(st.sampled_from(["binary", "analog", "onehot", "hypercube"]))
    out = draw(st.sampled_from(["binary", "class"]))
    items = draw(st.integers(0, 12))
    n_in = 0 if kind in ("onehot", "hypercube") else draw(st.integers(1, 6))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    if kind == "analog":
        inputs = rng.random((items, n_in))
        inputs[rng.random((items, n_in)) < 0.2] = 1.0
    else:
        inputs = rng.integers(0, 2, (items, n_in)).astype(float)
    if out == "class":
        classes = draw(st.integers(3, 7))
        targets = np.eye(classes, dtype=np.uint8)[rng.integers(0, classes, items)]
    else:
        targets = rng.integers(0, 2, (items, draw(st.integers(1, 5))), dtype=np.uint8)
    return Dataset(inputs, targets, n_in, kind, out)


@settings(max_examples=60, deadline=None)
@given(data=datasets())
def test_datasets_round_trip_exactly(data, tmp_path_factory):
    back = through_file(tmp_path_factory, "d.dat", write_dataset, read_dataset, data)
    assert (back.input_kind, back.output_kind) == (data.input_kind, data.output_kind)
    assert np.array_equal(back.inputs, data.inputs)  # analog values exactly (repr)
    assert np.array_equal(back.targets, data.targets)


MALFORMED_WTH = [
    ("0\n", "w.wth:1: the number of layers must be at least 1, not 0"),
    ("2\n4 4\n", "w.wth:2: the file ends before width 3 of 3"),
    ("1\n4 0\n", "w.wth:2: width 2 of 2 must be at least 1, not 0"),
    ("1\n4 4 4\n", "w.wth:2: unexpected '4' after the 2 widths of 1 layers"),
]


def test_width_files_round_trip(tmp_path):
    write_widths([6, 12, 12, 12, 6], tmp_path / "3x3.wth")
    assert (tmp_path / "3x3.wth").read_text() == "4\n6 12 12 12 6\n"
    assert read_widths(tmp_path / "3x3.wth") == [6, 12, 12, 12, 6]


def test_reference_style_solution_file_is_an_and_gate():
    net = read_network(DATA / "boolearn_and.sol")
    assert (net.n_nodes, net.n_inputs, net.n_outputs, net.n_edges) == (4, 2, 1, 3)
    rows = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    assert net.predict(rows)[:, 0].tolist() == [0, 0, 0, 1]


@st.composite
def networks(draw):
    widths = draw(st.lists(st.integers(1, 4), min_size=2, max_size=4))
    widths[0] = draw(st.integers(0, 4))
    net = ThresholdNetwork.layered(widths)
    weights = draw(
        st.lists(
            st.floats(allow_nan=False, allow_infinity=False),
            min_size=net.n_edges,
            max_size=net.n_edges,
        )
    )
    return net.with_weights(np.array(weights))


@settings(max_examples=60, deadline=None)
@given(net=networks())
def test_networks_round_trip_bit_for_bit(net, tmp_path_factory):
    back = through_file(tmp_path_factory, "n.net", write_network, read_network, net)
    assert (back.n_nodes, back.n_inputs, back.n_outputs) == (
        net.n_nodes,
        net.n_inputs,
        net.n_outputs,
    )
    assert np.array_equal(back.src, net.src) and np.array_equal(back.dst, net.dst)
    assert back.weights.tobytes() == net.weights.tobytes()
    assert format_network(back) == format_network(net)


MALFORMED_NET = [
    ("4 3 1\n", "n.net:1: the file ends before the edge count"),
    ("4 0 1 3\n", "n.net:1: the input node count (bias included) must be at least 1, not 0"),
    (
        "3 3 1 0\n",
        "n.net:1: 3 nodes leave no room for 3 input nodes (bias included) and 1 outputs",
    ),
    (
        "4 3 1 2\n3 0 1\n3 1 1\n3 2 1\n",
        "n.net:4: unexpected '3' after the last of the 6 edge values (3 per edge)",
    ),
    (
        "4 3 1 3\n3 0 1\n3 1 1\n3 2\n",
        "n.net:4: the file ends early: 9 edge values (3 per edge) expected, found 8",
    ),
    ("4 3 1 3\n3 0 1\n3 1.5 1\n3 2 1\n", "n.net:3: '1.5' is not a node number"),
    ("4 3 1 3\n3 0 1\n2 1 1\n3 2 1\n", "n.net:3: receiving node 2 is not a BTF node (3..3)"),
    (
        "4 3 1 3\n3 0 1\n3 3 1\n3 2 1\n",
        "n.net:3: sending node 3 must precede its receiving node",
    ),
    ("4 3 1 2\n3 0 1\n3 1 w\n", "n.net:3: 'w' is not a finite number"),
    ("5 3 1 2\n4 0 1\n4 1 1\n", "n.net: BTF node 3 has no in-edges"),
    ("9999999999 3 1 0\n", "n.net:1: 9999999996 BTF nodes need at least as many edges, not 0"),
]


@pytest.mark.parametrize(
    "parse, path, text, message",
    [(parse_dat, "d.dat", *case) for case in MALFORMED_DAT]
    + [(parse_widths, "w.wth", *case) for case in MALFORMED_WTH]
    + [(parse_network, "n.net", *case) for case in MALFORMED_NET],
)
def test_malformed_files_report_file_and_line(parse, path, text, message):
    with pytest.raises(FormatError) as info:
        parse(text, path)
    assert str(info.value) == message


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from(["0", "1", "2", "3", "4", "0.5", "-1", "x", "\n", " "]), max_size=20)
)
def test_any_token_mix_gives_a_result_or_a_located_format_error(words):
    text = " ".join(words)
    for parse in (parse_dat, parse_network, parse_widths):
        try:
            parse(text, "f.txt")
        except FormatError as exc:
            assert str(exc).startswith("f.txt")


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 6), st.integers(0, 3), st.integers(1, 40), st.integers(0, 2**32 - 1))
def test_streamed_table_matches_format_dat(tmp_path_factory, n, m, rows, seed):
    """write_table streams by blocks; its bytes are exactly format_dat's."""
    rng = np.random.default_rng(seed)
    inputs = rng.integers(0, 2, size=(rows, n), dtype=np.uint8)
    table = TruthTable(inputs, inputs[:, :m] ^ 1)
    path = tmp_path_factory.mktemp("dat") / "t.dat"
    write_table(table, path)
    assert path.read_text() == format_dat(Dataset.from_table(table))


def test_byte_order_mark_is_skipped_and_errors_name_the_file(tmp_path):
    path = tmp_path / "bom.dat"
    path.write_bytes("\ufeff2\n2 1\n2 1\n0 1\n1 0\n".encode())
    assert read_table(path).outputs[:, 0].tolist() == [1, 0]
    for text in ("", "2\n2 1\n2 1\n0 1\n", "1\n2 1\n2 1\n0 7\n", "1\n5 1\n2 1\n0 1\n"):
        path.write_text(text)
        with pytest.raises(FormatError) as info:
            read_table(path)
        assert str(info.value).startswith(f"{path}:")
