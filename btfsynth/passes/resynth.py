"""Exact resynthesis: parts of an AIG replaced by their smallest circuits, found by SAT.

A *window* is a set of leaves ``L`` (a cut of some node, at most :data:`MAX_LEAVES` of them)
and every node that is a function of ``L`` alone; its outputs are the window nodes used outside
it. The window's functions of ``L`` go to exact synthesis (:mod:`btfsynth.passes.exact`), with
the leaf patterns that no input row produces as don't-cares (computed by simulating all rows,
for circuits of at most :data:`btfsynth.passes.resub.MAX_INPUTS` inputs); when a circuit with
fewer ANDs than the window exists, it replaces the window. A small circuit of at most
:data:`MAX_LEAVES` inputs is tried whole instead, with the table's don't-cares too. This is the
"last mile" of the contest winners (e.g. Riener et al., "Exact DAG-aware rewriting", DATE 2020) —
exact on small windows, where rewriting with a 4-input database cannot see multi-output
sharing.
"""

from __future__ import annotations

import time

import numpy as np

from ..netlist import Netlist
from .aignet import Aig, Expr, input_words
from .exact import ExactAig, smallest

MAX_LEAVES = 6
"""Windows have at most this many leaves (64 truth-table rows)."""
MAX_WINDOW = 14
"""Windows of more ANDs than this are not tried (exact synthesis would not finish)."""
MAX_WHOLE = 20
"""Circuits of at most :data:`MAX_LEAVES` inputs and this many ANDs are tried whole."""
CUTS_PER_NODE = 12
CONFLICTS = 20_000
"""Conflicts one exact-synthesis call on a window may spend."""
SDC_INPUTS = 16
"""Circuits of at most this many inputs get the unreachable leaf patterns as don't-cares."""


def _cuts(aig: Aig, k: int) -> list[list[tuple[int, ...]]]:
    """Up to :data:`CUTS_PER_NODE` cuts of at most ``k`` leaves per node, smallest first."""
    cuts: list[list[tuple[int, ...]]] = [[(v,)] for v in range(aig.n_inputs + 1)]
    cuts[0] = [()]
    for v in range(aig.n_inputs + 1, aig.size):
        a, b = (x >> 1 for x in aig.fanin(v))
        found = {tuple(sorted(set(p) | set(q))) for p in cuts[a] for q in cuts[b]}
        kept = sorted((c for c in found if len(c) <= k), key=lambda c: (len(c), c))
        cuts.append([(v,), *kept[:CUTS_PER_NODE]])
    return cuts


class _Windows:
    """The fan-outs of an AIG and, for few inputs, every node's value on all rows."""

    def __init__(self, aig: Aig):
        self.aig = aig
        self.fanouts: list[list[int]] = [[] for _ in range(aig.size)]
        for v in range(aig.n_inputs + 1, aig.size):
            for x in aig.fanin(v):
                self.fanouts[x >> 1].append(v)
        self.used_outside = {x >> 1 for x in aig.outputs}
        n = aig.n_inputs
        self.values = aig.simulate(input_words(n)) if n <= SDC_INPUTS else None

    def window(self, leaves: tuple[int, ...]) -> tuple[list[int], list[int]]:
        """The nodes that are functions of ``leaves`` alone (none in the leaves' own fan-in
        cones) and, of those, the ones used outside the window (sorted)."""
        below, stack = set(), list(leaves)
        while stack:  # the leaves' fan-in cones: a window node there would close a loop
            u = stack.pop()
            if self.aig.is_and(u):
                for x in self.aig.fanin(u):
                    if x >> 1 not in below:
                        below.add(x >> 1)
                        stack.append(x >> 1)
        inside, frontier = set(leaves), sorted({w for u in leaves for w in self.fanouts[u]})
        nodes: set[int] = set()
        while frontier:
            w = frontier.pop()
            if w in nodes or w in below or w in inside:
                continue
            if all(x >> 1 in inside for x in self.aig.fanin(w)):
                inside.add(w)
                nodes.add(w)
                frontier.extend(self.fanouts[w])
        window = sorted(nodes)
        outputs = [
            w
            for w in window
            if w in self.used_outside or any(u not in nodes for u in self.fanouts[w])
        ]
        return window, outputs

    def functions(
        self, leaves: tuple[int, ...], window: list[int], outputs: list[int]
    ) -> tuple[np.ndarray, np.ndarray]:
        """The outputs' truth tables over ``leaves`` (row t: leaf j is bit ``k - 1 - j``), and
        their care rows: the leaf patterns some input row produces (all, for many inputs)."""
        k = len(leaves)
        rows = np.arange(1 << k)
        value = {u: ((rows >> (k - 1 - j)) & 1).astype(bool) for j, u in enumerate(leaves)}
        for w in window:
            a, b = self.aig.fanin(w)
            value[w] = (value[a >> 1] ^ bool(a & 1)) & (value[b >> 1] ^ bool(b & 1))
        functions = np.array([value[w] for w in outputs])
        care = np.ones(1 << k, dtype=bool)
        if self.values is not None:
            bits = np.unpackbits(
                self.values[list(leaves)].view(np.uint8), axis=1, bitorder="little"
            )[:, : 1 << self.aig.n_inputs]
            pattern = (bits.astype(np.int64) << np.arange(k - 1, -1, -1)[:, None]).sum(axis=0)
            care[:] = False
            care[np.unique(pattern)] = True
        return functions, np.broadcast_to(care, functions.shape)


