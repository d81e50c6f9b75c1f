"""ThresholdNetwork: structure, CSR views, forward pass, accuracy and JSON persistence."""

import json
import math

import numpy as np
import pytest

from btfsynth import BtfsynthError, FormatError, ThresholdNetwork, TruthTable


def test_layered_network_has_bias_and_full_connections():
    net = ThresholdNetwork.layered([4, 4, 4, 4])
    assert (net.n_nodes, net.n_edges, net.first_btf) == (17, 60, 5)
    assert list(net.output_nodes) == [13, 14, 15, 16]
    src, _ = net.node_weights(9)  # first node of the second BTF layer
    assert src.tolist() == [0, 5, 6, 7, 8]
    assert all(net.fan_in(v) == 5 for v in net.btf_nodes)
    out = net.out_edges[net.out_ptr[5] : net.out_ptr[6]]
    assert sorted(net.dst[out].tolist()) == [9, 10, 11, 12]


def test_seeded_weights_are_normalised_per_node_and_reproducible():
    a = ThresholdNetwork.layered([3, 5, 2], seed=7)
    b = ThresholdNetwork.layered([3, 5, 2], seed=7)
    assert np.array_equal(a.weights, b.weights)
    for v in a.btf_nodes:
        _, w = a.node_weights(v)
        assert math.isclose(w @ w, a.fan_in(v))


def majority3_network() -> ThresholdNetwork:
    """MAJ(a, b, c) and AND(a, b) as ±1 patterns (method.md §1): bias weight + → AND."""
    s = math.sqrt(4 / 3)
    src = [0, 1, 2, 3, 0, 1, 2, 3]
    dst = [4, 4, 4, 4, 5, 5, 5, 5]
    w = [0, s, s, s, s, s, s, 0]
    return ThresholdNetwork(6, 3, 2, src, dst, w, ("a", "b", "c"), ("maj", "and"))


def test_forward_pass_of_pm1_patterns_computes_the_named_gates():
    net = majority3_network()
    table = TruthTable.from_function(
        3, 2, lambda a, b, c: ((a & b) | (c & (a | b)), a & b), ("a", "b", "c"), ("maj", "and")
    )
    assert np.array_equal(net.predict(table.inputs), table.outputs)
    assert net.accuracy(table) == 1.0


def test_ties_go_to_false():
    net = ThresholdNetwork(3, 1, 1, [0, 1], [2, 2], [1.0, 1.0])  # h = -1 + x: 0 when x = 1
    assert net.predict(np.array([[0], [1]])).ravel().tolist() == [0, 0]


def test_class_outputs_take_the_argmax_of_the_fields():
    net = ThresholdNetwork(
        4, 1, 2, [0, 1, 0, 1], [2, 2, 3, 3], [0, 1.0, 0, -1.0], output_kind="class"
    )
    assert net.predict(np.array([[1], [0]])).tolist() == [[1, 0], [0, 1]]


def test_bad_structure_is_refused_with_a_reason():
    with pytest.raises(BtfsynthError, match="breaks the node order"):
        ThresholdNetwork(4, 1, 1, [3, 1], [2, 3], [1.0, 1.0])
    with pytest.raises(BtfsynthError, match="BTF node 2 has no in-edges"):
        ThresholdNetwork(4, 1, 1, [1], [3], [1.0])
    with pytest.raises(BtfsynthError, match="widths"):
        ThresholdNetwork.layered([3])


def test_json_round_trip_keeps_everything(tmp_path):
    net = ThresholdNetwork.layered([2, 3, 1], seed=1, input_names=("p", "q"))
    net.metadata["sigma"] = 3.0
    path = tmp_path / "net.json"
    net.save(path)
    back = ThresholdNetwork.load(path)
    assert np.array_equal(back.weights, net.weights) and np.array_equal(back.src, net.src)
    assert back.input_names == ("p", "q") and back.metadata["sigma"] == 3.0


def test_load_reads_the_network_key_of_a_model_file(tmp_path):
    net = majority3_network()
    path = tmp_path / "model.json"
    path.write_text(json.dumps({"solved": True, "network": net.to_dict()}))
    assert ThresholdNetwork.load(path).output_names == ("maj", "and")


@pytest.mark.parametrize(
    "text, message",
    [
        ("{", r"m\.json:1: invalid JSON"),
        ("[]", r"m\.json:1: expected a JSON object"),
        ('{"format": "other"}', "not a btfsynth network"),
        ('{"format": "btfsynth-network", "nodes": 3}', "missing the key"),
        (
            '{"format": "btfsynth-network", "nodes": 3, "inputs": 1, "outputs": 1,'
            ' "edges": [[2, 1, NaN]]}',
            r"bad network: edge 1 -> 2: weight nan is not finite",
        ),
        (
            '{"format": "btfsynth-network", "nodes": 3.5, "inputs": 1, "outputs": 1, "edges": []}',
            "nodes must be an integer",
        ),
        (
            '{"format": "btfsynth-network", "nodes": 1000000000000, "inputs": 1, "outputs": 1,'
            ' "edges": [[2, 1, 1.0]]}',
            "need 0 <= inputs < nodes",
        ),
        (
            '{"format": "btfsynth-network", "nodes": 3, "inputs": 1, "outputs": 1,'
            ' "edges": [[2, 0.5, 1.0]], "input_names": [1]}',
            "node numbers must be integers",
        ),
        (
            '{"format": "btfsynth-network", "nodes": 3, "inputs": 1, "outputs": 1,'
            ' "edges": [[2, 1, 1.0]], "input_names": [1]}',
            "input_names must be a list of strings",
        ),
    ],
)
def test_bad_network_files_give_one_line_errors(tmp_path, text, message):
    path = tmp_path / "m.json"
    path.write_text(text)
    with pytest.raises(FormatError, match=message):
        ThresholdNetwork.load(path)
