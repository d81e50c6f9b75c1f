"""ThresholdNetwork: structure, CSR views, forward pass and accuracy."""

import math

import numpy as np
import pytest

from btfsynth import BtfsynthError, ThresholdNetwork, TruthTable


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
