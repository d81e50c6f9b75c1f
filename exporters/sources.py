"""What a file the commands are given holds: a netlist, a learned model, or a network.

One home for "is this a model file": a JSON file is a model when it is a network
(``"format": "btfsynth-network"``), a learner result (``"format": "btfsynth-learn-result"``), or
a bare object with a ``network`` key; any other JSON file is a netlist.
"""

from __future__ import annotations

import os

from btfsynth.errors import reading
from btfsynth.files import parse_json, read_text
from btfsynth.netlist import Netlist
from btfsynth.network import ThresholdNetwork

MODEL_FORMATS = ("btfsynth-network", "btfsynth-learn-result")


def is_model(data: object) -> bool:
    """True for parsed JSON of a learned model (see the module docstring)."""
    return isinstance(data, dict) and (
        data.get("format") in MODEL_FORMATS or ("network" in data and "format" not in data)
    )


def read_circuit(path: str | os.PathLike) -> Netlist | ThresholdNetwork:
    """A netlist in any readable format, or the threshold network of a model JSON (a JSON
    file is read and parsed once)."""
    from . import read_netlist
    from .netjson import netlist_from_dict

    if os.path.splitext(os.fspath(path))[1].lower() != ".json":
        return read_netlist(path)
    with reading(path):
        text = read_text(path)
        data = parse_json(text, path)
        if is_model(data):
            return ThresholdNetwork.from_json(data, os.fspath(path), text)
        return netlist_from_dict(data, os.fspath(path), text)


def read_network(path: str | os.PathLike) -> ThresholdNetwork:
    """A threshold network: a model JSON, or a reference-implementation ``.net``/``.sol``."""
    if os.fspath(path).lower().endswith(".json"):
        return ThresholdNetwork.load(path)
    from .boolearn import read_network as read_boolearn

    return read_boolearn(path)
