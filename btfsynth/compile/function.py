"""The Boolean function of one BTF node, over its inputs, on all or on the observed patterns.

Inputs are taken in order of decreasing ``|w|``; if the largest ``t ≤ 20`` of them give a field
``h_S`` with ``min |h_S| > Σ |w| over the rest`` on all ``2^t`` patterns, the rest can never
change the sign, so the node is a function of those ``t`` inputs on *all* its input patterns
(:func:`by_tail`). Otherwise a node of fan-in ``k ≤ 20`` is enumerated on all ``2^k`` patterns,
with the field summed exactly as :meth:`ThresholdNetwork.forward` sums it (:func:`enumerated`).
Wider nodes (up to :data:`MARGIN_FANIN`) whose field keeps a margin from 0 on every pattern
are proven THRESHOLD gates with rounded weights (:func:`btfsynth.compile.fit.margin_fit`);
the rest are decided on the patterns they receive over the care set, or over random rows when
there is none (:func:`observed_functions`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from ..field import node_field
from ..network import ThresholdNetwork
from ..truthtable import Seed, TruthTable, all_input_rows, rng_from

EXHAUSTIVE_FANIN = 20
"""Nodes with at most this many inputs are enumerated on all their input patterns."""
MARGIN_FANIN = 40
"""Wider nodes are proven threshold gates up to this fan-in by their field's margin
(:func:`min_abs_field` over 2^20 sums per half at most: about 50 MB)."""
EXHAUSTIVE_INPUTS = 24
"""Networks with at most this many inputs are verified on every input row."""
RANDOM_CARE_ROWS = 1 << 16
"""Random rows a wide node is decided on when neither its margin nor a table decides it."""
BLOCK = 1 << 12
"""Rows per block when evaluating: the forward pass's per-node gathers then stay in cache
(about 6× faster than 2^16-row blocks on a 32-wide network) and memory stays bounded."""


@dataclass
class NodeFunction:
    """A node's truth table over candidate inputs: ``values[r]`` for 0/1 ``patterns[r]``."""

    sources: np.ndarray
    weights: np.ndarray
    patterns: np.ndarray
    values: np.ndarray


def merged_edges(network: ThresholdNetwork, node: int) -> tuple[np.ndarray, np.ndarray, float]:
    """(distinct non-bias sources, their summed weights, summed bias weight) of ``node``.

    Sources whose edges all have weight exactly 0 are left out: they add ±0 to the field in
    any order of summation, so they can never change the node's output."""
    src, w = network.node_weights(node)
    live = (src != 0) & (w != 0)
    sources, index = np.unique(src[live], return_inverse=True)
    merged = np.bincount(index, weights=w[live], minlength=len(sources))
    return sources, merged, float(w[src == 0].sum())


def _subset_sums(w: np.ndarray) -> np.ndarray:
    """``±1 · w`` summed over all 2^len(w) sign patterns (canonical order, first input MSB),
    by doubling: 8 bytes per pattern."""
    sums = np.zeros(1)
    for x in w[::-1]:
        sums = np.concatenate([sums - x, sums + x])
    return sums


def min_abs_field(w: np.ndarray, bias: float) -> float:
    """``min |Σ ±w_i − bias|`` over all sign patterns, by meeting in the middle: the sums of
    each half are sorted and each left sum is matched with its nearest right partner."""
    half = len(w) // 2
    left, right = _subset_sums(w[:half]) - bias, np.sort(_subset_sums(w[half:]))
    pos = np.searchsorted(right, -left)
    best = np.inf
    for p in (np.minimum(pos, len(right) - 1), np.maximum(pos - 1, 0)):
        best = min(best, float(np.min(np.abs(left + right[p]))))
    return best


def _greedy_field(w: np.ndarray, bias: float) -> float:
    """``|Σ ±w_i − bias|`` for signs chosen greedily to cancel: an upper bound on the minimum."""
    h = -bias
    for x in w:
        h += -x if h > 0 else x
    return abs(h)


def by_tail(sources: np.ndarray, w: np.ndarray, bias: float) -> NodeFunction | None:
    """The node's function over its largest weights, if the small ones provably never matter."""
    order = np.argsort(-np.abs(w), kind="stable")
    mags = np.abs(w[order])
    tails = np.concatenate([np.cumsum(mags[::-1])[::-1], [0.0]])
    eps = 1e-9 * (tails[0] + abs(bias))
    for t in range(min(len(w), EXHAUSTIVE_FANIN) + 1):
        if _greedy_field(mags[:t], bias) <= tails[t] + eps:
            continue  # some pattern of the t largest leaves a field the rest can flip
        if min_abs_field(w[order[:t]], bias) > tails[t] + eps:
            keep = np.sort(order[:t])
            patterns = all_input_rows(t).astype(bool)
            h = np.where(patterns, 1.0, -1.0) @ w[keep] - bias
            return NodeFunction(sources[keep], w[keep], patterns, h > 0)
    return None


