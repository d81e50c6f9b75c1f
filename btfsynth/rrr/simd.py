"""Sixteen FLOAT lanes as one numba value, for sweeps that keep sums in registers.

A row loop (``for k in range(count): acc[k] += w[e, k] * x[e, k]``) keeps its per-lane sums in
memory: numba cannot tell the sum row from the state rows, so every edge loads and stores it.
Written as an LLVM vector value, ``F32x16``, a node's per-lane sums stay in registers across
its edges (``p = p + w * x`` over the edges of a 16-lane chunk), and loads and stores happen
once per chunk. (Sixteen scalar sums in numba compile to scalar code; a stack row is still
memory.) The arithmetic is LLVM's plain ``fadd``, ``fsub`` and ``fmul`` without fast-math
flags, so each lane computes exactly what the row loop computes, in the same order.

>>> import numpy as np
>>> from numba import njit
>>> @njit
... def scaled_sum(a, b):
...     out = np.empty_like(a)
...     for k in range(0, len(a), WIDTH):
...         n = min(WIDTH, len(a) - k)
...         store(out, k, n, load(a, k, n) * splat(2.0) + load(b, k, n))
...     return out
>>> scaled_sum(np.arange(20, dtype=np.float32), np.ones(20, dtype=np.float32))[[0, 19]]
array([ 1., 39.], dtype=float32)
"""

from __future__ import annotations

import operator

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic, models, overload, register_model

WIDTH = 16
"""Lanes of an F32x16: one AVX-512 register of float32, two AVX2 registers elsewhere."""
_LANE = ir.FloatType()
_VEC = ir.VectorType(_LANE, WIDTH)
_MASK = ir.VectorType(ir.IntType(1), WIDTH)
_I32, _I64 = ir.IntType(32), ir.IntType(64)


class F32x16(types.Type):
    """The numba type of sixteen float32 lanes (an LLVM ``<16 x float>``)."""

    def __init__(self) -> None:
        super().__init__(name="F32x16")


f32x16 = F32x16()


@register_model(F32x16)
class _VectorModel(models.PrimitiveModel):
    def __init__(self, dmm, fe_type):
        super().__init__(dmm, fe_type, _VEC)


def _broadcast(builder, value, vector_type):
    first = builder.insert_element(ir.Constant(vector_type, ir.Undefined), value, _I32(0))
    return builder.shuffle_vector(
        first, first, ir.Constant(ir.VectorType(_I32, WIDTH), [0] * WIDTH)
    )


def _lanes_below(builder, n):
    """The mask of lanes 0..n−1."""
    index = ir.Constant(ir.VectorType(_I64, WIDTH), list(range(WIDTH)))
    return builder.icmp_unsigned("<", index, _broadcast(builder, n, ir.VectorType(_I64, WIDTH)))


def _element(context, builder, sig, args):
    """A pointer to ``array[i, k]`` (or ``array[k]``) from the leading arguments of a load or
    store: the array, then its indices."""
    array_type = sig.args[0]
    array = context.make_array(array_type)(context, builder, args[0])
    index = args[1 : 1 + array_type.ndim]
    return cgutils.get_item_pointer2(
        context, builder, array.data, cgutils.unpack_tuple(builder, array.shape),
        cgutils.unpack_tuple(builder, array.strides), array_type.layout, index,
    )  # fmt: skip


def _rows(array, indices):
    """A float32 array of 1 or 2 dimensions, indexed by its leading integer indices."""
    return (
        isinstance(array, types.Array)
        and array.ndim in (1, 2)
        and array.dtype == types.float32
        and len(indices) == array.ndim
        and all(isinstance(i, types.Integer) for i in indices)
    )


def _load_codegen(context, builder, sig, args):
    ptr = _element(context, builder, sig, args)
    fnty = ir.FunctionType(_VEC, [ptr.type, _I32, _MASK, _VEC])
    fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.masked.load.v16f32.p0")
    mask = _lanes_below(builder, args[-1])
    return builder.call(fn, [ptr, _I32(4), mask, ir.Constant(_VEC, [0.0] * WIDTH)])


