"""Rows of bits for the task generators: integers as bits, complete tables built block by block,
distinct random rows, and the checks the generators share."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ..errors import BtfsynthError
from ..truthtable import MAX_COMPLETE_INPUTS, Seed, TruthTable, check_complete_size, rng_from

DEFAULT_ITEMS = 10_000
"""Rows drawn for sampled tasks, as in the paper's random-circuit and automaton data."""

MAX_ITEMS = 1 << MAX_COMPLETE_INPUTS
"""Sampled tasks are refused above as many rows as the largest complete table."""

BLOCK_ROWS = 1 << 16
"""Rows per block when building or converting large tables (bounds the int64 temporaries)."""


def int_bits(values: np.ndarray, width: int) -> np.ndarray:
    """Non-negative integers as rows of ``width`` bits, most significant first (uint8).

    Works in blocks of rows so that the int64 temporaries stay small next to the result.

    >>> int_bits(np.array([2, 5]), 3).tolist()
    [[0, 1, 0], [1, 0, 1]]
    """
    values = np.asarray(values, dtype=np.int64)
    shifts = np.arange(width - 1, -1, -1, dtype=np.int64)
    bits = np.empty((len(values), width), dtype=np.uint8)
    for start in range(0, len(values), BLOCK_ROWS):
        block = values[start : start + BLOCK_ROWS, None]
        bits[start : start + len(block)] = (block >> shifts) & 1
    return bits


def complete_table(
    n: int,
    m: int,
    block_outputs: Callable[[np.ndarray, np.ndarray], np.ndarray],
    input_names: Sequence[str],
    output_names: Sequence[str],
    name: str,
) -> TruthTable:
    """The complete table over n inputs, its outputs computed block by block of rows.

    ``block_outputs(numbers, inputs)`` gets the canonical row numbers (int64) and input bits
    of a block and returns its (rows, m) 0/1 outputs. Building by blocks keeps the peak memory
    near the table itself, rows × (n + m) bytes, even at 2^26 rows.
    """
    check_complete_size(n)
    size = 1 << n
    outputs = np.empty((size, m), dtype=np.uint8)
    for start in range(0, size, BLOCK_ROWS):
        numbers = np.arange(start, min(start + BLOCK_ROWS, size), dtype=np.int64)
        outputs[start : start + len(numbers)] = block_outputs(numbers, int_bits(numbers, n))
    return TruthTable.from_outputs(outputs, None, input_names, output_names, name)


def random_rows(n: int, items: int, seed: Seed = None) -> np.ndarray:
    """``items`` distinct uniformly random rows of ``n`` bits, in random order, shape (items, n).

    Distinct rows keep train and test sets disjoint under a first-N split.
    """
    check_items(items, n)
    rng = rng_from(seed)
    if n <= 62:
        return int_bits(rng.choice(1 << n, size=items, replace=False), n)
    # 2**n is far beyond any row count here: redraw the rare duplicates until none are left.
    rows = rng.integers(0, 2, size=(items, n), dtype=np.uint8)
    while True:
        _, first = np.unique(rows, axis=0, return_index=True)
        if len(first) == items:
            return rows
        kept = rows[np.sort(first)]
        fresh = rng.integers(0, 2, size=(items - len(kept), n), dtype=np.uint8)
        rows = np.concatenate([kept, fresh])


def check_items(items: int, n: int) -> None:
    if not 1 <= items <= MAX_ITEMS:
        raise BtfsynthError(f"items must lie in 1..2^{MAX_COMPLETE_INPUTS}, not {items}")
    if n <= 62 and items > 1 << n:
        raise BtfsynthError(f"there are only 2^{n} = {1 << n} distinct inputs, not {items}")


def default_items(items: int | None, n: int) -> int:
    """``items``, or the paper's 10 000 capped at the size of the input space."""
    if items is not None:
        return items
    return DEFAULT_ITEMS if n > 62 else min(DEFAULT_ITEMS, 1 << n)


def need(condition: bool, message: str) -> None:
    if not condition:
        raise BtfsynthError(message)


def bit_names(prefix: str, width: int) -> list[str]:
    """``prefix{width-1}`` ... ``prefix0``: the bits of a multi-bit word, MSB first."""
    return [f"{prefix}{k}" for k in range(width - 1, -1, -1)]
