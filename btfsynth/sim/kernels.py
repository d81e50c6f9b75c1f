"""The numba kernel of the bit-packed evaluator: one interpreter over an opcode table.

:func:`btfsynth.sim.program.compile_netlist` flattens a netlist into the arrays this kernel
reads (see :class:`btfsynth.sim.program.Program` for their meaning). The kernel walks the
opcode table once per block of ``block`` words, keeping every live gate value of the block in a
small scratch array (``slots × block`` words, sized to stay in cache), and writes the outputs
of the block.
Input words come from packed planes or, for exhaustive checks, are generated from the word
index, so the 2^n input patterns are never stored. The plain numpy reference is
:func:`btfsynth.sim.reference.evaluate_packed_numpy`.

Speed comes from the common two- and three-input operations: the compiler pushes every
inversion it can into the readers' literals, so AND2/ANDN2/OR2/XOR2/MAJ3/MAJ3N are pure bitwise
functions of their operand slots with no masks, each a tight contiguous word loop that LLVM
vectorises; their operands sit in one small record per operation. Wider gates, SOP covers and
threshold counters take the general path through the fan-in tables, in a separate function so
that the hot loop stays small.
"""

from __future__ import annotations

import numba
import numpy as np

# Fast operations: operand slots a, b, c in the operation record, no inversion masks.
OP_INPUT = 0  # a = input index
OP_AND2 = 1  # a & b
OP_ANDN2 = 2  # a & ~b
OP_OR2 = 3  # a | b
OP_XOR2 = 4  # a ^ b
OP_MAJ3 = 5  # maj(a, b, c)
OP_MAJ3N = 6  # maj(a, b, ~c)
# General operations: fan-in entries fptr[i]:fptr[i+1] with masks.
OP_AND = 7  # any number of fan-ins (none: constant 1)
OP_XOR = 8
OP_THRESH = 9  # sum of weight-bit additions of the fan-ins >= threshold bits
OP_SOP = 10  # OR over cubes of the AND of their literals (fan-in entries)
FAST_OPS = (OP_AND2, OP_ANDN2, OP_OR2, OP_XOR2, OP_MAJ3, OP_MAJ3N)

# Columns of an operation record.
R_CODE, R_DST, R_A, R_B, R_C = range(5)

MODE_PLANES = 0
MODE_EXHAUSTIVE = 1

ALL = np.uint64(0xFFFFFFFFFFFFFFFF)
ZERO = np.uint64(0)
# Bit r of LOW_PATTERNS[s] is bit s of r: the low six row-number bits inside one word.
LOW_PATTERNS = np.array(
    [
        0xAAAAAAAAAAAAAAAA,
        0xCCCCCCCCCCCCCCCC,
        0xF0F0F0F0F0F0F0F0,
        0xFF00FF00FF00FF00,
        0xFFFF0000FFFF0000,
        0xFFFFFFFF00000000,
    ],
    dtype=np.uint64,
)


@numba.njit(cache=True, nogil=True)
def _general_op(
    i, o, d, fptr, fslot, fmask, gcube, cbeg, cend, wptr, wbits, tptr, tbits, mode, n_vars,
    planes, gword, nbu, val, stride, acc, j,
):  # fmt: skip
    """Operation ``i`` (input ``j``, or a general operation) over ``nbu`` words into offset
    ``d``."""
    e0 = fptr[i]
    e1 = fptr[i + 1]
    if o == OP_INPUT:
        if mode == MODE_PLANES:
            for w in range(nbu):
                val[d + w] = planes[j, gword + np.int64(w)]
        else:
            s = n_vars - 1 - j
            if s < 6:
                p = LOW_PATTERNS[s]
                for w in range(nbu):
                    val[d + w] = p
            else:
                for w in range(nbu):
                    val[d + w] = ALL if ((gword + np.int64(w)) >> (s - 6)) & 1 else ZERO
    elif o == OP_AND or o == OP_XOR:
        if e0 == e1:
            for w in range(nbu):
                val[d + w] = ALL
            return
        a = np.uint64(fslot[e0]) * stride
        m = fmask[e0]
        for w in range(nbu):
            val[d + w] = val[a + w] ^ m
        for e in range(e0 + 1, e1):
            a = np.uint64(fslot[e]) * stride
            m = fmask[e]
            if o == OP_AND:
                for w in range(nbu):
                    val[d + w] &= val[a + w] ^ m
            else:
                for w in range(nbu):
                    val[d + w] ^= val[a + w] ^ m
    elif o == OP_THRESH:
        t0 = tptr[i]
        n_bits = tptr[i + 1] - t0
        for w in range(nbu):
            for q in range(n_bits):
                acc[q] = ZERO
            for e in range(e0, e1):
                u = val[np.uint64(fslot[e]) * stride + w] ^ fmask[e]
                for k in range(wptr[e], wptr[e + 1]):
                    carry = u
                    q = wbits[k]
                    while carry != ZERO and q < n_bits:
                        t = acc[q] & carry
                        acc[q] ^= carry
                        carry = t
                        q += 1
            # acc >= threshold, most significant bit first
            gt = ZERO
            eq = ALL
            for q in range(n_bits - 1, -1, -1):
                if tbits[t0 + q]:
                    eq &= acc[q]
                else:
                    gt |= eq & acc[q]
                    eq &= ~acc[q]
            val[d + w] = gt | eq
    elif o == OP_SOP:
        for w in range(nbu):
            hit = ZERO
            for c in range(gcube[i], gcube[i + 1]):
                m = ALL
                for e in range(cbeg[c], cend[c]):
                    m &= val[np.uint64(fslot[e]) * stride + w] ^ fmask[e]
                hit |= m
            val[d + w] = hit


