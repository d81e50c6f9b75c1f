"""Running the kernel: bit-packed evaluation of netlists and threshold networks, 64 rows per
uint64 word.

Inputs come from packed bit planes (design.md layout: row ``r`` in bit ``r % 64`` of word
``r // 64``, :func:`btfsynth.truthtable.pack_bits`) or, for exhaustive checks, are generated
from the word index inside the kernel, so 2^n patterns are evaluated chunk by chunk in bounded
memory (:func:`iter_chunks`). A threshold network is evaluated exactly, through its THRESHOLD
netlist: the result is the exact sign of the real-valued field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numba
import numpy as np

from ..errors import BtfsynthError
from ..truthtable import pack_bits, unpack_bits
from . import kernels as kern
from .program import Circuit, Program, as_program

MAX_EXHAUSTIVE_INPUTS = 40


_NO_PLANES = np.zeros((0, 0), dtype=np.uint64)


def run_words(
    program: Program,
    word0: int,
    n_words: int,
    planes: np.ndarray | None = None,
    threads: int | None = None,
) -> np.ndarray:
    """Output planes ``(m, n_words)`` for words ``word0 ..`` of the input planes, or of the
    exhaustive enumeration of all 2^n input rows when ``planes`` is None."""
    out = np.empty((program.n_outputs, n_words), dtype=np.uint64)
    if n_words == 0 or program.n_outputs == 0:
        return out
    if planes is None:
        mode, planes = kern.MODE_EXHAUSTIVE, _NO_PLANES
    else:
        mode = kern.MODE_PLANES
        planes = np.ascontiguousarray(planes, dtype=np.uint64)
        if planes.shape[0] != program.n_inputs or planes.shape[1] < word0 + n_words:
            raise BtfsynthError(
                f"input planes of shape {planes.shape} for {program.n_inputs} inputs and "
                f"words {word0}..{word0 + n_words}"
            )
    block = program.block_words()
    n_blocks = -(-n_words // block)
    n_threads = max(1, min(threads or numba.get_num_threads(), n_blocks))
    p = program
    kern.run_chunk(
        p.rec, p.fptr, p.fslot, p.fmask, p.gcube, p.cbeg, p.cend, p.wptr, p.wbits, p.tptr,
        p.tbits, p.oslot, p.oomask, p.n_slots, p.max_bits, block, mode, p.n_inputs, planes,
        word0, out, n_threads=n_threads,
    )  # fmt: skip
    return out


def iter_chunks(
    program: Program,
    planes: np.ndarray | None = None,
    n_words: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    threads: int | None = None,
) -> Iterator[tuple[int, np.ndarray]]:
    """Yield ``(word0, output planes)`` chunk by chunk over the input planes, or over all 2^n
    rows (``planes`` None); between chunks Ctrl-C is honoured and ``progress(done, total)`` is
    called with the operation·words done so far and in all.
    Bits past the last row (when 2^n < 64) are not defined: mask them with :func:`valid_mask`."""
    if planes is None:
        n = program.n_inputs
        if n > MAX_EXHAUSTIVE_INPUTS:
            raise BtfsynthError(f"2^{n} rows are too many to enumerate")
        total = -(-(1 << n) // 64)
    else:
        total = planes.shape[1] if n_words is None else n_words
    step = program.chunk_words()
    ops = max(program.n_ops, 1)
    for word0 in range(0, total, step):
        count = min(step, total - word0)
        yield word0, run_words(program, word0, count, planes, threads)
        if progress is not None:
            progress((word0 + count) * ops, total * ops)


def evaluate_packed(circuit: Circuit, planes: np.ndarray, threads: int | None = None) -> np.ndarray:
    """Output planes ``(m, words)`` of a netlist or network for input planes ``(n, words)``."""
    program = as_program(circuit)
    planes = np.ascontiguousarray(planes, dtype=np.uint64)
    out = np.empty((program.n_outputs, planes.shape[1]), dtype=np.uint64)
    for word0, chunk in iter_chunks(program, planes, threads=threads):
        out[:, word0 : word0 + chunk.shape[1]] = chunk
    return out


def evaluate_rows(circuit: Circuit, rows: np.ndarray) -> np.ndarray:
    """0/1 output rows ``(rows, m)`` for 0/1 input rows ``(rows, n)``."""
    program = as_program(circuit)
    rows = np.asarray(rows, dtype=np.uint8)
    if rows.ndim != 2 or rows.shape[1] != program.n_inputs:
        raise BtfsynthError(
            f"the circuit has {program.n_inputs} inputs, the rows have shape {rows.shape}"
        )
    if program.n_outputs == 0:
        return np.zeros((len(rows), 0), dtype=np.uint8)
    return unpack_bits(evaluate_packed(program, pack_bits(rows)), len(rows))


def exhaustive_planes(n_inputs: int, word0: int = 0, n_words: int | None = None) -> np.ndarray:
    """Input planes ``(n, words)`` of the complete enumeration (first input the MSB of the row
    number), words ``word0 ..``, padding bits 0; what the kernel generates on the fly, for
    tests and the numpy path."""
    if n_words is None:
        n_words = -(-(1 << n_inputs) // 64) - word0
    planes = np.empty((n_inputs, n_words), dtype=np.uint64)
    words = np.arange(word0, word0 + n_words, dtype=np.uint64)
    for j in range(n_inputs):
        s = n_inputs - 1 - j
        if s < 6:
            planes[j] = kern.LOW_PATTERNS[s]
        else:
            bit = (words >> np.uint64(s - 6)) & np.uint64(1)
            planes[j] = np.uint64(0) - bit
    return planes & valid_mask(1 << n_inputs, word0, n_words)


def valid_mask(n_rows: int, word0: int, n_words: int) -> np.ndarray:
    """Per word, the mask of bits that are real rows (the padding of the last word is 0)."""
    mask = np.full(n_words, 0xFFFFFFFFFFFFFFFF, dtype=np.uint64)
    last = n_rows - 64 * word0  # rows left from word0 on
    full, rest = divmod(max(last, 0), 64)
    if full < n_words:
        mask[full] = np.uint64((1 << rest) - 1)
        mask[full + 1 :] = 0
    return mask


def popcount(words: np.ndarray, axis: int | None = None) -> np.ndarray | int:
    """Number of set bits (over ``axis``, or in total)."""
    if hasattr(np, "bitwise_count"):
        counts = np.bitwise_count(words)
    else:  # numpy < 2.0
        as_bytes = np.ascontiguousarray(words).view(np.uint8).reshape(*words.shape, 8)
        counts = np.unpackbits(as_bytes, axis=-1).sum(axis=-1)
    return int(counts.sum()) if axis is None else counts.sum(axis=axis, dtype=np.int64)
