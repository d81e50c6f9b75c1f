"""Truth tables: rows of input bits and output bits, complete or sampled, with don't-cares.

Conventions (docs/design.md): bits are 0/1 ``uint8``; in a complete table row ``r`` assigns input
``j`` the bit ``(r >> (n - 1 - j)) & 1`` (the first input is the most significant bit); packed
bit planes hold row ``r`` in bit ``r % 64`` of word ``r // 64``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .errors import BtfsynthError, first_duplicate
from .limits import MAX_COMPLETE_INPUTS  # defined with the other size limits

Seed = int | np.random.Generator | None


def rng_from(seed: Seed) -> np.random.Generator:
    """A numpy Generator from an int seed, a Generator (used as is) or None (seed 0)."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(0 if seed is None else seed)


def check_complete_size(n_inputs: int) -> None:
    """Refuse a complete table over more than :data:`MAX_COMPLETE_INPUTS` inputs, before any
    memory is taken."""
    if n_inputs > MAX_COMPLETE_INPUTS:
        raise BtfsynthError(
            f"a complete table over {n_inputs} inputs has 2^{n_inputs} rows; "
            f"the limit is 2^{MAX_COMPLETE_INPUTS}"
        )


def all_input_rows(n_inputs: int) -> np.ndarray:
    """All 2**n input patterns in canonical order, shape (2**n, n), first input the MSB."""
    check_complete_size(n_inputs)
    size = 1 << n_inputs
    rows = np.empty((size, n_inputs), dtype=np.uint8)
    block = 1 << 16  # keeps the 32-bit unpacking temporaries small
    for start in range(0, size, block):
        numbers = np.arange(start, min(start + block, size), dtype=">u4").view(np.uint8)
        bits = np.unpackbits(numbers.reshape(-1, 4), axis=1)
        rows[start : start + len(bits)] = bits[:, 32 - n_inputs :]
    return rows


def row_numbers(inputs: np.ndarray) -> np.ndarray:
    """Canonical row number of every input row (first input the MSB); needs n <= 62."""
    n = inputs.shape[1]
    if n > 62:
        raise BtfsynthError(f"row numbers need at most 62 inputs, not {n}")
    packed = np.packbits(np.asarray(inputs, dtype=np.uint8), axis=1)  # MSB-first bytes
    words = np.zeros((len(inputs), 8), dtype=np.uint8)
    words[:, 8 - packed.shape[1] :] = packed
    return (words.view(">u8")[:, 0] >> np.uint64(8 * packed.shape[1] - n)).astype(np.int64)


def pack_bits(bits: np.ndarray) -> np.ndarray:
    """Pack a (rows, k) 0/1 array into k bit planes of uint64 words, shape (k, ceil(rows/64)).

    Row ``r`` goes to bit ``r % 64`` of word ``r // 64``; padding bits are 0.

    >>> pack_bits(np.array([[1], [0], [1]], dtype=np.uint8))
    array([[5]], dtype=uint64)
    """
    bits = np.asarray(bits, dtype=np.uint8)
    rows, k = bits.shape
    words = (rows + 63) // 64
    padded = np.zeros((k, words * 64), dtype=np.uint8)
    padded[:, :rows] = bits.T
    as_bytes = np.packbits(padded.reshape(k, words * 8, 8), axis=2, bitorder="little")
    return as_bytes.reshape(k, words * 8).view("<u8").astype(np.uint64)


def unpack_bits(planes: np.ndarray, rows: int) -> np.ndarray:
    """Inverse of :func:`pack_bits`: (k, words) uint64 planes to a (rows, k) 0/1 uint8 array."""
    planes = np.ascontiguousarray(planes, dtype="<u8")
    k = planes.shape[0]
    as_bytes = planes.view(np.uint8).reshape(k, -1)
    bits = np.unpackbits(as_bytes, axis=1, bitorder="little")[:, :rows]
    return np.ascontiguousarray(bits.T)


def row_keys(inputs: np.ndarray) -> np.ndarray:
    """One sortable key per input row: its row number up to 62 inputs (fast integer sorts),
    else the bytes of the packed row."""
    if inputs.shape[1] <= 62:
        return row_numbers(inputs)
    packed = np.ascontiguousarray(np.packbits(inputs, axis=1))
    return packed.view(np.dtype((np.void, packed.shape[1])))[:, 0]


