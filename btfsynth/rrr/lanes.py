"""Restarts as lanes: where each restart of a batch keeps its replicas in the kernel's tiles.

The kernels (sweeps.py) run every operation on rows of lanes, and a lane is one training item
of one restart. A problem with few items (the 2×2 multiplier has 16) gives rows too short to
fill the SIMD units and too little work per call to amortise the per-node and per-call costs,
so several restarts of the same network and data share a tile: restart slot s sits in tile
``s // per``, as segment ``s % per``, lanes ``(s % per)·N … (s % per + 1)·N − 1``. A problem
whose items span several chunks (layout.chunk_bounds) already fills its rows: it runs one
restart at a time, one chunk per tile, as before.

Every sum over items is taken per segment and then over the restart's segments in chunk order,
and every other operation is per lane, so a restart's trajectory is the same bit for bit
whichever slot it occupies and whoever its neighbours are: the same as alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .kernels import FLOAT
from .layout import CHUNK_ITEMS, Problem, State, tile

TILE_LANES = 512
"""Lanes of a tile of packed restarts at most. Long rows amortise what every loop over a row
costs whatever its length (LLVM's run-time alias checks, loop set-up, the per-node work of the
root solves): the kernel alone ran the 2×2 batch at about 4.9 ns per edge·item·iteration in
64-lane tiles and 3.5 ns in one tile of 288 lanes, measured in the same minutes; a small
problem's tile still fits in the L2 cache."""
BATCH_WORK = 16_384
"""Edge·lanes per iteration that a batch of a small problem aims at: enough to amortise the
per-call and per-restart costs (consensus, bookkeeping) of the kernel."""
MAX_BATCH = 64
"""At most this many restarts run side by side in one batch."""


