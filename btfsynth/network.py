"""Threshold networks: DAGs of Boolean threshold function (BTF) nodes, as the learner sees them.

Nodes are numbered in topological order (docs/method.md §1): node 0 is the bias (value −1
always), nodes ``1..n_inputs`` are the inputs, then the BTF nodes, the last ``n_outputs`` of
which are the outputs. A BTF node computes ``y = sgn(Σ w_e y_src(e))`` over its in-edges, with
``sgn(h) = +1`` for ``h > 0`` and −1 otherwise. Values are ±1 (True = +1) throughout.

Edges are held in CSR form both ways: ``in_ptr`` indexes the edges into each node (edges are
stored sorted by receiving node), ``out_ptr``/``out_edges`` the edges out of each node.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .errors import BtfsynthError
from .truthtable import Seed, TruthTable, rng_from

OUTPUT_KINDS = ("binary", "class")
MAX_NODES = 1 << 24
"""Networks beyond 16 M nodes are refused before any memory is taken."""


def checked_weights(weights: np.ndarray, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """``weights`` as float64, one per edge (src[e] -> dst[e]) and all finite."""
    weights = np.asarray(weights, dtype=np.float64).ravel()
    if len(weights) != len(src):
        raise BtfsynthError(f"{len(weights)} weights for {len(src)} edges")
    if not np.all(np.isfinite(weights)):
        e = int(np.flatnonzero(~np.isfinite(weights))[0])
        raise BtfsynthError(f"edge {src[e]} -> {dst[e]}: weight {weights[e]} is not finite")
    return weights


@dataclass(eq=False)
class ThresholdNetwork:
    """A network of BTF nodes with float weights on its edges.

    >>> net = ThresholdNetwork.layered([2, 1])
    >>> net.n_nodes, net.n_edges, net.in_edges(3).tolist()
    (4, 3, [0, 1, 2])
    """

    n_nodes: int
    n_inputs: int
    n_outputs: int
    src: np.ndarray
    dst: np.ndarray
    weights: np.ndarray
    input_names: tuple[str, ...] = ()
    output_names: tuple[str, ...] = ()
    output_kind: str = "binary"
    metadata: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        src = np.asarray(self.src, dtype=np.int64).ravel()
        dst = np.asarray(self.dst, dtype=np.int64).ravel()
        if len(src) != len(dst):
            raise BtfsynthError("src, dst and weights must have one entry per edge")
        weights = checked_weights(self.weights, src, dst)
        if not 0 <= self.n_inputs < self.n_nodes or self.n_nodes > MAX_NODES:
            raise BtfsynthError(
                f"{self.n_nodes} nodes and {self.n_inputs} inputs: need 0 <= inputs < nodes "
                f"<= {MAX_NODES}"
            )
        first = self.first_btf
        if self.n_outputs < 1 or self.n_nodes - first < self.n_outputs:
            raise BtfsynthError(
                f"{self.n_nodes} nodes leave no room for {self.n_inputs} inputs, "
                f"the bias and {self.n_outputs} output BTF nodes"
            )
        bad = np.flatnonzero((dst < first) | (dst >= self.n_nodes) | (src < 0) | (src >= dst))
        if len(bad):
            e = bad[0]
            raise BtfsynthError(
                f"edge {src[e]} -> {dst[e]} breaks the node order (sources must precede their "
                f"BTF node; nodes {first}..{self.n_nodes - 1} are BTF nodes)"
            )
        order = np.argsort(dst, kind="stable")
        self.src, self.dst, self.weights = src[order], dst[order], weights[order]
        counts = np.bincount(self.dst, minlength=self.n_nodes)
        empty = [v for v in range(first, self.n_nodes) if counts[v] == 0]
        if empty:
            raise BtfsynthError(f"BTF node {empty[0]} has no in-edges")
        self.in_ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self.out_edges = np.argsort(self.src, kind="stable").astype(np.int64)
        out_counts = np.bincount(self.src, minlength=self.n_nodes)
        self.out_ptr = np.concatenate([[0], np.cumsum(out_counts)]).astype(np.int64)
        n, m = self.n_inputs, self.n_outputs
        self.input_names = tuple(self.input_names) or tuple(f"x{j}" for j in range(n))
        self.output_names = tuple(self.output_names) or tuple(f"y{k}" for k in range(m))
        if len(self.input_names) != n or len(self.output_names) != m:
            raise BtfsynthError("one name per input and per output is needed")
        if self.output_kind not in OUTPUT_KINDS:
            raise BtfsynthError(f"output kind must be one of {OUTPUT_KINDS}")

    # -- structure ---------------------------------------------------------------------------
    @classmethod
    def layered(
        cls,
        widths: Sequence[int],
        seed: Seed | None = None,
        input_names: Sequence[str] = (),
        output_names: Sequence[str] = (),
        output_kind: str = "binary",
    ) -> ThresholdNetwork:
        """A fully connected layered network: ``widths`` = (inputs, hidden..., outputs).

        Every node of layer l gets the bias edge first, then one edge from each node of layer
        l−1. Weights are 0, or normalised random Gaussians (``w·w = m`` per node) with a seed.
        """
        widths = [int(w) for w in widths]
        if len(widths) < 2 or min(widths[1:]) < 1 or widths[0] < 0:
            raise BtfsynthError(f"widths {widths}: need inputs and at least one BTF layer")
        src, dst = [], []
        start = 1  # first node of the previous layer
        node = 1 + widths[0]
        for prev, width in zip(widths[:-1], widths[1:]):
            for _ in range(width):
                src.extend([0, *range(start, start + prev)])
                dst.extend([node] * (prev + 1))
                node += 1
            start += prev
        net = cls(
            node,
            widths[0],
            widths[-1],
            src,
            dst,
            np.zeros(len(src)),
            tuple(input_names),
            tuple(output_names),
            output_kind,
        )
        net.metadata["widths"] = widths
        if seed is not None:
            w = rng_from(seed).standard_normal(len(src))
            net.weights = net.normalised(w)
        return net

    @property
    def first_btf(self) -> int:
        """Index of the first BTF node (nodes below it are the bias and the inputs)."""
        return self.n_inputs + 1

    @property
    def n_edges(self) -> int:
        return len(self.src)

    @property
    def btf_nodes(self) -> range:
        return range(self.first_btf, self.n_nodes)

    @property
    def output_nodes(self) -> range:
        return range(self.n_nodes - self.n_outputs, self.n_nodes)

    def in_edges(self, node: int) -> np.ndarray:
        """Edge indices into ``node`` (a slice of the CSR arrays)."""
        return np.arange(self.in_ptr[node], self.in_ptr[node + 1])

    def fan_in(self, node: int) -> int:
        """``m`` of method.md: the node's in-degree, bias edge included."""
        return int(self.in_ptr[node + 1] - self.in_ptr[node])

    def node_weights(self, node: int) -> tuple[np.ndarray, np.ndarray]:
        """(source nodes, weights) of the edges into ``node``."""
        sl = slice(self.in_ptr[node], self.in_ptr[node + 1])
        return self.src[sl], self.weights[sl]

    def with_weights(self, weights: np.ndarray, **metadata) -> ThresholdNetwork:
        """A copy with other weights (in this network's edge order) and extra metadata.

        The structure is this network's, already checked and sorted, so only the weights are
        checked: the learner makes one such copy at every checkpoint of every restart."""
        net = copy.copy(self)
        net.weights = checked_weights(weights, self.src, self.dst)
        net.metadata = {**self.metadata, **metadata}
        return net

    def normalised(self, weights: np.ndarray) -> np.ndarray:
        """``weights`` rescaled per node so that ``w·w = m`` (rms weight 1, method.md §1)."""
        weights = np.asarray(weights, dtype=np.float64)
        sq = np.bincount(self.dst, weights=weights**2, minlength=self.n_nodes)
        m = np.diff(self.in_ptr).astype(np.float64)
        scale = np.sqrt(np.divide(m, sq, out=np.ones_like(sq), where=sq > 0))
        return weights * scale[self.dst]

    # -- inference ---------------------------------------------------------------------------
    def forward(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Fields ``h`` and values ``y`` of every node for ±1 (or analog in [−1, 1]) inputs.

        ``x`` has shape (items, n_inputs); returns two (items, n_nodes) float arrays, with the
        bias and input columns of ``h`` equal to their values.
        """
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self.n_inputs:
            raise BtfsynthError(f"the network has {self.n_inputs} inputs, got shape {x.shape}")
        items = len(x)
        y = np.empty((items, self.n_nodes))
        h = np.empty((items, self.n_nodes))
        y[:, 0] = -1.0
        y[:, 1 : self.first_btf] = x
        h[:, : self.first_btf] = y[:, : self.first_btf]
        self.forward_from(h, y, self.first_btf)
        return h, y

    def forward_from(self, h: np.ndarray, y: np.ndarray, start: int) -> None:
        """Recompute, in place, the fields and values of nodes ``start`` onwards from the
        values of the nodes before them (after a change to node ``start``'s weights); each
        field summed edge by edge (field.py)."""
        from .field import forward_fields  # numba only once a network is evaluated

        forward_fields(h, y, self.src, self.in_ptr, self.weights, max(start, self.first_btf))

    def predict(self, inputs: np.ndarray) -> np.ndarray:
        """0/1 outputs for 0/1 (or analog [0, 1]) input rows: sign per output for binary
        networks, the one-hot argmax of the output fields for class networks."""
        h, y = self.forward(2.0 * np.asarray(inputs, dtype=np.float64) - 1.0)
        out = self.output_nodes
        if self.output_kind == "class":
            onehot = np.zeros((len(h), self.n_outputs), dtype=np.uint8)
            onehot[np.arange(len(h)), np.argmax(h[:, out.start : out.stop], axis=1)] = 1
            return onehot
        return (y[:, out.start : out.stop] > 0).astype(np.uint8)

    def accuracy(self, table: TruthTable) -> float:
        """Bitwise accuracy over the cared output bits (binary), or the fraction of rows whose
        class is right (class outputs)."""
        pred = self.predict(table.inputs)
        if self.output_kind == "class":
            if len(pred) == 0:
                return 1.0
            return float(np.mean(np.argmax(pred, 1) == np.argmax(table.outputs, 1)))
        cared = table.care.sum()
        return float(((pred == table.outputs) & table.care).sum() / cared) if cared else 1.0