def _expressions(found: ExactAig, leaves: tuple[int, ...]) -> list[Expr]:
    """The exact circuit's outputs as expressions over the leaves' literals."""
    node: list[Expr] = [2 * u for u in leaves]

    def literal(v: int, inverted: bool) -> Expr:
        e = 0 if v < 0 else node[v]
        return ("not", e) if inverted else e

    for a, pa, b, pb in found.gates:
        node.append(("and", literal(a, pa), literal(b, pb)))
    return [literal(v, p) for v, p in found.outputs]


def _whole(aig: Aig, care: np.ndarray | None, conflicts: int, seconds: float | None) -> Aig:
    """The smallest AIG exact synthesis finds for the whole circuit (or ``aig`` itself)."""
    n = aig.n_inputs
    values = aig.simulate(input_words(n))
    rows = np.unpackbits(values.view(np.uint8), axis=1, bitorder="little")[:, : 1 << n]
    functions = np.array([rows[x >> 1].astype(bool) ^ bool(x & 1) for x in aig.outputs])
    cared = np.ones_like(functions) if care is None else np.asarray(care, bool).T
    found = smallest(functions, cared, len(aig.ands), conflicts, seconds)
    if found is None:
        return aig
    built = _from_expressions(n, _expressions(found, tuple(range(1, n + 1))))
    return built if len(built.ands) < len(aig.ands) else aig


def _from_expressions(n: int, outputs: list[Expr]) -> Aig:
    """An AIG over ``n`` inputs whose outputs are the given expressions over their literals."""
    first = n + 1
    scaffold = Aig(n, [(0, 0)] * len(outputs), [2 * (first + o) for o in range(len(outputs))])
    built, _ = scaffold.rebuild({first + o: e for o, e in enumerate(outputs)})
    return built


def resynthesize(
    netlist: Netlist,
    care: np.ndarray | None = None,
    windows: int = 100,
    whole_conflicts: int = 300_000,
    seconds: float | None = None,
) -> Netlist:
    """``netlist`` as an AND2 netlist with windows replaced by smaller exact circuits (see the
    module docstring), equal to it on every cared output row (``care`` as in
    :func:`btfsynth.passes.resub.resubstitute`: used when the whole circuit is tried).
    At most ``windows`` windows go to exact synthesis, each within :data:`CONFLICTS`
    conflicts per size (the whole circuit within ``whole_conflicts``), so the result is fixed
    by the input; ``seconds`` also bounds the
    time (then the result may depend on the machine's speed)."""
    deadline = None if seconds is None else time.monotonic() + seconds
    aig = Aig.from_netlist(netlist)
    if aig.n_inputs <= MAX_LEAVES and len(aig.ands) <= MAX_WHOLE:
        return _whole(aig, care, whole_conflicts, seconds).to_netlist(netlist)
    failed: set[bytes] = set()
    improved = True
    while improved:
        improved = False
        state, cuts = _Windows(aig), _cuts(aig, MAX_LEAVES)
        for v in range(aig.size - 1, aig.n_inputs, -1):
            for leaves in cuts[v][1:]:
                if deadline is not None and time.monotonic() > deadline:
                    return aig.to_netlist(netlist)
                window, outputs = state.window(leaves)
                if not 3 <= len(window) <= MAX_WINDOW:
                    continue
                functions, cared = state.functions(leaves, window, outputs)
                key = functions.tobytes() + cared.tobytes() + bytes([len(window)])
                if key in failed:
                    continue
                if windows <= 0:
                    return aig.to_netlist(netlist)
                windows -= 1
                left = None if deadline is None else deadline - time.monotonic()
                found = smallest(functions, cared, len(window), CONFLICTS, left)
                if found is None:
                    failed.add(key)
                    continue
                replace = dict(zip(outputs, _expressions(found, leaves)))
                new, _ = aig.rebuild(replace)
                if len(new.ands) < len(aig.ands):
                    aig, improved = new, True
                    break
                failed.add(key)
            if improved:
                break
    return aig.to_netlist(netlist)