def restarts_per_tile(n_items: int, n_edges: int) -> int:
    """Whole restarts that share a tile: as many as BATCH_WORK needs, within TILE_LANES lanes
    and MAX_BATCH restarts (1 when one restart fills a tile).

    >>> restarts_per_tile(16, 60), restarts_per_tile(8, 10), restarts_per_tile(64, 474)
    (18, 64, 1)
    """
    wanted = -(-BATCH_WORK // (n_items * n_edges))
    return max(1, min(TILE_LANES // n_items, wanted, MAX_BATCH))


def batch_size(n_items: int, n_edges: int) -> int:
    """How many restarts of a problem run side by side (R), from its size alone.

    R is ``per`` (restarts per tile, restarts_per_tile) times enough tiles to reach
    BATCH_WORK edge·lanes per iteration, at most MAX_BATCH; a problem of more than one chunk,
    or whose one restart already reaches BATCH_WORK, runs alone (R = 1). R never depends on
    the thread count, the number of jobs or the load, and a restart's trajectory does not
    depend on R or on its slot, so a seed alone determines its run.

    >>> batch_size(16, 60), batch_size(64, 474), batch_size(256, 5280)
    (18, 1, 1)
    """
    if n_items > CHUNK_ITEMS:
        return 1
    per = restarts_per_tile(n_items, n_edges)
    tiles = -(-BATCH_WORK // (per * n_items * n_edges))
    return int(max(1, min(per * tiles, MAX_BATCH // per * per)))


NODE_PARTS = 2
"""Parts a restart's nodes are split into when it runs alone in one tile (node_parts)."""


def restart_threads(n_items: int, n_edges: int, n_btf: int) -> int:
    """Threads one restart of a problem can use: NODE_PARTS when it runs alone in one tile
    (one chunk of items, batch size 1: the 3×3 multiplier), else 1 (its tiles, or its
    batch's, share the threads instead; a search runs such restarts side by side).

    >>> restart_threads(64, 474, 42), restart_threads(16, 60, 12), restart_threads(256, 5280, 160)
    (2, 1, 1)
    """
    alone = n_items <= CHUNK_ITEMS and batch_size(n_items, n_edges) == 1
    return NODE_PARTS if alone and n_btf >= NODE_PARTS else 1


@dataclass
class ThreadChoice:
    """Whether the next block of iterations of a restart split over two threads (node_parts)
    runs on them or on one: the one measured faster. The thread count never changes a result
    (the parts' sums are added in the same order either way), so the choice is free to follow
    the machine. On this 2-vCPU host, two threads ran a 3×3 restart at 24–27k iterations per
    second, but at 16–17k while the host slowed one vCPU: below one thread's 18–19k
    (BENCHMARKS.md).

    Both are measured twice at the start (the first block of each may load its kernel); then
    the faster runs, and the other is measured again every PROBE blocks.

    >>> choice = ThreadChoice()
    >>> for threaded, rate in [(True, 16e3), (True, 16e3), (False, 18e3), (False, 18e3)]:
    ...     assert choice.pick() == threaded
    ...     choice.record(threaded, rate)
    >>> choice.pick()  # one thread was faster
    False
    """

    PROBE = 8
    rates: dict = field(default_factory=dict)  # threaded or not -> iterations per second
    measured: dict = field(default_factory=dict)  # threaded or not -> blocks measured
    blocks: int = 0

    def pick(self) -> bool:
        for threaded in (True, False):
            if self.measured.get(threaded, 0) < 2:
                return threaded
        faster = self.rates[True] >= self.rates[False]
        return (not faster) if self.blocks % self.PROBE == self.PROBE - 1 else faster

    def record(self, threaded: bool, rate: float) -> None:
        """The rate of a block long enough to time (the caller's judgement)."""
        self.blocks += 1
        self.measured[threaded] = self.measured.get(threaded, 0) + 1
        if self.measured[threaded] > 1:  # the first may include loading the kernel
            self.rates[threaded] = rate


def node_parts(problem: Problem) -> np.ndarray:
    """Where sweeps 1 and 3 split the nodes of a restart, as bounds: part p has nodes
    ``bounds[p]`` to ``bounds[p + 1]`` (part 0 also the bias and the inputs).

    A restart that fills a tile alone has no other tiles to share the threads with, so its BTF
    nodes are split in restart_threads parts of about equal edges; each part's blocks project
    and concur into sums of its own, added in part order, so that two threads can run one
    restart. The split depends on the problem alone, never on the threads, so a seed still
    determines its run. Measured on the 3×3 multiplier, two threads ran a restart 1.5× as fast
    as one (BENCHMARKS.md).

    >>> from btfsynth.network import ThresholdNetwork
    >>> from btfsynth.rrr.layout import make_problem
    >>> from btfsynth.tasks import multiplier
    >>> def bounds(bits, widths):
    ...     net = ThresholdNetwork.layered(widths)
    ...     return node_parts(make_problem(net, multiplier(bits).dataset, 3.0)).tolist()
    >>> bounds(3, [6, 12, 12, 12, 6]), bounds(2, [4, 4, 4, 4])
    ([0, 31, 49], [0, 17])
    """
    parts = restart_threads(problem.n_items, problem.n_edges, problem.n_btf)
    edges = np.cumsum(np.diff(problem.in_ptr)[problem.first_btf :])
    cuts = [
        problem.first_btf + int(np.searchsorted(edges, edges[-1] * p / parts)) + 1
        for p in range(1, parts)
    ]
    return np.array([0, *cuts, problem.n_nodes], dtype=np.int64)


@dataclass(eq=False)
class Lanes:
    """The tiles of a batch of up to ``capacity`` restarts of ``problem``, the per-restart
    scalars the kernel keeps, and the data and targets laid out lane by lane.

    Slots 0..active−1 are the running restarts (kept packed by :meth:`move`)."""

    problem: Problem
    capacity: int
    per: int  # restarts per tile (segments)
    seg: np.ndarray  # int64 (C,): lanes per segment of each tile
    datat: np.ndarray  # (C, n_inputs, L)
    targt: np.ndarray  # (C, n_outputs, L)
    state: State  # (C, ·, L) tiles
    u: np.ndarray  # (C, V, L): each block's root u, from sweep 1 to sweep 3 (0: margin held)
    iu: np.ndarray  # (C, V, L): its 1/(1 − u²)
    yb: np.ndarray
    blocks: np.ndarray
    wbar: np.ndarray  # (capacity, E)
    iters: np.ndarray  # int64 (capacity,)
    limit: np.ndarray  # int64 (capacity,)
    min_gap: np.ndarray  # (capacity,)
    last: np.ndarray  # (capacity, 4)
    bounds: np.ndarray  # int64 (parts + 1,): node_parts
    _geometry: dict = field(default_factory=dict, repr=False)

    @classmethod
    def create(cls, problem: Problem, capacity: int) -> Lanes:
        packed = len(problem.chunks) == 2
        if not packed and capacity != 1:
            raise ValueError("a problem of several chunks runs one restart at a time")
        n = problem.n_items
        per = min(capacity, restarts_per_tile(n, problem.n_edges)) if packed else 1
        if packed:
            tiles = -(-capacity // per)
            seg = np.full(tiles, n, dtype=np.int64)
            datat = np.tile(tile(problem.data, problem.chunks), (tiles, 1, per)).astype(FLOAT)
            targt = np.tile(tile(problem.targets, problem.chunks), (tiles, 1, per)).astype(FLOAT)
        else:
            seg = np.diff(problem.chunks).astype(np.int64)
            datat = tile(problem.data, problem.chunks).astype(FLOAT)
            targt = tile(problem.targets, problem.chunks).astype(FLOAT)
        width = int(seg[0] * per) if packed else int(seg.max())
        shape_e = (len(seg), problem.n_edges, width)
        shape_v = (len(seg), problem.n_nodes, width)
        return cls(
            problem, capacity, per, seg, np.ascontiguousarray(datat),
            np.ascontiguousarray(targt),
            State(*(np.zeros(shape, FLOAT) for shape in (shape_e, shape_e, shape_v, shape_v))),
            np.zeros(shape_v, FLOAT), np.ones(shape_v, FLOAT), np.zeros(shape_v, FLOAT),
            np.zeros(shape_v, FLOAT),
            np.zeros((capacity, problem.n_edges)), np.zeros(capacity, dtype=np.int64),
            np.zeros(capacity, dtype=np.int64), np.full(capacity, np.inf), np.zeros((capacity, 4)),
            node_parts(problem),
        )  # fmt: skip

    @property
    def spread(self) -> bool:
        """One restart over several tiles (its chunks), rather than restarts packed in tiles."""
        return len(self.problem.chunks) > 2

    def where(self, slot: int) -> list[tuple[int, slice, slice]]:
        """(tile, lanes, items) of each of the slot's segments, in chunk order."""
        chunks = self.problem.chunks
        if self.spread:
            bounds = zip(chunks, chunks[1:])
            return [(c, slice(0, hi - lo), slice(lo, hi)) for c, (lo, hi) in enumerate(bounds)]
        n = self.problem.n_items
        j = slot % self.per
        return [(slot // self.per, slice(j * n, (j + 1) * n), slice(0, n))]

    def place(self, slot: int, start: State) -> None:
        """Put a restart's starting point (layout.initial_state's tiles) into ``slot``, with
        fresh per-restart scalars."""
        for c, lanes, _ in self.where(slot):
            for name in ("w", "x", "y", "g"):
                source = getattr(start, name)[c if self.spread else 0]
                getattr(self.state, name)[c, :, lanes] = source[:, : lanes.stop - lanes.start]
        self.iters[slot] = 0
        self.min_gap[slot] = np.inf
        self.last[slot] = np.inf
        self.wbar[slot] = 0.0

    def move(self, source: int, target: int) -> None:
        """Move the restart in slot ``source`` to slot ``target`` (to keep the slots packed)."""
        for (c, lanes, _), (d, to, _) in zip(self.where(source), self.where(target)):
            for array in (self.state.w, self.state.x, self.state.y, self.state.g):
                array[d, :, to] = array[c, :, lanes]
        for array in (self.wbar, self.iters, self.limit, self.min_gap, self.last):
            array[target] = array[source]

    def rows(self, slot: int, array: np.ndarray, rows: slice) -> np.ndarray:
        """``array[:, rows]`` of the slot's lanes as an item-major ``(N, ·)`` array."""
        out = np.empty((self.problem.n_items, len(range(*rows.indices(array.shape[1])))))
        for c, lanes, items in self.where(slot):
            out[items] = array[c, rows, lanes].T
        return out

    def geometry(self, active: int) -> tuple:
        """The kernel's description of slots 0..active−1: (tiles in use, segments per tile,
        lanes per segment, slot of each segment, then per slot its segments as a CSR list of
        (tile, segment) in chunk order). Made once per ``active``: a batch of a small problem
        calls the kernel thousands of times."""
        if active not in self._geometry:
            self._geometry[active] = self._describe(active)
        return self._geometry[active]

    def _describe(self, active: int) -> tuple:
        tiles = len(self.seg) if self.spread else -(-active // self.per)
        segs = np.empty(tiles, dtype=np.int64)
        seg_slot = np.zeros((tiles, self.per), dtype=np.int64)
        if self.spread:
            segs[:] = 1
        else:
            for c in range(tiles):
                segs[c] = min(self.per, active - c * self.per)
                seg_slot[c, : segs[c]] = np.arange(c * self.per, c * self.per + segs[c])
        ptr = np.zeros(active + 1, dtype=np.int64)
        tile_of, seg_of = [], []
        for s in range(active):
            for c, _, _ in self.where(s):
                tile_of.append(c)
                seg_of.append(0 if self.spread else s % self.per)
            ptr[s + 1] = len(tile_of)
        return (
            tiles, segs, self.seg, seg_slot, active, ptr,
            np.array(tile_of, dtype=np.int64), np.array(seg_of, dtype=np.int64),
        )  # fmt: skip
