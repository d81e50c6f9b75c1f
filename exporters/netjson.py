"""Netlists as JSON: the IR one to one, for tools and for lossless round trips.

``{"format": "btfsynth-netlist", "version": 1, "name": ..., "gates": [...], "outputs": [...]}``
where each gate is ``{"kind": "and", "fanins": [[gate, inverted], ...]}`` plus ``name``,
``weights``/``threshold`` (THRESHOLD) or ``cover``/``onset`` (SOP) where they apply, and each
output is ``{"name": ..., "gate": ..., "inverted": ...}``. Gates are in topological order.
"""

from __future__ import annotations

import json
import os

from btfsynth import files
from btfsynth.errors import BtfsynthError, FormatError
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


def netlist_from_dict(data: dict, path: str | os.PathLike | None = None) -> Netlist:
    """Inverse of :func:`netlist_to_dict`; problems are reported as :class:`FormatError`."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise FormatError(f'not a btfsynth netlist (missing "format": "{FORMAT}")', path)
    netlist = Netlist(name=str(data.get("name", "top")))
    where = "netlist"
    try:
        for i, item in enumerate(data["gates"]):
            where = f"gate {i}"
            fanins = tuple(Signal(int(g), _bool(inv)) for g, inv in item.get("fanins", ()))
            netlist.add(
                Gate(
                    Kind(item["kind"]),
                    fanins,
                    name=item.get("name"),
                    weights=tuple(int(w) for w in item.get("weights", ())),
                    threshold=int(item.get("threshold", 0)),
                    cover=tuple(str(c) for c in item.get("cover", ())),
                    onset=_bool(item.get("onset", True)),
                )
            )
        for k, item in enumerate(data["outputs"]):
            where = f"output {k}"
            netlist.add_output(
                Signal(int(item["gate"]), _bool(item.get("inverted", False))), str(item["name"])
            )
        where = "netlist"
        return netlist.validate()
    except KeyError as exc:
        raise FormatError(f"{where} is missing the key {exc.args[0]!r}", path) from None
    except (BtfsynthError, TypeError, ValueError, AttributeError) as exc:
        raise FormatError(f"{where}: {exc}", path) from None


def _bool(value) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, not {value!r}")
    return value


def format_json(netlist: Netlist, source: str | None = None) -> str:
    data = netlist_to_dict(netlist)
    if source:
        data["source"] = source
    return json.dumps(data, indent=1) + "\n"


def parse_json(text: str, path: str | os.PathLike | None = None) -> Netlist:
    return netlist_from_dict(files.parse_json(text, path), path)


def write_netlist(netlist: Netlist, path: str | os.PathLike, source: str | None = None) -> None:
    """Write ``netlist`` as JSON (atomically), recording ``source`` when given."""
    write_text(path, format_json(netlist, source))


def read_netlist(path: str | os.PathLike) -> Netlist:
    return parse_json(read_text(path), os.fspath(path))
