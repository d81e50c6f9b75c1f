"""field.py: one order of summation for every sgn(h) the tools decide."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from btfsynth.compile.function import enumerated
from btfsynth.field import node_field
from btfsynth.network import ThresholdNetwork
from btfsynth.truthtable import all_input_rows

weights = st.floats(-4, 4, allow_nan=False, allow_subnormal=True) | st.sampled_from(
    [1.0, -1.0, 1e-300, 5e-324, 1 / 3]
)


def in_order(values: list[float]) -> float:
    """The plain left-to-right sum of Python floats (IEEE double, no fused multiply-add)."""
    total = 0.0
    for v in values:
        total += v
    return total


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_node_field_sums_edge_by_edge_in_order(data):
    k = data.draw(st.integers(1, 8))
    cols = np.array(data.draw(st.lists(st.integers(0, k - 1), min_size=1, max_size=10)))
    w = np.array(data.draw(st.lists(weights, min_size=len(cols), max_size=len(cols))))
    y = np.where(np.random.default_rng(k).random((5, k)) > 0.5, 1.0, -1.0)
    got = node_field(y, cols, w)
    for i in range(len(y)):
        assert got[i] == in_order([float(y[i, c]) * float(x) for c, x in zip(cols, w)])


def test_forward_pass_and_compiler_enumeration_agree_where_the_order_decides():
    # h = 1 + 1e-16 x1 - 1 at x1 = +1, x2 = -1: in edge order the 1e-16 is lost to rounding
    # (h = 0, value -1); summed in another order it would survive (h > 0, value +1).
    net = ThresholdNetwork(4, 2, 1, [0, 1, 2], [3, 3, 3], [-1.0, 1e-16, 1.0])
    rows = all_input_rows(2)
    h, y = net.forward(2.0 * rows - 1.0)
    tie = np.flatnonzero((rows[:, 0] == 1) & (rows[:, 1] == 0))[0]
    assert h[tie, 3] == 0.0 and y[tie, 3] == -1.0
    fn = enumerated(net, 3, np.array([1, 2]))
    assert np.array_equal(fn.values, y[:, 3] > 0)
    assert np.array_equal(net.predict(rows)[:, 0], (y[:, 3] > 0).astype(np.uint8))
