"""What a file the commands are given holds: a netlist, a learned model, or a network.

One home for "is this a model file": a JSON file is a model when it is a network
(``"format": "btfsynth-network"``), a learner result (``"format": "btfsynth-learn-result"``), or
a bare object with a ``network`` key; any other JSON file is a netlist.
"""

from __future__ import annotations

import os

from btfsynth.files import read_json
from btfsynth.netlist import Netlist
from btfsynth.network import ThresholdNetwork

MODEL_FORMATS = ("btfsynth-network", "btfsynth-learn-result")


def is_model(data: object) -> bool:
    """True for parsed JSON of a learned model (see the module docstring)."""
    return isinstance(data, dict) and (
        data.get("format") in MODEL_FORMATS or ("network" in data and "format" not in data)
    )


def is_model_file(path: str | os.PathLike) -> bool:
    """True when ``path`` is a JSON file holding a learned model."""
    return os.path.splitext(os.fspath(path))[1].lower() == ".json" and is_model(read_json(path))


def read_circuit(path: str | os.PathLike) -> Netlist | ThresholdNetwork:
    """A netlist in any readable format, or the threshold network of a model JSON."""
    from . import read_netlist

    return ThresholdNetwork.load(path) if is_model_file(path) else read_netlist(path)


def read_network(path: str | os.PathLike) -> ThresholdNetwork:
    """A threshold network: a model JSON, or a reference-implementation ``.net``/``.sol``."""
    if os.fspath(path).lower().endswith(".json"):
        return ThresholdNetwork.load(path)
    from .boolearn import read_network as read_boolearn

    return read_boolearn(path)