def _store_codegen(context, builder, sig, args):
    ptr = _element(context, builder, sig, args)
    fnty = ir.FunctionType(ir.VoidType(), [_VEC, ptr.type, _I32, _MASK])
    fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.masked.store.v16f32.p0")
    builder.call(fn, [args[-1], ptr, _I32(4), _lanes_below(builder, args[-2])])
    return context.get_dummy_value()


@intrinsic
def load(typingctx, row, k, n):
    """``row[k:k + n]`` in lanes 0..n−1 (n ≤ WIDTH), 0 in the others; nothing past them is
    read (a masked load)."""
    if _rows(row, (k,)) and isinstance(n, types.Integer):
        return f32x16(row, k, n), _load_codegen


@intrinsic
def load_at(typingctx, array, i, k, n):
    """``load(array[i], k, n)`` without making the row a view."""
    if _rows(array, (i, k)) and isinstance(n, types.Integer):
        return f32x16(array, i, k, n), _load_codegen


@intrinsic
def store(typingctx, row, k, n, value):
    """``row[k:k + n]`` = lanes 0..n−1 of ``value``; nothing else is written (a masked
    store)."""
    if _rows(row, (k,)) and isinstance(n, types.Integer) and value is f32x16:
        return types.none(row, k, n, value), _store_codegen


@intrinsic
def store_at(typingctx, array, i, k, n, value):
    """``store(array[i], k, n, value)`` without making the row a view."""
    if _rows(array, (i, k)) and isinstance(n, types.Integer) and value is f32x16:
        return types.none(array, i, k, n, value), _store_codegen


@intrinsic
def splat(typingctx, x):
    """``x``, rounded to float32, in every lane."""
    if not isinstance(x, (types.Float, types.Integer)):
        return None

    def codegen(context, builder, sig, args):
        lane = context.cast(builder, args[0], sig.args[0], types.float32)
        return _broadcast(builder, lane, _VEC)

    return f32x16(x), codegen


def _lanewise(instruction: str):
    @intrinsic
    def apply(typingctx, a, b):
        if a is not f32x16 or b is not f32x16:
            return None

        def codegen(context, builder, sig, args):
            return getattr(builder, instruction)(args[0], args[1])

        return f32x16(a, b), codegen

    return apply


def _overload_lanewise(op, instruction: str) -> None:
    apply = _lanewise(instruction)

    @overload(op)
    def lanewise(a, b):
        if a is f32x16 and b is f32x16:
            return lambda a, b: apply(a, b)


for _op, _instruction in ((operator.add, "fadd"), (operator.sub, "fsub"), (operator.mul, "fmul")):
    _overload_lanewise(_op, _instruction)


def _halves(builder, v, lanes):
    """Lanes 2i and 2i + 1 of ``v`` (of ``lanes`` lanes) added, for i < lanes / 2."""
    index = ir.VectorType(_I32, lanes // 2)
    even = builder.shuffle_vector(v, v, ir.Constant(index, list(range(0, lanes, 2))))
    odd = builder.shuffle_vector(v, v, ir.Constant(index, list(range(1, lanes, 2))))
    return builder.fadd(even, odd)


@intrinsic
def tree_sum(typingctx, v):
    """The sum of the lanes in kernels.row_sum's tree, ((v0 + v1) + (v2 + v3)) + ((v4 + v5) +
    (v6 + v7)) + ..., so that a vector of row_sum's partial sums gives row_sum's result."""
    if v is f32x16:

        def codegen(context, builder, sig, args):
            pairs = _halves(builder, args[0], WIDTH)
            quads = _halves(builder, pairs, WIDTH // 2)
            low_high = _halves(builder, quads, WIDTH // 4)
            low = builder.extract_element(low_high, _I32(0))
            return builder.fadd(low, builder.extract_element(low_high, _I32(1)))

        return types.float32(v), codegen
