"""Snapping learned weights to the margin-maximised ±sqrt(m/s) patterns (method.md §1).

A node that has the margin δ = sqrt(m/σ) on all its inputs has an equivalent form with s ≤ σ
nonzero weights, all ±sqrt(m/s) (s odd: BUF/NOT, MAJ3, AND/OR with the bias, ...). Training
imposes the margin only on the inputs that occur, so this is checked, not assumed: a node is
snapped only when the whole network still gets every training item right that it got right
before. The compiler (btfsynth/compile/) then reads gates off the snapped nodes.
"""

from __future__ import annotations

import numpy as np

from ..field import node_field
from ..network import ThresholdNetwork

NEGLIGIBLE = 0.25
"""Weights below this fraction of a node's largest weight count as negligible."""


def items_correct(
    network: ThresholdNetwork,
    h: np.ndarray,
    y: np.ndarray,
    targets: np.ndarray,
    care: np.ndarray | None = None,
) -> np.ndarray:
    """Per item, from the forward pass (h, y): are all its cared output bits right (binary;
    ``care`` None means all), or its argmax (class)?"""
    out = slice(network.n_nodes - network.n_outputs, network.n_nodes)
    if network.output_kind == "class":
        return np.argmax(h[:, out], 1) == np.argmax(targets, 1)
    right = (y[:, out] > 0) == (targets > 0)
    return np.all(right if care is None else right | ~care, axis=1)


def pattern(weights: np.ndarray, support: int) -> np.ndarray:
    """The ``support`` largest weights set to ±sqrt(m/support) (their signs), the rest 0."""
    m = len(weights)
    top = np.argsort(-np.abs(weights), kind="stable")[:support]
    snapped = np.zeros(m)
    snapped[top] = np.where(weights[top] > 0, 1.0, -1.0) * np.sqrt(m / support)
    return snapped


def candidate_supports(weights: np.ndarray) -> list[int]:
    """Odd support sizes to try, nearest the count of non-negligible weights first."""
    big = np.abs(weights)
    count = int(np.sum(big >= NEGLIGIBLE * big.max())) if big.max() > 0 else 0
    tries = [count] if count % 2 else [count - 1, count + 1]
    return [s for s in tries if 1 <= s <= len(weights)]


def snap(
    network: ThresholdNetwork,
    weights: np.ndarray,
    inputs: np.ndarray,
    targets: np.ndarray,
    care: np.ndarray | None = None,
) -> tuple[np.ndarray, list[bool]]:
    """Snap the nodes of ``network`` (with ``weights``) in topological order.

    ``inputs`` are ±1 training inputs, ``targets`` 0/1 and ``care`` their care mask (None: all
    cared for; an item is right when its cared bits are). Returns the new weights and one flag per
    BTF node: True where the node took a ±1 pattern. A pattern that leaves the node's values on
    every item unchanged is taken at once (nothing downstream can change; the common case);
    otherwise the rest of the network is recomputed and the pattern is kept only if every item
    that was right stays right. So the cost is about one forward pass plus one per node whose
    values move, not one full pass per node.
    """
    current = np.asarray(weights, dtype=np.float64).copy()
    net = network.with_weights(current)
    net.weights = current  # edges are already in CSR order: share the array being edited
    h, y = net.forward(inputs)
    keep = items_correct(net, h, y, targets, care)
    class_outputs = network.output_kind == "class"
    flags = []
    for n in network.btf_nodes:
        sl = slice(network.in_ptr[n], network.in_ptr[n + 1])
        raw = current[sl].copy()
        snapped = False
        for support in candidate_supports(raw):
            current[sl] = pattern(raw, support)
            field = node_field(y, network.src[sl], current[sl])
            if not class_outputs and np.array_equal(np.where(field > 0, 1.0, -1.0), y[:, n]):
                h[:, n] = field
                snapped = True
                break
            h2, y2 = h.copy(), y.copy()
            net.forward_from(h2, y2, n)
            if np.all(items_correct(net, h2, y2, targets, care)[keep]):
                h, y = h2, y2
                snapped = True
                break
        if not snapped:
            current[sl] = raw
        flags.append(snapped)
    return current, flags
