"""Model JSON: a threshold network (``"format": "btfsynth-network"``) and a learner result
(``"format": "btfsynth-learn-result"``, holding the snapped ``network`` and the ``raw_network``).

A network's edges are ``[receiving, sending, weight]`` as in ``.net`` files. Reading checks
every field with its ``file:line`` (:func:`btfsynth.jsonfile.locate`) and the sizes against the
caps of :mod:`btfsynth.limits` before anything is allocated for them. A JSON file is a model
when it is a network, a learner result, or a bare object with a ``network`` key
(:func:`is_model`); any other JSON file is a netlist (:mod:`btfsynth.exporters.netjson`).
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

import numpy as np

from btfsynth import jsonfile, limits
from btfsynth.errors import BtfsynthError, FormatError, reading
from btfsynth.files import parse_json, read_text, write_text
from btfsynth.network import MAX_NODES, OUTPUT_KINDS, ThresholdNetwork

if TYPE_CHECKING:  # the learner imports numba: read_result imports it only when called
    from btfsynth.rrr import LearnResult

NETWORK_FORMAT = "btfsynth-network"
RESULT_FORMAT = "btfsynth-learn-result"
MODEL_FORMATS = (NETWORK_FORMAT, RESULT_FORMAT)


def is_model(data: object) -> bool:
    """True for parsed JSON of a learned model (see the module docstring)."""
    return isinstance(data, dict) and (
        data.get("format") in MODEL_FORMATS or ("network" in data and "format" not in data)
    )


# -- networks ------------------------------------------------------------------------------------
def network_to_dict(network: ThresholdNetwork) -> dict:
    """A JSON-ready description of ``network``."""
    return {
        "format": NETWORK_FORMAT,
        "version": 1,
        "nodes": network.n_nodes,
        "inputs": network.n_inputs,
        "outputs": network.n_outputs,
        "input_names": list(network.input_names),
        "output_names": list(network.output_names),
        "output_kind": network.output_kind,
        "metadata": network.metadata,
        "edges": [
            [int(d), int(s), float(w)] for d, s, w in zip(network.dst, network.src, network.weights)
        ],
    }


def write_network(network: ThresholdNetwork, path: str | os.PathLike) -> None:
    """Write ``network`` as JSON (atomically)."""
    write_text(path, json.dumps(network_to_dict(network), indent=1) + "\n")


def read_network_json(path: str | os.PathLike) -> ThresholdNetwork:
    """The network of a model JSON file (a network, or the ``network`` of a learner result),
    whatever its extension."""
    with reading(path):
        text = read_text(path)
        return network_from_json(parse_json(text, path), os.fspath(path), text)


def network_from_json(
    data: object, path: str | None = None, text: str | None = None
) -> ThresholdNetwork:
    """The network of parsed model JSON: a network, or the ``network`` key of a learner
    result (``text``, when given, locates errors)."""
    at: tuple = ()
    is_network = isinstance(data, dict) and data.get("format") == NETWORK_FORMAT
    if isinstance(data, dict) and "network" in data and not is_network:
        data, at = data["network"], ("network",)
    if not isinstance(data, dict):
        raise FormatError("expected a JSON object", path, jsonfile.locate(text, at) or 1)
    return _network(data, path, text, at)


def _network(data: dict, path: str | None, text: str | None, at: tuple) -> ThresholdNetwork:
    """Inverse of :func:`network_to_dict`; problems are reported as :class:`FormatError`,
    with their line when the JSON ``text`` is given (``at``: where ``data`` sits in it).

    Inputs are checked against the cap ``inputs``, edges against ``gates``, and the BTF nodes
    against the edges (each needs an in-edge), all before anything is allocated for them.
    """
    if not isinstance(data, dict) or data.get("format") != NETWORK_FORMAT:
        raise FormatError(
            f'not a btfsynth network (missing "format": "{NETWORK_FORMAT}")',
            path,
            jsonfile.locate(text, at),
        )
    where: tuple = ()
    try:
        sizes = []
        for key in ("nodes", "inputs", "outputs"):
            where = (key,)
            sizes.append(_exact_int(data[key], key))
        nodes, inputs, _ = sizes
        where = ("inputs",)
        limits.check("inputs", inputs, "inputs", path, jsonfile.locate(text, at + where))
        where = ("edges",)
        raw = data["edges"]
        if not isinstance(raw, list):
            raise BtfsynthError("edges must be a list of [receiving, sending, weight]")
        limits.check("edges", len(raw), "gates", path, jsonfile.locate(text, at + where))
        if nodes <= MAX_NODES and nodes - inputs - 1 > len(raw):  # else the network says why
            raise BtfsynthError(
                f"{nodes} nodes and {inputs} inputs make {nodes - inputs - 1} BTF nodes, "
                f"but there are only {len(raw)} edges (each BTF node needs one)"
            )
        for e, edge in enumerate(raw):
            if not isinstance(edge, list) or len(edge) != 3:
                where = ("edges", e)
                raise BtfsynthError("an edge must be [receiving, sending, weight]")
        edges = np.asarray(raw, dtype=np.float64).reshape(len(raw), 3)
        ends = edges[:, :2]
        fine = np.isfinite(ends) & (ends == np.round(ends)) & (np.abs(ends) < 2**53)
        if not np.all(fine):
            where = ("edges", int(np.flatnonzero(~fine.all(axis=1))[0]))
            raise BtfsynthError("edge node numbers must be integers")
        names = {}
        for key in ("input_names", "output_names"):
            where = (key,)
            value = data.get(key, [])
            if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
                raise BtfsynthError(f"{key} must be a list of strings")
            names[key] = tuple(value)
        where = ("metadata",)
        metadata = data.get("metadata", {})
        if not isinstance(metadata, dict):
            raise BtfsynthError("metadata must be an object")
        where = ("output_kind",)
        kind = data.get("output_kind", "binary")
        if not isinstance(kind, str):
            raise BtfsynthError(f"output_kind must be one of {OUTPUT_KINDS}")
        where = _first_bad_edge(edges, inputs + 1, nodes)
        return ThresholdNetwork(
            *sizes,
            ends[:, 1].astype(np.int64),
            ends[:, 0].astype(np.int64),
            edges[:, 2],
            names["input_names"],
            names["output_names"],
            kind,
            dict(metadata),
        )
    except KeyError as exc:
        message = f"network is missing the key {exc.args[0]!r}"
        where = ()
    except FormatError:
        raise
    except (BtfsynthError, TypeError, ValueError, OverflowError) as exc:
        message = f"bad network: {exc}"
        if where and where[0] == "edges" and len(where) == 2 and "edge" not in str(exc):
            where = ()  # the network refused something else than the edge found
    line = jsonfile.locate(text, at + where) if where else jsonfile.locate(text, at)
    raise FormatError(message, path, line)


def _first_bad_edge(edges: np.ndarray, first: int, nodes: int) -> tuple:
    """``("edges", e)`` for the first edge the network will refuse (a weight that is not
    finite, or ends out of node order), else ``()``: where its error points."""
    dst, src = edges[:, 0], edges[:, 1]
    bad = ~np.isfinite(edges[:, 2]) | (dst < first) | (dst >= nodes) | (src < 0) | (src >= dst)
    return ("edges", int(np.flatnonzero(bad)[0])) if bad.any() else ()


def _exact_int(value: object, key: str) -> int:
    """An int from JSON, refusing floats with fractions, strings and booleans."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise BtfsynthError(f"{key} must be an integer, not {value!r}")
    return value


