"""Training data for the learner, beyond what a truth table holds (docs/method.md §8).

A :class:`TruthTable` is binary in and out. The paper's experiments also use analog inputs in
[0, 1], class labels (one-hot over c outputs, scored by argmax) and generative problems whose
inputs are free codes (no input data: each item's input nodes are projected to the hypercube
or to one-hot). :class:`Dataset` holds all of these; binary ones convert to and from tables.

Binary targets may carry a care mask, as a truth table's don't-cares: the learner imposes only
the cared targets of an item (an output whose target is a don't-care is left free, method.md
§4) and scores only the cared bits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import BtfsynthError
from .truthtable import TruthTable

INPUT_KINDS = ("binary", "analog", "hypercube", "onehot")
OUTPUT_KINDS = ("binary", "class")


@dataclass(eq=False)
class Dataset:
    """Items for the learner: ``inputs`` (items × n_inputs floats in [0, 1]; items × 0 for the
    generative kinds ``hypercube`` and ``onehot``), ``targets`` (items × n_outputs, 0/1; one-hot
    rows for ``class`` outputs) and ``care`` (items × n_outputs, False where a binary target is
    a don't-care; None when every target is cared for, the common case, which costs nothing)."""

    inputs: np.ndarray
    targets: np.ndarray
    n_inputs: int
    input_kind: str = "binary"
    output_kind: str = "binary"
    input_names: tuple[str, ...] = ()
    output_names: tuple[str, ...] = ()
    care: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.inputs = np.asarray(self.inputs, dtype=np.float64)
        self.targets = np.asarray(self.targets, dtype=np.uint8)
        if self.input_kind not in INPUT_KINDS or self.output_kind not in OUTPUT_KINDS:
            raise BtfsynthError(f"unknown data kind {self.input_kind}/{self.output_kind}")
        generative = self.input_kind in ("hypercube", "onehot")
        expected = 0 if generative else self.n_inputs
        if self.inputs.ndim != 2 or self.inputs.shape != (len(self.targets), expected):
            raise BtfsynthError(
                f"inputs of shape {self.inputs.shape} for {len(self.targets)} items of "
                f"{expected} {self.input_kind} inputs"
            )
        if np.any((self.inputs < 0) | (self.inputs > 1)):
            raise BtfsynthError("input values must lie in [0, 1]")
        if self.output_kind == "class" and np.any(self.targets.sum(axis=1) != 1):
            raise BtfsynthError("class targets must be one-hot rows")
        if self.care is not None:
            self.care = np.ascontiguousarray(np.asarray(self.care, dtype=bool))
            if self.care.shape != self.targets.shape:
                raise BtfsynthError(
                    f"a care mask of shape {self.care.shape} for targets of shape "
                    f"{self.targets.shape}"
                )
            if self.output_kind == "class" and not self.care.all():
                raise BtfsynthError("class targets have no don't-cares")
        self.input_names = tuple(self.input_names) or tuple(f"x{j}" for j in range(self.n_inputs))
        self.output_names = tuple(self.output_names) or tuple(
            f"y{k}" for k in range(self.n_outputs)
        )

    @property
    def n_items(self) -> int:
        return len(self.targets)

    @property
    def n_outputs(self) -> int:
        return self.targets.shape[1]

    @property
    def is_generative(self) -> bool:
        return self.input_kind in ("hypercube", "onehot")

    @property
    def has_dont_cares(self) -> bool:
        return self.care is not None and not bool(self.care.all())

    def signed_inputs(self) -> np.ndarray:
        """Input node values in the learner's convention: 2v − 1 (True = +1, False = −1)."""
        return 2.0 * self.inputs - 1.0

    def signed_targets(self) -> np.ndarray:
        """Output targets as ±1."""
        return 2.0 * self.targets - 1.0

    def take(self, index) -> Dataset:
        """The items at ``index`` (a slice, mask or index array)."""
        return Dataset(
            self.inputs[index],
            self.targets[index],
            self.n_inputs,
            self.input_kind,
            self.output_kind,
            self.input_names,
            self.output_names,
            None if self.care is None else self.care[index],
        )

    @classmethod
    def from_table(cls, table: TruthTable, output_kind: str = "binary") -> Dataset:
        """The rows of a truth table as items, with the table's care mask (None when it has no
        don't-cares). Rows whose outputs are all don't-cares are left out (they constrain
        nothing); a row with some don't-care outputs trains on its cared ones."""
        keep, care = slice(None), None
        if table.has_dont_cares:
            keep = table.care.any(axis=1) | (table.n_outputs == 0)
            care = table.care[keep]
        return cls(
            table.inputs[keep],
            table.outputs[keep],
            table.n_inputs,
            "binary",
            output_kind,
            table.input_names,
            table.output_names,
            None if care is None or care.all() else care,
        )

    def to_table(self, name: str = "table") -> TruthTable:
        """The items as a truth table (binary inputs only)."""
        if self.input_kind != "binary":
            raise BtfsynthError(f"{self.input_kind} inputs do not make a truth table")
        return TruthTable(
            self.inputs.astype(np.uint8),
            self.targets,
            self.care,
            self.input_names,
            self.output_names,
            name,
        )
