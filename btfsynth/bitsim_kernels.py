"""The numba kernel of the bit-packed evaluator: one generic interpreter over an opcode table.

:func:`btfsynth.bitsim.compile_netlist` flattens a netlist into the arrays this kernel reads
(see :class:`btfsynth.bitsim.Program` for their meaning). The kernel walks the opcode table once
per block of ``block`` words, keeping every live gate value of the block in a small scratch
array (``slots × block`` words, sized to stay in cache), and writes the outputs of the block.
Input words come from packed planes or, for exhaustive checks, are generated from the word
index, so the 2^n input patterns are never stored. The plain numpy reference is
:func:`btfsynth.bitsim.evaluate_packed_numpy`.
"""

from __future__ import annotations

import numba
import numpy as np

OP_INPUT = 0  # aux = input index
OP_AND2 = 1
OP_XOR2 = 2
OP_MAJ3 = 3
OP_AND = 4  # any number of fan-ins (none: constant 1)
OP_XOR = 5
OP_THRESH = 6  # sum of weight-bit additions of the fan-ins >= threshold bits
OP_SOP = 7  # OR over cubes of the AND of their literals (fan-in entries)

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
def _run_block(
    op, dst, aux, omask, fptr, fslot, fmask, gcube, cbeg, cend, wptr, wbits, tptr, tbits,
    oslot, oomask, mode, n_vars, planes, gword, nb, val, stride, acc, out, col,
):  # fmt: skip
    """Evaluate one block of ``nb`` words starting at global word ``gword``; write the
    outputs to ``out[:, col:col + nb]``.

    Slot ``s`` holds its words at ``val[s * stride:]``. Flat unsigned offsets rather than row
    views: a view costs atomic reference-count updates, and a signed index a wraparound check
    that stops LLVM from vectorising the word loops; together they tripled the time per
    operation on small blocks."""
    nbu = np.uint64(nb)
    stride = np.uint64(stride)
    for i in range(op.shape[0]):
        o = op[i]
        d = np.uint64(dst[i]) * stride
        e0 = fptr[i]
        e1 = fptr[i + 1]
        om = omask[i]
        if o == OP_AND2:
            a = np.uint64(fslot[e0]) * stride
            b = np.uint64(fslot[e0 + 1]) * stride
            ma = fmask[e0]
            mb = fmask[e0 + 1]
            for w in range(nbu):
                val[d + w] = ((val[a + w] ^ ma) & (val[b + w] ^ mb)) ^ om
        elif o == OP_XOR2:
            a = np.uint64(fslot[e0]) * stride
            b = np.uint64(fslot[e0 + 1]) * stride
            m = fmask[e0] ^ fmask[e0 + 1] ^ om
            for w in range(nbu):
                val[d + w] = val[a + w] ^ val[b + w] ^ m
        elif o == OP_MAJ3:
            a = np.uint64(fslot[e0]) * stride
            b = np.uint64(fslot[e0 + 1]) * stride
            c = np.uint64(fslot[e0 + 2]) * stride
            ma = fmask[e0]
            mb = fmask[e0 + 1]
            mc = fmask[e0 + 2]
            for w in range(nbu):
                x = val[a + w] ^ ma
                y = val[b + w] ^ mb
                z = val[c + w] ^ mc
                val[d + w] = ((x & y) | (z & (x | y))) ^ om
        elif o == OP_INPUT:
            j = aux[i]
            if mode == MODE_PLANES:
                for w in range(nbu):
                    val[d + w] = planes[j, gword + np.int64(w)] ^ om
            else:
                s = n_vars - 1 - j
                if s < 6:
                    p = LOW_PATTERNS[s] ^ om
                    for w in range(nbu):
                        val[d + w] = p
                else:
                    for w in range(nbu):
                        val[d + w] = (ALL if ((gword + np.int64(w)) >> (s - 6)) & 1 else ZERO) ^ om
        elif o == OP_AND or o == OP_XOR:
            if e0 == e1:
                for w in range(nbu):
                    val[d + w] = ALL ^ om
                continue
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
            if om != ZERO:
                for w in range(nbu):
                    val[d + w] ^= om
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
                val[d + w] = (gt | eq) ^ om
        elif o == OP_SOP:
            for w in range(nbu):
                hit = ZERO
                for c in range(gcube[i], gcube[i + 1]):
                    m = ALL
                    for e in range(cbeg[c], cend[c]):
                        m &= val[np.uint64(fslot[e]) * stride + w] ^ fmask[e]
                    hit |= m
                val[d + w] = hit ^ om
    for k in range(oslot.shape[0]):
        a = np.uint64(oslot[k]) * stride
        m = oomask[k]
        for w in range(nbu):
            out[k, col + np.int64(w)] = val[a + w] ^ m


@numba.njit(cache=True, parallel=True)
def run_chunk(
    op, dst, aux, omask, fptr, fslot, fmask, gcube, cbeg, cend, wptr, wbits, tptr, tbits,
    oslot, oomask, n_slots, max_bits, block, mode, n_vars, planes, word0, out, n_threads,
):  # fmt: skip
    """Evaluate words ``word0 .. word0 + out.shape[1]`` in blocks of ``block`` words, blocks
    shared round-robin among ``n_threads`` threads (each with its own scratch values)."""
    n_words = out.shape[1]
    n_blocks = (n_words + block - 1) // block
    for t in numba.prange(n_threads):
        val = np.empty(n_slots * block, dtype=np.uint64)
        acc = np.empty(max(max_bits, 1), dtype=np.uint64)
        for b in range(t, n_blocks, n_threads):
            col = b * block
            nb = min(block, n_words - col)
            _run_block(
                op, dst, aux, omask, fptr, fslot, fmask, gcube, cbeg, cend, wptr, wbits, tptr,
                tbits, oslot, oomask, mode, n_vars, planes, word0 + col, nb, val, block, acc,
                out, col,
            )  # fmt: skip
