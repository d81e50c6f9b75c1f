"""Netlists as JSON: the IR one to one, for tools and for lossless round trips.

``{"format": "btfsynth-netlist", "version": 1, "name": ..., "gates": [...], "outputs": [...]}``
where each gate is ``{"kind": "and", "fanins": [[gate, inverted], ...]}`` plus ``name``,
``weights``/``threshold`` (THRESHOLD) or ``cover``/``onset`` (SOP) where they apply, and each
output is ``{"name": ..., "gate": ..., "inverted": ...}``. Gates are in topological order.
"""

from __future__ import annotations

import json
import os
import re

from btfsynth import files, jsonfile, limits
from btfsynth.errors import BtfsynthError, FormatError, reading
from btfsynth.files import read_text, write_text
from btfsynth.netlist import Gate, Kind, Netlist, Signal

FORMAT = "btfsynth-netlist"


def netlist_to_dict(netlist: Netlist) -> dict:
    """A JSON-ready description of ``netlist``."""
    gates = []
    for g in netlist.gates:
        item: dict = {"kind": g.kind.value}
        if g.fanins:
            item["fanins"] = [[f.gate, f.inverted] for f in g.fanins]
        if g.name is not None:
            item["name"] = g.name
        if g.kind is Kind.THRESHOLD:
            item["weights"], item["threshold"] = list(g.weights), g.threshold
        if g.kind is Kind.SOP:
            item["cover"], item["onset"] = list(g.cover), g.onset
        gates.append(item)
    outputs = [
        {"name": name, "gate": s.gate, "inverted": s.inverted}
        for name, s in zip(netlist.output_names, netlist.outputs)
    ]
    return {
        "format": FORMAT,
        "version": 1,
        "name": netlist.name,
        "gates": gates,
        "outputs": outputs,
    }


def netlist_from_dict(
    data: dict, path: str | os.PathLike | None = None, text: str | None = None
) -> Netlist:
    """Inverse of :func:`netlist_to_dict`; problems are reported as :class:`FormatError`
    naming the gate or output at fault, and its line when the JSON ``text`` is given. The
    gate and input counts are checked against the caps of :mod:`btfsynth.limits` first."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise FormatError(f'not a btfsynth netlist (missing "format": "{FORMAT}")', path, 1)
    netlist = Netlist(name=str(data.get("name", "top")))
    where: tuple = ()
    try:
        gates, outputs = data["gates"], data["outputs"]
        for key, value in (("gates", gates), ("outputs", outputs)):
            where = (key,)
            if not isinstance(value, list) or not all(isinstance(x, dict) for x in value):
                raise ValueError(f'"{key}" must be a list of objects')
        limits.check("gates", len(gates), "gates", path, jsonfile.locate(text, ("gates",)))
        inputs = sum(item.get("kind") == Kind.INPUT.value for item in gates)
        limits.check("inputs", inputs, "inputs", path, jsonfile.locate(text, ("gates",)))
        for i, item in enumerate(gates):
            where = ("gates", i)
            fanins = tuple(_signal(f) for f in _list(item.get("fanins", []), "fanins"))
            name = item.get("name")
            if name is not None and not isinstance(name, str):
                raise ValueError(f"name must be a string, not {name!r:.40}")
            netlist.add(
                Gate(
                    Kind(item["kind"]),
                    fanins,
                    name=name,
                    weights=tuple(
                        _int(w, "weight") for w in _list(item.get("weights", []), "weights")
                    ),
                    threshold=_int(item.get("threshold", 0), "threshold"),
                    cover=tuple(str(c) for c in _list(item.get("cover", []), "cover")),
                    onset=_bool(item.get("onset", True)),
                )
            )
        for k, item in enumerate(outputs):
            where = ("outputs", k)
            signal = Signal(_int(item["gate"], "gate"), _bool(item.get("inverted", False)))
            name = str(item["name"])
            if not 0 <= signal.gate < len(netlist.gates):
                raise ValueError(f"output {name} refers to missing gate {signal.gate}")
            netlist.add_output(signal, name)
        where = ()
        return netlist.validate()
    except KeyError as exc:
        message = f"{_describe(where)} is missing the key {exc.args[0]!r:.60}"
    except FormatError:
        raise
    except (BtfsynthError, TypeError, ValueError, OverflowError) as exc:
        message = f"{_describe(where)}: {exc}"
        gate = re.match(r"gate (\d+) ", str(exc))  # Netlist.validate names the gate
        if not where and gate:
            where = ("gates", int(gate.group(1)))
    raise FormatError(message, path, jsonfile.locate(text, where))


def _describe(where: tuple) -> str:
    """``gate 3``, ``output 0``, ``"gates"`` or ``netlist``: what an error is about."""
    if len(where) == 2:
        return f"{'gate' if where[0] == 'gates' else 'output'} {where[1]}"
    return f'"{where[0]}"' if where else "netlist"


def _list(value, what: str) -> list:
    if not isinstance(value, list):
        raise ValueError(f"{what} must be a list, not {value!r:.40}")
    return value


def _int(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} must be an integer, not {value!r:.40}")
    return value


def _signal(value) -> Signal:
    if not isinstance(value, list) or len(value) != 2:
        raise ValueError(f"a fan-in must be [gate, inverted], not {value!r:.40}")
    return Signal(_int(value[0], "a fan-in gate"), _bool(value[1]))


def _bool(value) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, not {value!r:.40}")
    return value


def format_json(netlist: Netlist, source: str | None = None) -> str:
    data = netlist_to_dict(netlist)
    if source:
        data["source"] = source
    return json.dumps(data, indent=1) + "\n"


def parse_json(text: str, path: str | os.PathLike | None = None) -> Netlist:
    return netlist_from_dict(files.parse_json(text, path), path, text)


def write_netlist(netlist: Netlist, path: str | os.PathLike, source: str | None = None) -> None:
    """Write ``netlist`` as JSON (atomically), recording ``source`` when given."""
    write_text(path, format_json(netlist, source))


def read_netlist(path: str | os.PathLike) -> Netlist:
    with reading(path):
        return parse_json(read_text(path), os.fspath(path))
