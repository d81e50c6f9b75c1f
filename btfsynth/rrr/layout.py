"""The learner's problem layout: a network and its training items as flat arrays.

Divide and concur (docs/method.md §2) gives every training item its own replica of the network:
``w[i, e]`` and ``x[i, e]`` per item and edge, ``y[i, n]`` per item and node, and metric weights
``g[i, n]`` (used on BTF nodes; bias and inputs keep weight 1). Arrays are item-major so that an
item's replica is contiguous: the per-item projections stream it once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..dataset import Dataset
from ..errors import BtfsynthError
from ..network import ThresholdNetwork
from ..truthtable import Seed, rng_from

INPUT_CODES = {"binary": 0, "analog": 0, "hypercube": 1, "onehot": 2}
"""How constraint A treats input nodes: 0 = fixed to data, 1 = sgn (hypercube code),
2 = one-hot at the argmax (generative problems, method.md §3)."""

MAX_CHUNKS = 16
"""Items are split into at most this many contiguous chunks. Sums over items are taken per
chunk in item order and then over chunks in chunk order, so a run does not depend on how many
threads execute the chunks."""


@dataclass(eq=False)
class Problem:
    """A network's structure, the per-node margins and the training items, as numba-ready arrays."""

    n_nodes: int
    n_inputs: int
    n_outputs: int
    src: np.ndarray  # int64 (E,), edges sorted by receiving node
    dst: np.ndarray  # int64 (E,)
    in_ptr: np.ndarray  # int64 (V+1,), CSR of in-edges
    m: np.ndarray  # float64 (V,), in-degree of BTF nodes (0 elsewhere)
    delta: np.ndarray  # float64 (V,), margin sqrt(m / sigma) of BTF nodes
    input_code: int
    data: np.ndarray  # float64 (N, n_inputs): ±1 or analog 2v−1 inputs (N × 0 when generative)
    targets: np.ndarray  # float64 (N, n_outputs): ±1
    chunks: np.ndarray  # int64 (C+1,): item ranges of the chunks

    @property
    def n_items(self) -> int:
        return len(self.targets)

    @property
    def n_edges(self) -> int:
        return len(self.src)

    @property
    def first_btf(self) -> int:
        return self.n_inputs + 1

    @property
    def first_output(self) -> int:
        return self.n_nodes - self.n_outputs

    @property
    def n_btf(self) -> int:
        return self.n_nodes - self.first_btf


def chunk_bounds(n_items: int) -> np.ndarray:
    """Contiguous item ranges, as equal as possible, at most :data:`MAX_CHUNKS` of them."""
    count = max(1, min(n_items, MAX_CHUNKS))
    return np.linspace(0, n_items, count + 1).round().astype(np.int64)


def make_problem(network: ThresholdNetwork, data: Dataset, sigma: float) -> Problem:
    """Check that ``network`` fits ``data`` and lay both out for the kernels."""
    if network.n_inputs != data.n_inputs or network.n_outputs != data.n_outputs:
        raise BtfsynthError(
            f"the network has {network.n_inputs} inputs and {network.n_outputs} outputs, "
            f"the data {data.n_inputs} and {data.n_outputs}"
        )
    if data.n_items == 0:
        raise BtfsynthError("no training items")
    if not sigma > 0:
        raise BtfsynthError(f"sigma must be positive, not {sigma}")
    m = np.diff(network.in_ptr).astype(np.float64)
    m[: network.first_btf] = 0.0
    return Problem(
        n_nodes=network.n_nodes,
        n_inputs=network.n_inputs,
        n_outputs=network.n_outputs,
        src=network.src.copy(),
        dst=network.dst.copy(),
        in_ptr=network.in_ptr.copy(),
        m=m,
        delta=np.sqrt(m / sigma),
        input_code=INPUT_CODES[data.input_kind],
        data=np.ascontiguousarray(data.signed_inputs()),
        targets=np.ascontiguousarray(data.signed_targets()),
        chunks=chunk_bounds(data.n_items),
    )


@dataclass(eq=False)
class State:
    """The RRR point z = (w, x, y) and the metric weights g."""

    w: np.ndarray  # (N, E)
    x: np.ndarray  # (N, E)
    y: np.ndarray  # (N, V)
    g: np.ndarray  # (N, V); 1 on bias and input columns

    def copy(self) -> State:
        return State(self.w.copy(), self.x.copy(), self.y.copy(), self.g.copy())


def initial_state(problem: Problem, seed: Seed) -> State:
    """The starting point of method.md §5: w, x, hidden y ~ U(−1, 1) per item, inputs = data,
    outputs = targets, bias = −1, g = 1. Generative inputs start random like hidden nodes."""
    rng = rng_from(seed)
    n, e, v = problem.n_items, problem.n_edges, problem.n_nodes
    w = rng.uniform(-1.0, 1.0, (n, e))
    x = rng.uniform(-1.0, 1.0, (n, e))
    y = rng.uniform(-1.0, 1.0, (n, v))
    y[:, 0] = -1.0
    if problem.input_code == 0:
        y[:, 1 : problem.first_btf] = problem.data
    y[:, problem.first_output :] = problem.targets
    return State(w, x, y, np.ones((n, v)))


def input_codes(problem: Problem, y: np.ndarray) -> np.ndarray:
    """The ±1 input values every item presents: its data, or the projection of its learned code
    (sgn or one-hot) for generative problems."""
    free = y[:, 1 : problem.first_btf]
    if problem.input_code == 0:
        return problem.data.copy()
    if problem.input_code == 1:
        return np.where(free > 0, 1.0, -1.0)
    codes = -np.ones_like(free)
    codes[np.arange(len(free)), np.argmax(free, axis=1)] = 1.0
    return codes
