"""What the commands read: a truth table or task, the learner's items, a netlist or model, and a
network, each whatever file or spec holds it.

A truth table is a ``.pla``/``.dat`` file (by extension) or a task spec such as ``mult:2``
(:func:`btfsynth.tasks.from_spec`, which takes the task options). A JSON circuit is a model or
a netlist by its content (:func:`btfsynth.exporters.model.is_model`); other circuits go by
extension (:func:`btfsynth.exporters.read_netlist`).
"""

from __future__ import annotations

import os

from btfsynth.dataset import Dataset
from btfsynth.errors import FormatError, reading
from btfsynth.files import parse_json, read_text
from btfsynth.netlist import Netlist
from btfsynth.network import ThresholdNetwork
from btfsynth.tasks import Task, from_spec
from btfsynth.truthtable import TruthTable

from . import boolearn, is_table_file, read_netlist, read_table
from .model import is_model, network_from_json, read_network_json
from .netjson import netlist_from_dict


def read_table_or_task(source: str | os.PathLike, **task_options) -> TruthTable:
    """The truth table of a ``.pla``/``.dat`` file or of a task spec (``task_options`` go to
    the spec; a file takes none)."""
    if is_table_file(source):
        return read_table(source)
    return _task(source, task_options).table


def read_dataset(
    source: str | os.PathLike, code_width: int = 0, **task_options
) -> tuple[Dataset, list[int] | None]:
    """The learner's items in a ``.dat`` file (generative data too, with ``code_width``-bit
    codes), a ``.pla`` file or a task spec, and the task's paper widths (None for a file)."""
    items, task = read_items(source, code_width, **task_options)
    return items, None if task is None else task.widths


def read_items(
    source: str | os.PathLike, code_width: int = 0, **task_options
) -> tuple[Dataset, Task | None]:
    """As :func:`read_dataset`, with the task itself (None for a file), whose ``paper``
    settings give the network and the RRR parameters the paper used."""
    if os.fspath(source).lower().endswith(".dat"):
        return boolearn.read_dataset(source, code_width), None
    if is_table_file(source):
        return Dataset.from_table(read_table(source)), None
    task = _task(source, task_options)
    return task.dataset, task


def _task(source: str | os.PathLike, task_options: dict) -> Task:
    text = os.fspath(source)
    if os.path.exists(text) or ":" not in text:
        raise FormatError(
            "not a truth table: expected a .pla or .dat file, or a task spec such as mult:2",
            text,
        )
    return from_spec(text, **task_options)


def read_circuit(path: str | os.PathLike) -> Netlist | ThresholdNetwork:
    """A netlist in any readable format, or the threshold network of a model JSON (a JSON
    file is read and parsed once)."""
    if os.path.splitext(os.fspath(path))[1].lower() != ".json":
        return read_netlist(path)
    with reading(path):
        text = read_text(path)
        data = parse_json(text, path)
        if is_model(data):
            return network_from_json(data, os.fspath(path), text)
        return netlist_from_dict(data, os.fspath(path), text)


def read_network(path: str | os.PathLike) -> ThresholdNetwork:
    """A threshold network: a model JSON, or a reference-implementation ``.net``/``.sol``."""
    if os.fspath(path).lower().endswith(".json"):
        return read_network_json(path)
    return boolearn.read_network(path)
