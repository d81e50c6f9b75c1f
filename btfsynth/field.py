"""The field of a BTF node, h = Σ_e w_e y_src(e), summed the same way wherever it decides a value.

The forward pass (:meth:`ThresholdNetwork.forward`), the compiler's enumeration of a node's
function (compile/function.py) and the snapping of learned weights (rrr/snap.py) all take a
node's value as sgn(h). Where h lies within rounding of 0, the order of summation decides the
sign, so all three sum here: edge by edge in the network's edge order, in double precision,
without fused multiply-adds. That order is the same on every machine (a BLAS dot product, used
before, picks its blocking and its FMAs by CPU), and for the small networks the learner scores
at every checkpoint it is several times faster than numpy's per-node gathers.

>>> import numpy as np
>>> y = np.array([[-1.0, 1.0, -1.0], [-1.0, 1.0, 1.0]])
>>> node_field(y, np.array([0, 1, 2]), np.array([1.0, 1.0, 1.0])).tolist()
[-1.0, 1.0]
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def node_field(y: np.ndarray, columns: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Per row i of the value array ``y``: Σ_j weights[j] · y[i, columns[j]], j in order."""
    out = np.empty(y.shape[0])
    for i in range(y.shape[0]):
        h = 0.0
        for j in range(len(columns)):
            h += y[i, columns[j]] * weights[j]
        out[i] = h
    return out


@njit(cache=True)
def forward_fields(
    h: np.ndarray, y: np.ndarray, src: np.ndarray, in_ptr: np.ndarray, weights: np.ndarray,
    start: int,
) -> None:  # fmt: skip
    """Fields ``h[:, v]`` and values ``y[:, v]`` = sgn(h) (+1 for h > 0, else −1) of nodes v ≥
    ``start`` in topological order, from the values of the nodes before them; edges in CSR
    order (``in_ptr``, ``src``, ``weights``)."""
    for v in range(start, len(in_ptr) - 1):
        a, b = in_ptr[v], in_ptr[v + 1]
        field = node_field(y, src[a:b], weights[a:b])
        for i in range(y.shape[0]):
            h[i, v] = field[i]
            y[i, v] = 1.0 if field[i] > 0.0 else -1.0