def find_conflict(
    inputs: np.ndarray, outputs: np.ndarray, care: np.ndarray
) -> tuple[int, int] | None:
    """The first pair of row indices (i < j) with equal inputs and conflicting cared outputs."""
    if len(inputs) < 2:
        return None
    keys = row_keys(inputs)
    order = np.argsort(keys, kind="stable")
    same = keys[order[1:]] == keys[order[:-1]]
    for pos in np.flatnonzero(same):
        a, b = order[pos], order[pos + 1]
        both = care[a] & care[b]
        if np.any(both & (outputs[a] != outputs[b])):
            return (int(min(a, b)), int(max(a, b)))
    # Runs of three or more equal rows: compare every row of a run to its first row.
    if np.any(same[1:] & same[:-1]):
        first = {}
        for idx in order:
            key = keys[idx].tobytes()
            j = first.setdefault(key, idx)
            if j != idx and np.any(care[j] & care[idx] & (outputs[j] != outputs[idx])):
                return (int(min(j, idx)), int(max(j, idx)))
    return None


def _bits(row: np.ndarray) -> str:
    return "".join(map(str, row.tolist()))


@dataclass(eq=False)
class TruthTable:
    """A Boolean relation given by rows: inputs (rows×n) → outputs (rows×m), with a care mask.

    ``care[r, k]`` is False where output ``k`` of row ``r`` is a don't-care. Rows may be any
    subset of the input space (a sampled table) or all of it (a complete table).

    >>> t = TruthTable.from_function(2, 1, lambda a, b: a & b)
    >>> t.outputs[:, 0].tolist(), t.is_complete
    ([0, 0, 0, 1], True)
    """

    inputs: np.ndarray
    outputs: np.ndarray
    care: np.ndarray | None = None
    input_names: tuple[str, ...] = ()
    output_names: tuple[str, ...] = ()
    name: str = "table"
    _complete: bool | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.inputs = np.ascontiguousarray(np.asarray(self.inputs, dtype=np.uint8))
        self.outputs = np.ascontiguousarray(np.asarray(self.outputs, dtype=np.uint8))
        if self.inputs.ndim != 2 or self.outputs.ndim != 2:
            raise BtfsynthError("inputs and outputs must be 2-D arrays (rows × bits)")
        if len(self.inputs) != len(self.outputs):
            raise BtfsynthError(
                f"{len(self.inputs)} input rows but {len(self.outputs)} output rows"
            )
        if self.care is None:
            self.care = np.ones(self.outputs.shape, dtype=bool)
        self.care = np.ascontiguousarray(np.asarray(self.care, dtype=bool))
        if self.care.shape != self.outputs.shape:
            raise BtfsynthError("the care mask must have the shape of the outputs")
        if self.inputs.max(initial=0) > 1 or self.outputs.max(initial=0) > 1:
            raise BtfsynthError("truth table bits must be 0 or 1")
        n, m = self.inputs.shape[1], self.outputs.shape[1]
        self.input_names = tuple(self.input_names) or tuple(f"x{j}" for j in range(n))
        self.output_names = tuple(self.output_names) or tuple(f"y{k}" for k in range(m))
        if len(self.input_names) != n or len(self.output_names) != m:
            raise BtfsynthError(
                f"{len(self.input_names)} input names for {n} inputs, "
                f"{len(self.output_names)} output names for {m} outputs"
            )
        for kind, names in (("input", self.input_names), ("output", self.output_names)):
            if len(set(names)) != len(names):
                dup = first_duplicate(names)
                raise BtfsynthError(f"duplicate {kind} name {dup!r}")
        # Canonical complete tables (built here with _complete=True) have distinct rows.
        conflict = None if self._complete else find_conflict(self.inputs, self.outputs, self.care)
        if conflict is not None:
            i, j = conflict
            raise BtfsynthError(
                f"rows {i} and {j} have the same inputs {_bits(self.inputs[i])} but conflicting "
                f"outputs {_bits(self.outputs[i])} and {_bits(self.outputs[j])}"
            )

    # -- shape -------------------------------------------------------------------------------
    @property
    def n_inputs(self) -> int:
        return self.inputs.shape[1]

    @property
    def n_outputs(self) -> int:
        return self.outputs.shape[1]

    @property
    def n_rows(self) -> int:
        return self.inputs.shape[0]

    def __len__(self) -> int:
        return self.n_rows

    @property
    def has_dont_cares(self) -> bool:
        return not bool(self.care.all())

    def distinct_rows(self) -> int:
        """How many different input rows the table has (repeated rows count once here; as
        rows, in accuracies and in training, every repeat counts)."""
        return len(np.unique(row_keys(self.inputs))) if self.n_rows else 0

    @property
    def is_complete(self) -> bool:
        """True when the rows cover all 2**n input patterns."""
        if self._complete is None:
            n = self.n_inputs
            if n > MAX_COMPLETE_INPUTS or self.n_rows < (1 << n):
                self._complete = False
            else:
                self._complete = len(np.unique(row_numbers(self.inputs))) == (1 << n)
        return self._complete

    # -- constructors ------------------------------------------------------------------------
    @classmethod
    def from_function(
        cls,
        n: int,
        m: int,
        f: Callable[..., object],
        input_names: Sequence[str] = (),
        output_names: Sequence[str] = (),
        name: str = "table",
    ) -> TruthTable:
        """The complete table of ``f``, called once with the n input columns (uint8 arrays).

        ``f`` returns one array (m = 1) or a sequence of m arrays, so bitwise operators work
        vectorised: ``TruthTable.from_function(3, 1, lambda a, b, c: a ^ b ^ c)``.
        """
        inputs = all_input_rows(n)
        result = f(*(inputs[:, j] for j in range(n)))
        cols = [result] if m == 1 and not isinstance(result, (tuple, list)) else list(result)
        if len(cols) != m:
            raise BtfsynthError(f"the function returned {len(cols)} outputs, expected {m}")
        outputs = np.stack(
            [np.broadcast_to(np.asarray(c, dtype=np.int64) & 1, (len(inputs),)) for c in cols],
            axis=1,
        ).astype(np.uint8)
        return cls.from_outputs(outputs, None, input_names, output_names, name)

    @classmethod
    def from_outputs(
        cls,
        outputs: np.ndarray,
        care: np.ndarray | None = None,
        input_names: Sequence[str] = (),
        output_names: Sequence[str] = (),
        name: str = "table",
    ) -> TruthTable:
        """The complete table whose row r (canonical order) has outputs ``outputs[r]``.

        ``outputs`` has 2**n rows; the inputs are generated, and since canonical rows are
        distinct no conflict search is needed.
        """
        outputs = np.asarray(outputs, dtype=np.uint8)
        n = len(outputs).bit_length() - 1
        if outputs.ndim != 2 or len(outputs) != 1 << n:
            raise BtfsynthError(f"a complete table needs 2^n output rows, not {len(outputs)}")
        return cls(
            all_input_rows(n), outputs, care, tuple(input_names), tuple(output_names), name, True
        )

    def _with_rows(self, index: np.ndarray, name: str | None = None) -> TruthTable:
        return TruthTable(
            self.inputs[index],
            self.outputs[index],
            self.care[index],
            self.input_names,
            self.output_names,
            self.name if name is None else name,
        )

    # -- operations --------------------------------------------------------------------------
    def complete(self, fill: int | None = None) -> TruthTable:
        """The complete table in canonical row order.

        Rows missing from this table get outputs ``fill`` (0 or 1), or are don't-cares when
        ``fill`` is None. Duplicate rows are merged.
        """
        check_complete_size(self.n_inputs)
        if fill not in (None, 0, 1):
            raise BtfsynthError(f"fill must be 0, 1 or None (don't care), not {fill!r}")
        size = 1 << self.n_inputs
        outputs = np.full((size, self.n_outputs), 0 if fill is None else fill, dtype=np.uint8)
        care = np.full((size, self.n_outputs), fill is not None, dtype=bool)
        r = row_numbers(self.inputs)
        # Write don't-care rows first so that cared duplicates win.
        order = np.argsort(self.care.sum(axis=1), kind="stable")
        for k in range(self.n_outputs):
            cared = order[self.care[order, k]]
            outputs[r[cared], k] = self.outputs[cared, k]
            care[r[cared], k] = True
        return TruthTable.from_outputs(
            outputs, care, self.input_names, self.output_names, self.name
        )

    def care_rows(self, unseen: bool = False) -> np.ndarray:
        """Which outputs must keep their value on each of the 2^n rows (``care[r, k]``,
        canonical row order): the cared outputs of the rows present, and every output of the
        rows absent unless ``unseen`` makes them don't-cares too."""
        care = self.complete().care
        if not unseen:
            present = np.zeros(1 << self.n_inputs, dtype=bool)
            present[row_numbers(self.inputs)] = True
            care[~present] = True
        return care

    def sample(self, k: int, seed: Seed = None) -> TruthTable:
        """``k`` distinct rows of this table drawn uniformly without replacement."""
        if not 0 <= k <= self.n_rows:
            raise BtfsynthError(f"cannot sample {k} of {self.n_rows} rows")
        index = np.sort(rng_from(seed).choice(self.n_rows, size=k, replace=False))
        return self._with_rows(index)

    def split(self, train: float | int, seed: Seed | bool = None) -> tuple[TruthTable, TruthTable]:
        """Split into (train, test): ``train`` is a row count (int) or a fraction (float).

        Without a seed the first rows train and the rest test (the paper's protocol for
        sampled data); with a seed the rows are shuffled first.
        """
        count = int(round(train * self.n_rows)) if isinstance(train, float) else int(train)
        if not 0 <= count <= self.n_rows:
            raise BtfsynthError(f"cannot take {count} training rows from {self.n_rows}")
        order = np.arange(self.n_rows) if seed is None else rng_from(seed).permutation(self.n_rows)
        return self._with_rows(order[:count]), self._with_rows(order[count:])

    def select_outputs(self, columns: Sequence[int]) -> TruthTable:
        """The table restricted to some output columns."""
        cols = list(columns)
        return TruthTable(
            self.inputs,
            self.outputs[:, cols],
            self.care[:, cols],
            self.input_names,
            tuple(self.output_names[c] for c in cols),
            self.name,
        )

    # -- packing -----------------------------------------------------------------------------
    def pack_inputs(self) -> np.ndarray:
        """Input bit planes, shape (n, ceil(rows/64)) uint64."""
        return pack_bits(self.inputs)

    def pack_outputs(self) -> np.ndarray:
        """Output bit planes, shape (m, ceil(rows/64)) uint64."""
        return pack_bits(self.outputs)

    def pack_care(self) -> np.ndarray:
        """Care bit planes, shape (m, ceil(rows/64)) uint64 (padding rows are 0 = don't care)."""
        return pack_bits(self.care.astype(np.uint8))

    # -- comparison --------------------------------------------------------------------------
    def merged(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Inputs, outputs and care with repeated rows merged, in order of first appearance:
        an output is cared for where any copy cares, with that copy's value."""
        keys = row_keys(self.inputs)
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        if len(first) == self.n_rows:
            return self.inputs, np.where(self.care, self.outputs, 0), self.care
        order = np.argsort(first)
        rank = np.empty(len(first), dtype=np.int64)
        rank[order] = np.arange(len(first))
        row = rank[inverse.ravel()]
        care = np.zeros((len(first), self.n_outputs), dtype=bool)
        ones = np.zeros_like(care)
        np.logical_or.at(care, row, self.care)
        np.logical_or.at(ones, row, self.care & (self.outputs == 1))
        return self.inputs[first[order]], ones.astype(np.uint8), care

    def _canonical(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        inputs, outputs, care = self.merged()
        order = np.argsort(row_keys(inputs), kind="stable")
        return inputs[order], outputs[order], care[order]

    def __eq__(self, other: object) -> bool:
        """Same names and the same rows (in any order, duplicates merged) with the same cared
        outputs and the same don't-cares."""
        if not isinstance(other, TruthTable):
            return NotImplemented
        if (self.input_names, self.output_names) != (other.input_names, other.output_names):
            return False
        a, b = self._canonical(), other._canonical()
        return all(x.shape == y.shape and np.array_equal(x, y) for x, y in zip(a, b))

    __hash__ = None  # type: ignore[assignment]

    def summary(self) -> str:
        """A few lines describing the table, as ``btfsynth info`` prints them."""
        kind = "complete" if self.is_complete else "partial"
        distinct = self.distinct_rows()
        repeats = distinct < self.n_rows
        dc = self.care.size - int(np.count_nonzero(self.care))
        return "\n".join(
            [
                f"name:        {self.name}",
                f"inputs:      {self.n_inputs}  ({' '.join(self.input_names[:16])}"
                + (" ..." if self.n_inputs > 16 else "")
                + ")",
                f"outputs:     {self.n_outputs}  ({' '.join(self.output_names[:16])}"
                + (" ..." if self.n_outputs > 16 else "")
                + ")",
                f"rows:        {self.n_rows}  ({kind}"
                + ("" if self.n_inputs > MAX_COMPLETE_INPUTS else f", of 2^{self.n_inputs}")
                + (f"; {distinct} distinct, repeats count as rows" if repeats else "")
                + ")",
                f"don't-cares: {dc} of {self.outputs.size} output bits",
            ]
        )
