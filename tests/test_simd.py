"""The 16-lane vectors of the sweeps (btfsynth.rrr.simd): masked loads and stores touch exactly
lanes k..k+n−1, and vector arithmetic is float32 arithmetic lane by lane, bit for bit."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit

from btfsynth.rrr.kernels import row_sum
from btfsynth.rrr.simd import WIDTH, load, load_at, splat, store, store_at, tree_sum


@njit(cache=True)
def _copy_chunk(src, dst, k, n):
    store(dst, k, n, load(src, k, n))


@njit(cache=True)
def _copy_chunk_2d(src, dst, i, k, n):
    store_at(dst, i, k, n, load_at(src, i, k, n))


@njit(cache=True)
def _combine(a, b, c, out, s):
    """out = (a + b * c − s) * a, in chunks of WIDTH (the last one masked)."""
    for k in range(0, len(a), WIDTH):
        n = min(WIDTH, len(a) - k)
        va, vb, vc = load(a, k, n), load(b, k, n), load(c, k, n)
        store(out, k, n, (va + vb * vc - splat(s)) * va)


@njit(cache=True)
def _dot_rows(w, x, out):
    """out[k] = Σ_e w[e, k] x[e, k], the sum kept in a vector across the rows."""
    for k in range(0, w.shape[1], WIDTH):
        n = min(WIDTH, w.shape[1] - k)
        acc = splat(0.0)
        for e in range(w.shape[0]):
            acc = acc + load_at(w, e, k, n) * load_at(x, e, k, n)
        store(out, k, n, acc)


@njit(cache=True)
def _partials_then_tree(v):
    """row_sum(v, 0, len(v)) for len(v) a multiple of WIDTH, as the reflection loop takes it:
    the 16 partial sums in a vector, chunk by chunk, then tree_sum."""
    partial = splat(0.0)
    for k in range(0, len(v), WIDTH):
        partial = partial + load(v, k, WIDTH)
    return tree_sum(partial)


@njit(cache=True)
def _row_sum(v):
    return row_sum(v, 0, len(v))


finite32 = st.floats(-1e6, 1e6, allow_nan=False, width=32)


@settings(max_examples=60, deadline=None)
@given(length=st.integers(1, 40), data=st.data())
def test_a_masked_copy_writes_exactly_its_lanes(length, data):
    k = data.draw(st.integers(0, length - 1))
    n = data.draw(st.integers(0, min(WIDTH, length - k)))
    src = np.arange(1, length + 1, dtype=np.float32)
    dst = np.full(length, -1.0, dtype=np.float32)
    _copy_chunk(src, dst, k, n)
    expected = np.full(length, -1.0, dtype=np.float32)
    expected[k : k + n] = src[k : k + n]
    assert np.array_equal(dst, expected)
    grid = np.full((3, length), -1.0, dtype=np.float32)
    _copy_chunk_2d(np.tile(src, (3, 1)), grid, 1, k, n)
    assert np.array_equal(grid[1], expected)
    assert np.all(grid[[0, 2]] == -1.0)


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.tuples(finite32, finite32, finite32), min_size=1, max_size=40),
       s=finite32)  # fmt: skip
def test_vector_arithmetic_is_float32_arithmetic_lane_by_lane(values, s):
    a, b, c = (np.array(column, dtype=np.float32) for column in zip(*values))
    out = np.empty_like(a)
    _combine(a, b, c, out, s)
    with np.errstate(over="ignore", invalid="ignore"):
        expected = (a + b * c - np.float32(s)) * a
    assert np.array_equal(out, expected, equal_nan=True)


def test_sums_kept_in_a_vector_add_rows_in_order():
    rng = np.random.default_rng(0)
    w, x = (rng.standard_normal((7, 37)).astype(np.float32) for _ in range(2))
    out = np.empty(37, dtype=np.float32)
    _dot_rows(w, x, out)
    expected = np.zeros(37, dtype=np.float32)
    for e in range(7):
        expected = expected + w[e] * x[e]
    assert np.array_equal(out, expected)


@settings(max_examples=80, deadline=None)
@given(chunks=st.integers(1, 5), data=st.data())
def test_tree_sum_of_partials_is_row_sum_bit_for_bit(chunks, data):
    values = data.draw(st.lists(finite32, min_size=chunks * WIDTH, max_size=chunks * WIDTH))
    v = np.array(values, dtype=np.float32)
    assert _partials_then_tree(v) == _row_sum(v)
    assert np.float32(_partials_then_tree(v)).tobytes() == np.float32(_row_sum(v)).tobytes()