def enumerated(network: ThresholdNetwork, node: int, sources: np.ndarray) -> NodeFunction:
    """All 2^k patterns of the node's live inputs, the field summed edge by edge as the forward
    pass sums it (field.node_field)."""
    src, w = network.node_weights(node)
    k = len(sources)
    columns = np.searchsorted(sources, src) + 1  # column 0 holds the bias
    columns[(src == 0) | (w == 0)] = 0  # zero-weight edges: any value will do
    values = np.empty(1 << k, dtype=bool)
    for start, rows in row_blocks(k, 0, 1 << k):
        y = np.empty((len(rows), k + 1))
        y[:, 0] = -1.0
        y[:, 1:] = 2.0 * rows - 1.0
        values[start : start + len(rows)] = node_field(y, columns, w) > 0
    _, merged, _ = merged_edges(network, node)
    return NodeFunction(sources, merged, all_input_rows(k).astype(bool), values)


def support_complete(fn: NodeFunction) -> NodeFunction:
    """Restrict a complete truth table to the inputs that can change it."""
    k = len(fn.sources)
    table = fn.values.reshape((2,) * k)
    relevant = [bool(np.any(np.take(table, 0, j) != np.take(table, 1, j))) for j in range(k)]
    index = tuple(slice(None) if r else 0 for r in relevant)
    keep = np.flatnonzero(relevant)
    return NodeFunction(
        fn.sources[keep],
        fn.weights[keep],
        all_input_rows(len(keep)).astype(bool),
        table[index].ravel(),
    )


def restrict(fn: NodeFunction, keep: np.ndarray) -> NodeFunction:
    return NodeFunction(fn.sources[keep], fn.weights[keep], fn.patterns[:, keep], fn.values)


def node_function(network: ThresholdNetwork, v: int) -> NodeFunction | None:
    """The node's exact function over all its input patterns, or None when it is too wide."""
    sources, merged, bias = merged_edges(network, v)
    fn = by_tail(sources, merged, bias)
    if fn is None and len(sources) <= EXHAUSTIVE_FANIN:
        fn = enumerated(network, v, sources)
    return None if fn is None else support_complete(fn)


def rows_of(numbers: np.ndarray, n: int) -> np.ndarray:
    """The 0/1 input rows ``(len(numbers), n)`` of canonical row numbers (first input the MSB)."""
    shifts = np.arange(n - 1, -1, -1, dtype=np.int64)
    return ((np.asarray(numbers, dtype=np.int64)[:, None] >> shifts) & 1).astype(np.uint8)


def row_blocks(n: int, start: int, stop: int) -> Iterator[tuple[int, np.ndarray]]:
    """Canonical input rows ``start..stop`` over ``n`` inputs, in blocks of :data:`BLOCK`."""
    for lo in range(start, stop, BLOCK):
        yield lo, rows_of(np.arange(lo, min(stop, lo + BLOCK)), n)


def care_blocks(
    network: ThresholdNetwork, table: TruthTable | None, seed: Seed = 0
) -> Iterator[np.ndarray]:
    """The rows data-exact nodes are decided on: all rows for small networks, else the table,
    else :data:`RANDOM_CARE_ROWS` random rows."""
    n = network.n_inputs
    if n <= EXHAUSTIVE_INPUTS:
        return (rows for _, rows in row_blocks(n, 0, 1 << n))
    if table is None:
        return random_blocks(n, RANDOM_CARE_ROWS, seed)
    return (table.inputs[lo : lo + BLOCK] for lo in range(0, table.n_rows, BLOCK))


def random_blocks(n: int, rows: int, seed: Seed) -> Iterator[np.ndarray]:
    """``rows`` uniformly random input rows over ``n`` inputs, in blocks of :data:`BLOCK`."""
    rng = rng_from(seed)
    for lo in range(0, rows, BLOCK):
        yield rng.integers(0, 2, size=(min(BLOCK, rows - lo), n), dtype=np.uint8)


def observed_functions(
    network: ThresholdNetwork, nodes: list[int], blocks: Iterator[np.ndarray]
) -> dict[int, NodeFunction]:
    """For each node, the distinct input patterns it receives over ``blocks`` and its outputs."""
    seen: dict[int, list[np.ndarray]] = {v: [] for v in nodes}
    for rows in blocks:
        _, y = network.forward(2.0 * rows - 1.0)
        for v in nodes:
            sources, _, _ = merged_edges(network, v)
            both = np.concatenate([y[:, sources] > 0, y[:, [v]] > 0], axis=1)
            seen[v].append(np.unique(both, axis=0))
    result = {}
    for v in nodes:
        sources, merged, _ = merged_edges(network, v)
        both = np.unique(np.concatenate(seen[v]), axis=0)
        result[v] = NodeFunction(sources, merged, both[:, :-1], both[:, -1])
    return result
