"""Compile a learned threshold network into an AND / OR / MAJ / NOT gate netlist, and prove it.

Each BTF node ``y = sgn(w · x)`` (bias node value −1, ``sgn(0) = −1``; docs/method.md §1) is
replaced by the gate that computes the same Boolean function of its inputs:

1. **Its function.** Inputs are taken in order of decreasing ``|w|``; if the largest ``t ≤ 20``
   of them give a field ``h_S`` with ``min |h_S| > Σ |w| over the rest`` on all ``2^t`` patterns,
   the rest can never change the sign, so the node is a function of those ``t`` inputs on *all*
   its input patterns (this is the sparsity result of the paper made checkable). Otherwise a node
   of fan-in ``k ≤ 20`` is enumerated on all ``2^k`` patterns, with the field summed exactly as
   :meth:`ThresholdNetwork.forward` sums it. Larger nodes are decided on the patterns they
   receive over the care set and are marked *data-exact, not all-input-exact*.
2. **Its support.** An input is dropped when flipping it never changes the output. On
   observed patterns, inputs are dropped in order of increasing ``|w|`` while the real weights
   of the rest still separate the observations, or (a second candidate) while the observations
   stay a function of the rest; the cheaper gate of the two wins.
3. **Its gate.** Constant, a literal (BUF/NOT become an inversion flag on the fan-in, no gate),
   AND / OR of literals (polarities read off the truth table), MAJ of literals (polarities from
   the weight signs), each accepted only if its truth table equals the node's; otherwise a
   THRESHOLD gate whose small integer weights come from rounding the real weights at increasing
   scales, with the threshold read off the node's own truth table and accepted only when it
   reproduces it on every pattern.
4. **Reachable patterns.** Training imposes the margin only on patterns that occur, so a hidden
   node can be a THRESHOLD gate on all its input patterns yet an AND/OR/MAJ on those it can
   receive. In networks of at most 24 inputs such a node is re-examined on the patterns it
   receives from all 2^n network inputs and takes the exact gate that fits there (reported as
   not all-input-exact; the netlist still equals the network on every input). With ``shrink``
   every node is re-examined and takes the cheaper gate (AND2 count).

The netlist is then simplified (:mod:`btfsynth.simplify`) and proven equal to the network:
on all ``2^n`` input rows when ``n ≤ 24`` (then the care set used for data-exact nodes is all
rows too), else on the care set plus 10^6 random rows. A mismatch where the construction
promises equality is a bug and raises :class:`CompileMismatch` with the counterexample; on random
rows outside the care set a network with data-exact nodes may differ, and the agreement is
reported instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from .errors import BtfsynthError
from .netlist import Gate, Kind, Netlist, Signal
from .network import ThresholdNetwork
from .simplify import simplify as simplify_netlist
from .truthtable import Seed, TruthTable, all_input_rows, rng_from, row_keys

EXHAUSTIVE_FANIN = 20
"""Nodes with at most this many inputs are enumerated on all their input patterns."""
EXHAUSTIVE_INPUTS = 24
"""Networks with at most this many inputs are verified on every input row."""
RANDOM_ROWS = 10**6
"""Extra random rows checked for wider networks."""
BLOCK = 1 << 12
"""Rows per block when evaluating: the forward pass's per-node gathers then stay in cache
(about 6× faster than 2^16-row blocks on a 32-wide network) and memory stays bounded."""
MAX_SCALE_BITS = 50
"""Largest integer weight tried for THRESHOLD gates is about 2**MAX_SCALE_BITS."""


class CompileMismatch(RuntimeError):
    """The compiled netlist differs from the network on a row where it must not (a bug)."""

    def __init__(self, message: str, row: np.ndarray):
        super().__init__(message)
        self.row = row


@dataclass
class NodeGate:
    """How one BTF node was compiled."""

    node: int
    kind: str
    """const0, const1, buf, not, and, or, maj, threshold or (float rounding only) sop."""
    support: tuple[int, ...]
    """Network nodes the gate reads (the bias is folded into the gate)."""
    all_inputs: bool = True
    """True when decided on all input patterns of the node, False when data-exact."""
    reason: str = ""
    """Why the node is data-exact or a THRESHOLD gate."""


@dataclass
class CompileReport:
    """Per network: which gate each node became, how exact, and how the result was checked."""

    nodes: list[NodeGate] = field(default_factory=list)
    checked_rows: int = 0
    """Rows on which the netlist was proven equal to the network."""
    exhaustive: bool = False
    """True when ``checked_rows`` is the whole input space."""
    random_rows: int = 0
    random_agree: int = 0
    """Random rows outside the care set, and on how many of them all outputs agree."""
    table_accuracy: float | None = None
    """Bitwise accuracy of the netlist on the table's cared output bits, when a table is given."""

    @property
    def exact(self) -> int:
        """Nodes that became a constant, a literal, AND, OR or MAJ."""
        return len(self.nodes) - self.threshold

    @property
    def threshold(self) -> int:
        """Nodes that fell back to a THRESHOLD gate (or, where float rounding makes the field
        no threshold function, to an SOP cover)."""
        return sum(g.kind in ("threshold", "sop") for g in self.nodes)

    @property
    def data_exact(self) -> int:
        return sum(not g.all_inputs for g in self.nodes)

    @property
    def by_kind(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for g in self.nodes:
            counts[g.kind] = counts.get(g.kind, 0) + 1
        return dict(sorted(counts.items()))

    def lines(self) -> list[str]:
        kinds = ", ".join(f"{k} {v}" for k, v in self.by_kind.items())
        out = [
            f"BTF nodes:  {len(self.nodes)}  ({kinds})",
            f"exact:      {self.exact} exact gates, {self.threshold} THRESHOLD, "
            f"{self.data_exact} data-exact (not all-input-exact)",
        ]
        out += [f"  node {g.node} ({g.kind}): {g.reason}" for g in self.nodes if g.reason]
        if self.exhaustive:
            out.append(f"verified:   equal to the network on all {self.checked_rows} input rows")
        else:
            out.append(
                f"verified:   equal to the network on {self.checked_rows} care-set rows; "
                f"{self.random_agree} of {self.random_rows} random rows agree"
            )
        if self.table_accuracy is not None:
            out.append(f"table:      {100 * self.table_accuracy:.2f} % of cared output bits right")
        return out


@dataclass
class CompileResult:
    netlist: Netlist
    report: CompileReport


# -- the function of one node -----------------------------------------------------------------
@dataclass
class _NodeFunction:
    """A node's truth table over candidate inputs: ``values[r]`` for 0/1 ``patterns[r]``."""

    sources: np.ndarray
    weights: np.ndarray
    patterns: np.ndarray
    values: np.ndarray


def _merged(network: ThresholdNetwork, node: int) -> tuple[np.ndarray, np.ndarray, float]:
    """(distinct non-bias sources, their summed weights, summed bias weight) of ``node``.

    Sources whose edges all have weight exactly 0 are left out: they add ±0 to the field in
    any order of summation, so they can never change the node's output."""
    src, w = network.node_weights(node)
    live = (src != 0) & (w != 0)
    sources, index = np.unique(src[live], return_inverse=True)
    merged = np.bincount(index, weights=w[live], minlength=len(sources))
    return sources, merged, float(w[src == 0].sum())


def _subset_sums(w: np.ndarray) -> np.ndarray:
    """``±1 · w`` summed over all 2^len(w) sign patterns (canonical order, first input MSB)."""
    return np.where(all_input_rows(len(w)).astype(bool), 1.0, -1.0) @ w


def _min_abs_field(w: np.ndarray, bias: float) -> float:
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


def _by_tail(sources: np.ndarray, w: np.ndarray, bias: float) -> _NodeFunction | None:
    """The node's function over its largest weights, if the small ones provably never matter."""
    order = np.argsort(-np.abs(w), kind="stable")
    mags = np.abs(w[order])
    tails = np.concatenate([np.cumsum(mags[::-1])[::-1], [0.0]])
    eps = 1e-9 * (tails[0] + abs(bias))
    for t in range(min(len(w), EXHAUSTIVE_FANIN) + 1):
        if _greedy_field(mags[:t], bias) <= tails[t] + eps:
            continue  # some pattern of the t largest leaves a field the rest can flip
        if _min_abs_field(w[order[:t]], bias) > tails[t] + eps:
            keep = np.sort(order[:t])
            patterns = all_input_rows(t).astype(bool)
            h = np.where(patterns, 1.0, -1.0) @ w[keep] - bias
            return _NodeFunction(sources[keep], w[keep], patterns, h > 0)
    return None


def _enumerated(network: ThresholdNetwork, node: int, sources: np.ndarray) -> _NodeFunction:
    """All 2^k patterns of the node's live inputs, the field summed edge by edge as the forward
    pass sums it."""
    src, w = network.node_weights(node)
    k = len(sources)
    columns = np.searchsorted(sources, src) + 1  # column 0 holds the bias
    columns[(src == 0) | (w == 0)] = 0  # zero-weight edges: any value will do
    values = np.empty(1 << k, dtype=bool)
    for start, rows in _row_blocks(k, 0, 1 << k):
        y = np.empty((len(rows), k + 1))
        y[:, 0] = -1.0
        y[:, 1:] = 2.0 * rows - 1.0
        values[start : start + len(rows)] = y[:, columns] @ w > 0
    _, merged, _ = _merged(network, node)
    return _NodeFunction(sources, merged, all_input_rows(k).astype(bool), values)


def _support_complete(fn: _NodeFunction) -> _NodeFunction:
    """Restrict a complete truth table to the inputs that can change it."""
    k = len(fn.sources)
    table = fn.values.reshape((2,) * k)
    relevant = [bool(np.any(np.take(table, 0, j) != np.take(table, 1, j))) for j in range(k)]
    index = tuple(slice(None) if r else 0 for r in relevant)
    keep = np.flatnonzero(relevant)
    return _NodeFunction(
        fn.sources[keep],
        fn.weights[keep],
        all_input_rows(len(keep)).astype(bool),
        table[index].ravel(),
    )


def _restrict(fn: _NodeFunction, keep: np.ndarray) -> _NodeFunction:
    return _NodeFunction(fn.sources[keep], fn.weights[keep], fn.patterns[:, keep], fn.values)


def _is_function(patterns: np.ndarray, values: np.ndarray) -> bool:
    """True when equal patterns never carry different values."""
    with_values = np.concatenate([patterns, values[:, None]], axis=1)
    return len(np.unique(row_keys(with_values))) == len(np.unique(row_keys(patterns)))


def _separable(patterns: np.ndarray, values: np.ndarray, weights: np.ndarray) -> bool:
    """True when the real weights give every True pattern a larger field than every False one."""
    sums = np.where(patterns, 1.0, -1.0) @ weights
    return sums[~values].max(initial=-np.inf) < sums[values].min(initial=np.inf)


def _reduced(fn: _NodeFunction, still_ok) -> _NodeFunction:
    """Drop inputs, smallest |w| first, while ``still_ok(patterns, values, weights)`` holds."""
    keep = np.ones(len(fn.sources), dtype=bool)
    for j in np.argsort(np.abs(fn.weights), kind="stable"):
        keep[j] = False
        if not still_ok(fn.patterns[:, keep], fn.values, fn.weights[keep]):
            keep[j] = True
    return _restrict(fn, keep)


# -- gate fitting -----------------------------------------------------------------------------
@dataclass
class _Fit:
    kind: Kind
    inverted: np.ndarray
    """Inversion flag per support input."""
    weights: tuple[int, ...] = ()
    threshold: int = 0
    cover: tuple[str, ...] = ()
    onset: bool = True


def _integer_weights(mags: np.ndarray) -> Iterator[np.ndarray]:
    """Small positive integer approximations of ``mags`` first, then ever finer ones."""
    unit = mags / mags.max()
    scales = [*range(1, 17), *(2.0**b for b in range(5, MAX_SCALE_BITS + 1))]
    previous = None
    for c in scales:
        ints = np.where(mags > 0, np.maximum(1, np.rint(c * unit)), 0).astype(np.int64)
        if previous is None or not np.array_equal(ints, previous):
            yield ints
        previous = ints


def _minterms(fn: _NodeFunction) -> _Fit:
    """The node as a sum of products of its True patterns (or of its False ones, when fewer)."""
    onset = 2 * int(fn.values.sum()) <= len(fn.values)
    rows = fn.patterns[fn.values == onset].astype(np.uint8)
    cover = tuple("".join(map(str, row)) for row in rows.tolist())
    return _Fit(Kind.SOP, np.zeros(len(fn.sources), dtype=bool), cover=cover, onset=onset)


def _fit(fn: _NodeFunction) -> _Fit:
    """The simplest gate equal to ``fn`` on all its patterns.

    The last resort, a SOP cover of minterms, is only needed where float rounding has made the
    node's field no threshold function of its inputs (tie-breaking weights below the rounding
    error of the sum)."""
    f = fn.values
    s = len(fn.sources)
    inv = fn.weights < 0
    lits = fn.patterns ^ inv
    if not f.any() or f.all():
        return _Fit(Kind.CONST1 if f.all() else Kind.CONST0, inv)
    if s == 1:
        for flip in (False, True):
            if np.array_equal(lits[:, 0] ^ flip, f):
                return _Fit(Kind.BUF, inv ^ flip)
    # AND/OR polarities are read off one True (False) pattern, MAJ's from the weight signs.
    and_inv, or_inv = ~fn.patterns[f][0], fn.patterns[~f][0]
    candidates = [
        (Kind.AND, and_inv, (fn.patterns ^ and_inv).all(1)),
        (Kind.OR, or_inv, (fn.patterns ^ or_inv).any(1)),
    ]
    if s % 2:
        candidates.append((Kind.MAJ, inv, 2 * lits.sum(1) > s))
    for kind, flags, table in candidates:
        if s > 1 and np.array_equal(table, f):
            return _Fit(kind, flags)
    for ints in _integer_weights(np.abs(fn.weights)):
        sums = lits.astype(np.int64) @ ints
        if sums[~f].max() < sums[f].min():
            return _Fit(Kind.THRESHOLD, inv, tuple(int(x) for x in ints), int(sums[~f].max()) + 1)
    return _minterms(fn)


def _cost(fit: _Fit) -> float:
    """AND2 gates of a fitted gate (inverters free), roughly, for choosing between two fits."""
    k = len(fit.inverted)
    if fit.kind in (Kind.AND, Kind.OR):
        return k - 1
    if fit.kind is Kind.MAJ:
        return 4 if k == 3 else 2**k
    if fit.kind is Kind.THRESHOLD:
        return 2**k + 1
    if fit.kind is Kind.SOP:
        return len(fit.cover) * k + 2**k + 1
    return 0


def _best_observed(fn: _NodeFunction) -> tuple[_NodeFunction, _Fit]:
    """The cheapest gate equal to a node on its observed patterns, over the inputs kept while
    the real weights still separate the observations, or while the observations stay a function
    of the rest (a gate need not follow the weights there), or over all inputs."""
    separable = _reduced(fn, _separable)
    consistent = _reduced(fn, lambda patterns, values, _: _is_function(patterns, values))
    fits = [(candidate, _fit(candidate)) for candidate in (separable, consistent, fn)]
    return min(fits, key=lambda pair: _cost(pair[1]))


# -- rows -------------------------------------------------------------------------------------
def _row_blocks(n: int, start: int, stop: int) -> Iterator[tuple[int, np.ndarray]]:
    """Canonical input rows ``start..stop`` over ``n`` inputs, in blocks of :data:`BLOCK`."""
    shifts = np.arange(n - 1, -1, -1, dtype=np.int64)
    for lo in range(start, stop, BLOCK):
        r = np.arange(lo, min(stop, lo + BLOCK), dtype=np.int64)
        yield lo, ((r[:, None] >> shifts) & 1).astype(np.uint8)


def _blocks(rows: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
    for lo in range(0, len(rows), BLOCK):
        yield lo, rows[lo : lo + BLOCK]


def _care_blocks(network: ThresholdNetwork, table: TruthTable | None) -> Iterator[np.ndarray]:
    """The rows data-exact nodes are decided on: all rows for small networks, else the table."""
    n = network.n_inputs
    if n <= EXHAUSTIVE_INPUTS:
        return (rows for _, rows in _row_blocks(n, 0, 1 << n))
    if table is None:
        raise BtfsynthError(
            f"the network has {n} > {EXHAUSTIVE_INPUTS} inputs and nodes of fan-in above "
            f"{EXHAUSTIVE_FANIN} whose small weights matter: give the truth table (care set)"
        )
    return (rows for _, rows in _blocks(table.inputs))


def _observed(
    network: ThresholdNetwork, nodes: list[int], blocks: Iterator[np.ndarray]
) -> dict[int, _NodeFunction]:
    """For each node, the distinct input patterns it receives over ``blocks`` and its outputs."""
    seen: dict[int, list[np.ndarray]] = {v: [] for v in nodes}
    for rows in blocks:
        _, y = network.forward(2.0 * rows - 1.0)
        for v in nodes:
            sources, _, _ = _merged(network, v)
            both = np.concatenate([y[:, sources] > 0, y[:, [v]] > 0], axis=1)
            seen[v].append(np.unique(both, axis=0))
    result = {}
    for v in nodes:
        sources, merged, _ = _merged(network, v)
        both = np.unique(np.concatenate(seen[v]), axis=0)
        result[v] = _NodeFunction(sources, merged, both[:, :-1], both[:, -1])
    return result


# -- the compiler -----------------------------------------------------------------------------
def _gate_report(v: int, fn: _NodeFunction, fit: _Fit, inexact: str) -> NodeGate:
    """The report line of node ``v``; ``inexact`` says why it is not all-input-exact, if so."""
    kind = fit.kind.value
    if fit.kind is Kind.BUF:
        kind = "not" if fit.inverted[0] else "buf"
    reasons = [inexact] if inexact else []
    if fit.kind is Kind.THRESHOLD:
        reasons.append(
            f"its {len(fn.sources)}-input function is no constant, literal, AND, OR or MAJ of "
            f"literals: weights {list(fit.weights)}, threshold {fit.threshold}"
        )
    if fit.kind is Kind.SOP:
        reasons.append(
            f"float rounding makes its {len(fn.sources)}-input field no threshold function: "
            f"kept as {len(fit.cover)} {'on' if fit.onset else 'off'}-set minterms"
        )
    return NodeGate(v, kind, tuple(int(s) for s in fn.sources), not inexact, "; ".join(reasons))


def _node_function(network: ThresholdNetwork, v: int) -> _NodeFunction | None:
    """The node's exact function over all its input patterns, or None when it is too wide."""
    sources, merged, bias = _merged(network, v)
    fn = _by_tail(sources, merged, bias)
    if fn is None and len(sources) <= EXHAUSTIVE_FANIN:
        fn = _enumerated(network, v, sources)
    return None if fn is None else _support_complete(fn)


def _choose(
    network: ThresholdNetwork, table: TruthTable | None, reachable: bool, shrink: bool
) -> list[tuple[int, _NodeFunction, _Fit, str]]:
    """(node, function, gate, why not all-input-exact or "") for every BTF node."""
    functions = {v: _node_function(network, v) for v in network.btf_nodes}
    fits = {v: _fit(fn) for v, fn in functions.items() if fn is not None}
    wide = [v for v, fn in functions.items() if fn is None]
    retry = []
    if reachable and network.n_inputs <= EXHAUSTIVE_INPUTS:
        retry = [v for v, fit in fits.items() if shrink or fit.kind in (Kind.THRESHOLD, Kind.SOP)]
    observed = {}
    if wide or retry:
        observed = _observed(network, wide + retry, _care_blocks(network, table))
    chosen = []
    for v in network.btf_nodes:
        fn, fit, inexact = functions[v], fits.get(v), ""
        if v in observed:
            seen, seen_fit = _best_observed(observed[v])
            patterns = len(observed[v].values)
            if v in wide:
                inexact = (
                    f"fan-in {len(observed[v].sources)} > {EXHAUSTIVE_FANIN} and its small "
                    f"weights can change the output: decided on the {patterns} input patterns "
                    f"it receives"
                )
                fn, fit = seen, seen_fit
            elif _cost(seen_fit) < _cost(fit) and seen_fit.kind is not Kind.THRESHOLD:
                inexact = (
                    f"a {fit.kind.value} gate on all its input patterns, but a "
                    f"{seen_fit.kind.value} on the {patterns} patterns it receives from the "
                    f"2^{network.n_inputs} network inputs"
                )
                fn, fit = seen, seen_fit
        chosen.append((v, fn, fit, inexact))
    return chosen


def _build(
    network: ThresholdNetwork, table: TruthTable | None, reachable: bool, shrink: bool
) -> tuple[Netlist, CompileReport]:
    """One gate (or inverted fan-in, or constant) per BTF node, and the report."""
    netlist = Netlist(name=str(network.metadata.get("name", "top")))
    signal: dict[int, Signal] = {}
    for j, name in enumerate(network.input_names):
        signal[j + 1] = netlist.add_input(name)
    report = CompileReport()
    for v, fn, fit, inexact in _choose(network, table, reachable, shrink):
        ins = [
            Signal(signal[int(s)].gate, signal[int(s)].inverted ^ bool(i))
            for s, i in zip(fn.sources, fit.inverted)
        ]
        if fit.kind in (Kind.CONST0, Kind.CONST1):
            signal[v] = netlist.add_const(fit.kind is Kind.CONST1)
        elif fit.kind is Kind.BUF:
            signal[v] = ins[0]
        else:
            gate = Gate(
                fit.kind,
                tuple(ins),
                weights=fit.weights,
                threshold=fit.threshold,
                cover=fit.cover,
                onset=fit.onset,
            )
            signal[v] = netlist.add(gate)
        report.nodes.append(_gate_report(v, fn, fit, inexact))
    for v, name in zip(network.output_nodes, network.output_names):
        netlist.add_output(signal[v], name)
    return netlist.validate(), report


def _mismatch(netlist: Netlist, network: ThresholdNetwork, rows: np.ndarray) -> int | None:
    """Index of the first row where netlist and network outputs differ, or None."""
    for lo, block in _blocks(np.asarray(rows, dtype=np.uint8)):
        bad = np.flatnonzero(np.any(netlist.evaluate(block) != network.predict(block), axis=1))
        if len(bad):
            return lo + int(bad[0])
    return None


def equal_on(netlist: Netlist, network: ThresholdNetwork, rows: np.ndarray) -> bool:
    """True when the netlist and the network's forward pass agree on every 0/1 input row."""
    return _mismatch(netlist, network, rows) is None


def _counterexample(
    netlist: Netlist, network: ThresholdNetwork, row: np.ndarray, where: str
) -> CompileMismatch:
    row = row[None, :]
    want, got = network.predict(row)[0], netlist.evaluate(row)[0]
    names = [n for n, a, b in zip(network.output_names, want, got) if a != b]
    bits = "".join(map(str, row[0].tolist()))
    return CompileMismatch(
        f"compiled netlist differs from the network {where} on input {bits}: "
        f"outputs {', '.join(names)} should be "
        f"{''.join(map(str, want.tolist()))}, are "
        f"{''.join(map(str, got.tolist()))}",
        row[0],
    )


def _verify(
    netlist: Netlist,
    network: ThresholdNetwork,
    table: TruthTable | None,
    report: CompileReport,
    random_rows: int,
    seed: Seed,
) -> None:
    n = network.n_inputs
    if n <= EXHAUSTIVE_INPUTS:
        for _, rows in _row_blocks(n, 0, 1 << n):
            bad = _mismatch(netlist, network, rows)
            if bad is not None:
                raise _counterexample(netlist, network, rows[bad], "")
        report.checked_rows, report.exhaustive = 1 << n, True
        return
    if table is not None:
        bad = _mismatch(netlist, network, table.inputs)
        if bad is not None:
            raise _counterexample(netlist, network, table.inputs[bad], "on the care set")
        report.checked_rows = table.n_rows
    rng = rng_from(seed)
    for lo in range(0, random_rows, BLOCK):
        rows = rng.integers(0, 2, size=(min(BLOCK, random_rows - lo), n), dtype=np.uint8)
        agree = np.all(netlist.evaluate(rows) == network.predict(rows), axis=1)
        if report.data_exact == 0 and not agree.all():
            raise _counterexample(netlist, network, rows[np.argmin(agree)], "on a random row")
        report.random_rows += len(rows)
        report.random_agree += int(agree.sum())


def compile_network(
    network: ThresholdNetwork,
    table: TruthTable | None = None,
    *,
    simplify: bool = True,
    reachable: bool = True,
    shrink: bool = False,
    random_rows: int = RANDOM_ROWS,
    seed: Seed = 0,
) -> CompileResult:
    """Compile ``network`` into a gate netlist proven equal to it (see the module docstring).

    ``table`` is the care set for nodes too wide to enumerate in networks of more than 24
    inputs, and is scored when given. ``reachable`` allows step 4 of the module docstring;
    ``shrink`` applies it to every node whose gate gets cheaper (AND2 count) on the patterns it
    receives, not only to THRESHOLD nodes;
    ``simplify`` runs :func:`btfsynth.simplify.simplify` on the result; ``random_rows`` and
    ``seed`` set the random part of the check for wide networks. Class-output networks
    (argmax) have no netlist form.
    """
    if network.output_kind == "class":
        raise BtfsynthError(
            "a class-output network (argmax of the output fields) cannot be "
            "compiled into a netlist: only binary-output networks can"
        )
    if table is not None and (table.n_inputs, table.n_outputs) != (
        network.n_inputs,
        network.n_outputs,
    ):
        raise BtfsynthError(
            f"the table has {table.n_inputs} inputs and {table.n_outputs} outputs, "
            f"the network {network.n_inputs} and {network.n_outputs}"
        )
    netlist, report = _build(network, table, reachable, shrink)
    if simplify:
        netlist = simplify_netlist(netlist)
    _verify(netlist, network, table, report, random_rows, seed)
    if table is not None:
        right = (netlist.evaluate(table.inputs) == table.outputs) & table.care
        cared = int(table.care.sum())
        report.table_accuracy = float(right.sum() / cared) if cared else 1.0
    return CompileResult(netlist, report)