# -- learner results -----------------------------------------------------------------------------
def result_to_dict(result: LearnResult) -> dict:
    """A JSON-ready description of a learner result."""
    data = {
        "format": RESULT_FORMAT,
        "version": 1,
        "solved": result.solved,
        "iterations": result.iterations,
        "seconds": result.seconds,
        "seed": result.seed,
        "train_accuracy": result.train_accuracy,
        "exact_on_train": result.exact_on_train,
        "test_accuracy": result.test_accuracy,
        "interrupted": result.interrupted,
        "out_of_time": result.out_of_time,
        "params": result.params,
        "runs": result.runs,
        "history": result.history,
        "network": network_to_dict(result.network),
        "raw_network": network_to_dict(result.raw_network),
    }
    if result.codes is not None:
        data["codes"] = result.codes
    return data


def write_result(result: LearnResult, path: str | os.PathLike) -> None:
    """Write a learner result as JSON (atomically; a number that is not finite is an error)."""
    write_text(path, json.dumps(result_to_dict(result), indent=1, allow_nan=False) + "\n")


def read_result(path: str | os.PathLike) -> LearnResult:
    """A learner result written by :func:`write_result`; errors carry their ``file:line``."""
    text = read_text(path)
    return _result(parse_json(text, path), os.fspath(path), text)


def _result(data: object, path: str, text: str) -> LearnResult:
    """Inverse of :func:`result_to_dict`."""
    from btfsynth.rrr import LearnResult

    if not isinstance(data, dict) or data.get("format") != RESULT_FORMAT:
        raise FormatError("not a btfsynth learn result", path, jsonfile.locate(text, ()))
    try:
        train_accuracy = float(data["train_accuracy"])
        test_accuracy = data["test_accuracy"]
        return LearnResult(
            network=_network(data["network"], path, text, ("network",)),
            raw_network=_network(data["raw_network"], path, text, ("raw_network",)),
            solved=bool(data["solved"]),
            iterations=int(data["iterations"]),
            seconds=float(data["seconds"]),
            seed=int(data["seed"]),
            train_accuracy=train_accuracy,
            test_accuracy=None if test_accuracy is None else float(test_accuracy),
            params=dict(data["params"]),
            history=list(data["history"]),
            runs=list(data.get("runs", [])),
            interrupted=bool(data.get("interrupted", False)),
            out_of_time=bool(data.get("out_of_time", False)),
            codes=data.get("codes"),
            # files written before the flag existed: the accuracy says the same
            exact_on_train=bool(data.get("exact_on_train", train_accuracy == 1.0)),
        )
    except KeyError as exc:
        line = jsonfile.locate(text, ())
        raise FormatError(f"learn result is missing the key {exc.args[0]!r}", path, line) from None
    except (TypeError, ValueError) as exc:
        raise FormatError(f"bad learn result: {exc}", path, jsonfile.locate(text, ())) from None
