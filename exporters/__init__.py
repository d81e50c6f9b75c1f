"""File formats (import name ``btfsynth.exporters``): one module per format, each holding its
reader and its writer, plus dispatch by file extension.

Truth tables: ``.pla`` (Espresso), ``.dat`` (the reference implementation's data files).
Netlists: ``.blif``, ``.v`` (structural Verilog), ``.aag``/``.aig`` (AIGER), ``.json``;
``.dot`` is write-only. Models (threshold networks, learner results): ``model.py``. What a
command's file or spec holds, by extension and content: ``sources.py``.
"""

from __future__ import annotations

import importlib
import os

from btfsynth.errors import BtfsynthError, FormatError
from btfsynth.netlist import Netlist
from btfsynth.truthtable import TruthTable

TABLE_FORMATS = {".pla": "pla", ".dat": "boolearn"}
NETLIST_FORMATS = {
    ".blif": "blif",
    ".v": "verilog",
    ".aag": "aiger",
    ".aig": "aiger",
    ".json": "netjson",
    ".dot": "dot",
}
EXPORT_FORMATS = {**NETLIST_FORMATS, ".gv": "dot", ".svg": "svg", ".png": "png"}
"""What ``btfsynth export`` writes by extension: the netlist formats, DOT also as ``.gv``, and
the DOT drawing rendered by graphviz as SVG or PNG."""


def _module(table: dict[str, str], path: str | os.PathLike, what: str):
    ext = os.path.splitext(os.fspath(path))[1].lower()
    if ext not in table:
        known = ", ".join(sorted(table))
        raise FormatError(
            f"unknown {what} format {ext or '(no extension)'!r}; known: {known}", path
        )
    return importlib.import_module(f"btfsynth.exporters.{table[ext]}")


def is_table_file(source: str | os.PathLike) -> bool:
    """True when ``source`` names a truth table file by its extension."""
    return os.path.splitext(os.fspath(source))[1].lower() in TABLE_FORMATS


def read_table(path: str | os.PathLike) -> TruthTable:
    """A truth table from a ``.pla``/``.dat`` file, by extension (a file or a task spec:
    :func:`btfsynth.exporters.sources.read_table_or_task`)."""
    return _module(TABLE_FORMATS, path, "truth table").read_table(path)


def write_table(table: TruthTable, path: str | os.PathLike) -> None:
    """Write a truth table as PLA or .dat, by extension."""
    _module(TABLE_FORMATS, path, "truth table").write_table(table, path)


def read_netlist(path: str | os.PathLike) -> Netlist:
    """A netlist from any format with a reader, chosen by extension."""
    module = _module(NETLIST_FORMATS, path, "netlist")
    if not hasattr(module, "read_netlist"):
        raise BtfsynthError(f"{path}: {module.__name__.rsplit('.', 1)[1]} files cannot be read")
    return module.read_netlist(path)


def write_netlist(netlist: Netlist, path: str | os.PathLike, **options) -> None:
    """Write a netlist in the format named by the extension of ``path``."""
    _module(NETLIST_FORMATS, path, "netlist").write_netlist(netlist, path, **options)