@numba.njit(cache=True, nogil=True)
def _run_block(
    rec, fptr, fslot, fmask, gcube, cbeg, cend, wptr, wbits, tptr, tbits, oslot, oomask, mode,
    n_vars, planes, gword, nb, val, stride, acc, out, col,
):  # fmt: skip
    """Evaluate one block of ``nb`` words starting at global word ``gword``; write the
    outputs to ``out[:, col:col + nb]``.

    Slot ``s`` holds its words at ``val[s * stride:]``. Flat unsigned offsets rather than row
    views: a view costs atomic reference-count updates, and a signed index a wraparound check
    that stops LLVM from vectorising the word loops. An operation never writes a slot it reads
    (slots are freed after the writer is allocated), so the loops vectorise without overlap."""
    nbu = np.uint64(nb)
    stride = np.uint64(stride)
    for i in range(rec.shape[0]):
        o = rec[i, R_CODE]
        d = np.uint64(rec[i, R_DST]) * stride
        a = np.uint64(rec[i, R_A]) * stride
        b = np.uint64(rec[i, R_B]) * stride
        if o == OP_AND2:
            for w in range(nbu):
                val[d + w] = val[a + w] & val[b + w]
        elif o == OP_XOR2:
            for w in range(nbu):
                val[d + w] = val[a + w] ^ val[b + w]
        elif o == OP_OR2:
            for w in range(nbu):
                val[d + w] = val[a + w] | val[b + w]
        elif o == OP_ANDN2:
            for w in range(nbu):
                val[d + w] = val[a + w] & ~val[b + w]
        elif o == OP_MAJ3:
            c = np.uint64(rec[i, R_C]) * stride
            for w in range(nbu):
                x = val[a + w]
                y = val[b + w]
                z = val[c + w]
                val[d + w] = (x & y) | (z & (x | y))
        elif o == OP_MAJ3N:
            c = np.uint64(rec[i, R_C]) * stride
            for w in range(nbu):
                x = val[a + w]
                y = val[b + w]
                z = ~val[c + w]
                val[d + w] = (x & y) | (z & (x | y))
        else:
            _general_op(
                i, o, d, fptr, fslot, fmask, gcube, cbeg, cend, wptr, wbits, tptr, tbits, mode,
                n_vars, planes, gword, nbu, val, stride, acc, rec[i, R_A],
            )  # fmt: skip
    for k in range(oslot.shape[0]):
        a = np.uint64(oslot[k]) * stride
        m = oomask[k]
        for w in range(nbu):
            out[k, col + np.int64(w)] = val[a + w] ^ m


@numba.njit(cache=True, nogil=True)
def _run_blocks(
    rec, fptr, fslot, fmask, gcube, cbeg, cend, wptr, wbits, tptr, tbits, oslot, oomask,
    n_slots, max_bits, block, mode, n_vars, planes, word0, out,
):  # fmt: skip
    """All blocks of the chunk in this thread."""
    n_words = out.shape[1]
    val = np.empty(n_slots * block, dtype=np.uint64)
    acc = np.empty(max(max_bits, 1), dtype=np.uint64)
    for col in range(0, n_words, block):
        nb = min(block, n_words - col)
        _run_block(
            rec, fptr, fslot, fmask, gcube, cbeg, cend, wptr, wbits, tptr, tbits, oslot, oomask,
            mode, n_vars, planes, word0 + col, nb, val, block, acc, out, col,
        )  # fmt: skip


@numba.njit(cache=True, parallel=True)
def _run_threads(
    rec, fptr, fslot, fmask, gcube, cbeg, cend, wptr, wbits, tptr, tbits, oslot, oomask,
    n_slots, max_bits, block, mode, n_vars, planes, word0, out,
):  # fmt: skip
    """The blocks of the chunk as parallel iterations, each with its own scratch values (the
    allocator hands a thread back the memory it freed, so the scratch stays in its cache)."""
    n_words = out.shape[1]
    for b in numba.prange((n_words + block - 1) // block):
        val = np.empty(n_slots * block, dtype=np.uint64)
        acc = np.empty(max(max_bits, 1), dtype=np.uint64)
        col = b * block
        nb = min(block, n_words - col)
        _run_block(
            rec, fptr, fslot, fmask, gcube, cbeg, cend, wptr, wbits, tptr, tbits, oslot, oomask,
            mode, n_vars, planes, word0 + col, nb, val, block, acc, out, col,
        )  # fmt: skip


def run_chunk(*args, n_threads: int) -> None:
    """Evaluate words ``word0 .. word0 + out.shape[1]`` in blocks of ``block`` words; ``args``
    are those of :func:`_run_blocks`.

    One thread runs without a parallel region: with one, the idle OpenMP workers spin-wait,
    and on a busy 2-core machine that cost up to twice the CPU time per word. Several threads
    take blocks one at a time as they get free (chunk size 1), so a thread that the machine
    holds back does not leave the others waiting at the end of the chunk."""
    if n_threads == 1:
        _run_blocks(*args)
        return
    threads = numba.get_num_threads()
    numba.set_num_threads(n_threads)
    try:
        with numba.parallel_chunksize(1):
            _run_threads(*args)
    finally:
        numba.set_num_threads(threads)
