"""A generated learning problem: :class:`Task`."""

from __future__ import annotations

from dataclasses import dataclass

from ..dataset import Dataset
from ..errors import BtfsynthError
from ..netlist import Netlist
from ..network import ThresholdNetwork
from ..truthtable import TruthTable
from .paper import PaperSettings


@dataclass(eq=False)
class Task:
    """A generated learning problem.

    ``data`` is a :class:`TruthTable`, or a :class:`Dataset` for generative tasks (no inputs);
    ``paper`` holds the network widths and RRR parameters the paper used for it, or None;
    ``planted`` / ``planted_network`` hold the circuit that generated the data of a planted
    task, as gates and as an equivalent ±1-pattern threshold network.
    """

    name: str
    spec: str
    data: TruthTable | Dataset
    paper: PaperSettings | None = None
    planted: Netlist | None = None
    planted_network: ThresholdNetwork | None = None

    @property
    def widths(self) -> list[int] | None:
        """The layer widths (inputs, hidden..., outputs) the paper used, or None."""
        return None if self.paper is None else list(self.paper.widths)

    @property
    def table(self) -> TruthTable:
        """The task's truth table; generative tasks have none (their inputs are free codes)."""
        if isinstance(self.data, Dataset):
            raise BtfsynthError(
                f"task {self.spec!r} is generative (no input data) and has no truth table"
            )
        return self.data

    @property
    def dataset(self) -> Dataset:
        """The task's items as the learner takes them."""
        return self.data if isinstance(self.data, Dataset) else Dataset.from_table(self.data)
