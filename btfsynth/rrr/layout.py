"""The learner's problem layout: a network and its training items as flat arrays.

Divide and concur (docs/method.md §2) gives every training item its own replica of the network:
w and x per edge and item, y per node and item, and metric weights g per node and item (used on
BTF nodes; bias and inputs keep weight 1). Items are split into chunks, and each array is stored
as tiles ``w[c, e, k]`` (chunk c, edge e, k-th item of the chunk): every replica goes through the
same arithmetic, so the kernels run it on contiguous rows of a chunk's items, which vectorise,
and a chunk's tile is one contiguous stream. :func:`tile` and :func:`untile` convert from and to
item-major ``(N, ·)`` arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..dataset import Dataset
from ..errors import BtfsynthError
from ..network import ThresholdNetwork
from ..truthtable import Seed, rng_from
from .kernels import FLOAT

INPUT_CODES = {"binary": 0, "analog": 0, "hypercube": 1, "onehot": 2}
"""How constraint A treats input nodes: 0 = fixed to data, 1 = sgn (hypercube code),
2 = one-hot at the argmax (generative problems, method.md §3)."""

MAX_CHUNKS = 16
CHUNK_ITEMS = 64
"""Items are split into contiguous chunks of about CHUNK_ITEMS items (long enough rows for the
vectorised loops, small enough that a block's rows stay in cache), at most MAX_CHUNKS of them.
Sums over items are taken per chunk and then over chunks in chunk order, so a run does not
depend on how many threads execute the chunks."""


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
    targets: np.ndarray  # float64 (N, n_outputs): ±1, 0 where the target is a don't-care
    chunks: np.ndarray  # int64 (C+1,): item ranges of the chunks

    @property
    def n_items(self) -> int:
        return len(self.targets)

    @property
    def n_edges(self) -> int:
        return len(self.src)

    @cached_property
    def free_outputs(self) -> bool:
        """Some target is a don't-care (0): the kernels then check every output lane (asked at
        every kernel call, so kept)."""
        return bool(np.any(self.targets == 0.0))

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
    """Contiguous item ranges, as equal as possible (see :data:`CHUNK_ITEMS`)."""
    count = max(1, min(-(-n_items // CHUNK_ITEMS), MAX_CHUNKS))
    return np.linspace(0, n_items, count + 1).round().astype(np.int64)


def make_problem(network: ThresholdNetwork, data: Dataset, sigma: float) -> Problem:
    """Check that ``network`` fits ``data`` and lay both out for the kernels. A don't-care
    target (``data.care`` False) becomes 0: that output of that item is not clamped in
    constraint B but concurs like a hidden node (method.md §4)."""
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
        targets=np.ascontiguousarray(free_targets(data)),
        chunks=chunk_bounds(data.n_items),
    )


def free_targets(data: Dataset) -> np.ndarray:
    """The ±1 targets of ``data``, with 0 where a target is a don't-care."""
    signed = data.signed_targets()
    if data.care is not None:
        signed[~data.care] = 0.0
    return signed


def tile(a: np.ndarray, chunks: np.ndarray) -> np.ndarray:
    """An item-major ``(N, X)`` array as chunk tiles ``(C, X, L)``, L the longest chunk; the
    tail of a shorter chunk's rows is zero.

    >>> tile(np.arange(6.0).reshape(3, 2), np.array([0, 2, 3])).tolist()
    [[[0.0, 2.0], [1.0, 3.0]], [[4.0, 0.0], [5.0, 0.0]]]
    """
    sizes = np.diff(chunks)
    tiles = np.zeros((len(sizes), a.shape[1], int(sizes.max())), dtype=a.dtype)
    for c, (lo, hi) in enumerate(zip(chunks[:-1], chunks[1:])):
        tiles[c, :, : hi - lo] = a[lo:hi].T
    return tiles


def untile(tiles: np.ndarray, chunks: np.ndarray) -> np.ndarray:
    """The item-major ``(N, X)`` array of chunk tiles (the inverse of :func:`tile`)."""
    return np.concatenate([t[:, : hi - lo].T for t, lo, hi in zip(tiles, chunks, chunks[1:])])


@dataclass(eq=False)
class State:
    """The RRR point z = (w, x, y) and the metric weights g."""

    w: np.ndarray  # (C, E, L) tiles
    x: np.ndarray  # (C, E, L)
    y: np.ndarray  # (C, V, L)
    g: np.ndarray  # (C, V, L); 1 on bias and input rows

    def copy(self) -> State:
        return State(self.w.copy(), self.x.copy(), self.y.copy(), self.g.copy())


def initial_state(problem: Problem, seed: Seed) -> State:
    """The starting point of method.md §5: w, x, hidden y ~ U(−1, 1) per item, inputs = data,
    outputs = targets, bias = −1, g = 1. Generative inputs, and outputs whose target is a
    don't-care, start random like hidden nodes."""
    rng = rng_from(seed)
    n, e, v = problem.n_items, problem.n_edges, problem.n_nodes
    w = rng.uniform(-1.0, 1.0, (n, e))
    x = rng.uniform(-1.0, 1.0, (n, e))
    y = rng.uniform(-1.0, 1.0, (n, v))
    y[:, 0] = -1.0
    if problem.input_code == 0:
        y[:, 1 : problem.first_btf] = problem.data
    outputs = y[:, problem.first_output :]
    np.copyto(outputs, problem.targets, where=problem.targets != 0.0)
    return State(*(tile(a.astype(FLOAT), problem.chunks) for a in (w, x, y, np.ones((n, v)))))


def input_codes(problem: Problem, free: np.ndarray) -> np.ndarray:
    """The ±1 input values every item presents: its data, or for generative problems the
    projection (sgn or one-hot) of ``free``, the item-major ``(N, n_inputs)`` values y of the
    input nodes."""
    if problem.input_code == 0:
        return problem.data.copy()
    if problem.input_code == 1:
        return np.where(free > 0, 1.0, -1.0)
    codes = -np.ones_like(free)
    codes[np.arange(len(free)), np.argmax(free, axis=1)] = 1.0
    return codes
