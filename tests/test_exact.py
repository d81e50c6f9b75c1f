"""Exact synthesis (btfsynth.passes.exact): right on every cared row, and minimal where the
minimum is known."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from btfsynth.passes.exact import smallest, synthesize
from btfsynth.tasks import multiplier
from btfsynth.truthtable import all_input_rows


def table_of(function, n: int) -> np.ndarray:
    rows = all_input_rows(n)
    return np.array([[bool(function(row)) for row in rows]])


@pytest.mark.parametrize(
    ("name", "n", "function", "optimum"),
    [
        ("AND3", 3, lambda r: r.all(), 2),
        ("XOR2", 2, lambda r: r[0] ^ r[1], 3),
        ("MAJ3", 3, lambda r: r.sum() >= 2, 4),
        ("MUX", 3, lambda r: r[1] if r[0] else r[2], 3),
    ],
)
def test_known_optima(name, n, function, optimum):
    f = table_of(function, n)
    care = np.ones_like(f)
    assert synthesize(f, care, optimum - 1) is False
    found = synthesize(f, care, optimum)
    assert len(found.gates) == optimum
    assert np.array_equal(found.truth(), f)


def test_the_2x2_multiplier_needs_8_ands():
    table = multiplier(2).table.complete()
    f, care = table.outputs.T, table.care.T
    assert synthesize(f, care, 7) is False
    found = synthesize(f, care, 8)
    assert np.array_equal(found.truth(), f.astype(bool))


def test_dont_cares_are_used():
    """x0·x1 with every row where they differ free: x0 alone (no AND)."""
    f = table_of(lambda r: r[0] & r[1], 2)
    care = np.array([[True, False, False, True]])
    found = smallest(f, care, upper=1)
    assert found is not None and len(found.gates) == 0 and found.outputs == ((0, False),)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 3), st.data())
def test_every_circuit_is_right_on_the_cared_rows(n, data):
    rows = 1 << n
    m = data.draw(st.integers(1, 2))
    bits = data.draw(st.lists(st.booleans(), min_size=2 * m * rows, max_size=2 * m * rows))
    f = np.array(bits[: m * rows]).reshape(m, rows)
    care = np.array(bits[m * rows :]).reshape(m, rows)
    found = smallest(f, care, upper=9, conflicts=0)
    assert found is not None  # 8 ANDs make any function of 3 inputs
    assert not ((found.truth() != f) & care).any()
    if found.gates:
        assert synthesize(f, care, len(found.gates) - 1) is False  # smallest is minimal here
