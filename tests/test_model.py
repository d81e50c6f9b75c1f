"""Model JSON (btfsynth.exporters.model): networks and learner results, located errors."""

import json

import numpy as np
import pytest

from btfsynth import FormatError, ThresholdNetwork
from btfsynth.exporters.model import network_to_dict, read_network_json, write_network


def test_json_round_trip_keeps_everything(tmp_path):
    net = ThresholdNetwork.layered([2, 3, 1], seed=1, input_names=("p", "q"))
    net.metadata["sigma"] = 3.0
    path = tmp_path / "net.json"
    write_network(net, path)
    back = read_network_json(path)
    assert np.array_equal(back.weights, net.weights) and np.array_equal(back.src, net.src)
    assert back.input_names == ("p", "q") and back.metadata["sigma"] == 3.0


def test_the_network_key_of_a_model_file_reads_as_a_network(tmp_path):
    net = ThresholdNetwork.layered([3, 2], seed=0, output_names=("maj", "and"))
    path = tmp_path / "model.txt"  # a model JSON whatever its extension
    path.write_text(json.dumps({"solved": True, "network": network_to_dict(net)}))
    assert read_network_json(path).output_names == ("maj", "and")


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
        read_network_json(path)
