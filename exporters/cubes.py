"""Cube expansion for the PLA reader: from coded cubes to the rows of a truth table.

A cube over n inputs with d dashes stands for 2^d minterms. The expansion is sized before it
starts (:func:`check_implied`: the rows a file implies without listing them are bounded by the
table caps of :mod:`btfsynth.limits`) and runs in blocks of at most :data:`BLOCK` cells, so
that its memory stays near that of the table it builds (about ``n + 3m`` bytes per row of n
inputs and m outputs, plus 40 bytes per minterm while a partial table is put in file order)
and Ctrl-C is never more than one block away.

Output codes (per cube and output) are :data:`ON`, :data:`OFF`, :data:`DC` or 0 (no meaning);
the expansion marks them as the bits 1, 2 and 4 of one ``uint8`` state per row and output.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import numpy as np

from btfsynth import limits

ON, OFF, DC = 1, 2, 3
"""Output codes of a cube: puts its minterms into the ON-, OFF- or DC-set of an output."""

BLOCK = 1 << 22
"""Cells (or minterms) handled per numpy operation."""


def check_implied(
    dashes: np.ndarray, lines: list[int], n: int, m: int, complete: bool, where: int, path
) -> None:
    """Refuse a table whose cubes (``dashes`` per cube, found on ``lines``) or, for a complete
    table, whose 2^n rows exceed what the file lists by more than the table caps.

    ``where`` is the line of ``.i``, blamed when the complete table rather than the expansion
    of the cubes is what is too large.
    """
    values, counts = np.unique(dashes, return_counts=True)
    total = sum(int(c) << int(d) for d, c in zip(values.tolist(), counts.tolist()))
    listed = len(lines)
    rows = 1 << n if complete else 0
    if total >= rows:
        what = (
            f"the cubes cover {total} minterms (counting overlaps), {total - listed} more "
            "than their lines list; the largest cube is here"
        )
        implied, line = total - listed, lines[int(np.argmax(dashes))] if listed else where
    else:
        what = f"a complete table over {n} inputs has 2^{n} rows, {rows - listed} not listed"
        implied, line = rows - listed, where
    limits.check_table(what, implied, n + m, path, line)


def expand(in_codes: np.ndarray, cube_in: list[str], n: int) -> Iterator[tuple[np.ndarray, ...]]:
    """Yield (cube indices, keys): every minterm of every cube as its row number, in chunks of
    about :data:`BLOCK` minterms.

    ``keys[i, j]`` is the j-th minterm (ascending) of cube ``idx[i]``; row numbers are int64 up
    to 62 inputs and Python ints (object arrays) beyond.
    """
    wide = n > 62
    if wide:
        base = np.array([int(s.replace("-", "0").replace("2", "0"), 2) for s in cube_in], object)
    else:
        base = np.zeros(len(in_codes), dtype=np.int64)
        weights = np.left_shift(np.int64(1), np.arange(n, dtype=np.int64)[::-1])
        step = max(1, BLOCK // max(n, 1))
        for start in range(0, len(in_codes), step):
            base[start : start + step] = (in_codes[start : start + step] == 1) @ weights
    counts = (in_codes == 2).sum(axis=1)
    for d in (int(x) for x in np.unique(counts)):
        idx = np.flatnonzero(counts == d)
        if d == 0:
            yield idx, base[idx][:, None]
            continue
        pos = np.nonzero(in_codes[idx] == 2)[1].reshape(len(idx), d)
        step = max(1, BLOCK >> d)
        for start in range(0, len(idx), step):
            chunk = idx[start : start + step]
            keys = base[chunk][:, None]
            for p in pos[start : start + step].T:  # one dash at a time, most significant first
                if wide:
                    weight = np.array([1 << (n - 1 - int(q)) for q in p], dtype=object)
                else:
                    weight = np.left_shift(np.int64(1), (n - 1 - p).astype(np.int64))
                keys = np.stack([keys, keys + weight[:, None]], axis=2).reshape(len(chunk), -1)
            yield chunk, keys


def in_file_order(
    in_codes: np.ndarray, cube_in: list[str], n: int
) -> tuple[np.ndarray, np.ndarray]:
    """All (row number, cube) pairs of the expansion, ordered by cube, then minterm: each
    chunk is scattered to its place (cube offsets from the sizes), so no sort is needed."""
    sizes = np.left_shift(np.int64(1), (in_codes == 2).sum(axis=1).astype(np.int64))
    offset = np.cumsum(sizes) - sizes
    keys = np.empty(int(sizes.sum()), dtype=object if n > 62 else np.int64)
    for idx, chunk in expand(in_codes, cube_in, n):
        place = offset[idx][:, None] + np.arange(chunk.shape[1], dtype=np.int64)
        keys[place.ravel()] = chunk.ravel()
    cubes = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
    return keys, cubes


def bits_of(keys: np.ndarray, n: int) -> np.ndarray:
    """Row numbers back to (rows, n) input bits, first input the MSB, block by block."""
    out = np.empty((len(keys), n), dtype=np.uint8)
    step = max(1, BLOCK // max(n, 1))
    shifts = np.arange(n - 1, -1, -1, dtype=np.int64)
    for start in range(0, len(keys), step):
        block = keys[start : start + step]
        if keys.dtype != object:
            out[start : start + step] = (block[:, None] >> shifts[None, :]) & 1
        else:
            text = "".join(format(int(k), f"0{n}b") for k in block).encode("ascii")
            out[start : start + step] = (np.frombuffer(text, np.uint8) - 48).reshape(-1, n)
    return out


def mark(state: np.ndarray, cubes: np.ndarray, rows: np.ndarray, out_codes: np.ndarray) -> None:
    """Set bit ``1 << (code - 1)`` of ``state[rows[i], k]`` where cube ``cubes[i]`` has
    ``code`` at output k, in blocks of about :data:`BLOCK` cells."""
    step = max(1, BLOCK // max(out_codes.shape[1], 1))
    for start in range(0, len(rows), step):
        codes = out_codes[cubes[start : start + step]]
        for code in (ON, OFF, DC):
            i, k = np.nonzero(codes == code)
            state[rows[start + i], k] |= np.uint8(1 << (code - 1))


def finish(state: np.ndarray, default: int | None) -> tuple[np.ndarray, np.ndarray, tuple]:
    """Outputs (uint8) and care (bool) from the marked ``state``: ``default`` is the value
    of points no cube puts in a set (None: don't care); a point in the DC-set is a don't care.

    Returns the outputs, the care mask and, for the first point in both the ON- and OFF-set,
    its (row, output), or () when there is none.
    """
    outputs = np.empty(state.shape, dtype=np.uint8)
    care = np.empty(state.shape, dtype=bool)
    step = max(1, BLOCK // max(state.shape[1], 1))
    for start in range(0, len(state), step):
        block = state[start : start + step]
        both = (block & 3) == 3
        if both.any():
            r, k = np.argwhere(both)[0]
            return outputs, care, (start + int(r), int(k))
        cared = (block & 4) == 0
        if default is None:
            cared &= (block & 3) != 0
        care[start : start + step] = cared
        value = (block & 2) == 0 if default == 1 else (block & 1) != 0
        outputs[start : start + step] = value & cared
    return outputs, care, ()


def repeated(
    inputs: np.ndarray,
    outputs: np.ndarray,
    care: np.ndarray,
    point: np.ndarray,
    cubes: np.ndarray,
    out_codes: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One row per listed minterm: minterm ``i`` is point ``point[i]`` (a row of ``inputs``,
    ``outputs``, ``care``) listed by cube ``cubes[i]``. It cares for the outputs its cube puts
    in the ON- or OFF-set where the point is cared for, with the point's values."""
    listed = np.isin(out_codes, (ON, OFF))
    rows_care = np.empty((len(point), care.shape[1]), dtype=bool)
    step = max(1, BLOCK // max(care.shape[1], 1))
    for start in range(0, len(point), step):
        part = point[start : start + step]
        rows_care[start : start + step] = listed[cubes[start : start + step]] & care[part]
    rows_out = (outputs[point] & rows_care).astype(np.uint8)
    return inputs[point], rows_out, rows_care


def table_name(name: str | None, path: str | os.PathLike | None) -> str:
    """The table's name: ``.name`` if given, else the file name without its extension."""
    if name:
        return name
    return os.path.splitext(os.path.basename(os.fspath(path)))[0] if path else "table"
