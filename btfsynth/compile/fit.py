"""Fitting a gate to a node's function: constant, literal, AND, OR, MAJ, else THRESHOLD.

Each candidate is accepted only if its truth table equals the node's. AND / OR polarities are
read off the truth table, MAJ's from the weight signs; a THRESHOLD gate's small integer weights
come from rounding the real weights at increasing scales, with the threshold read off the
node's own truth table. On observed patterns (:func:`best_observed`) inputs are first dropped
while the observations allow it, and the cheaper gate (AND2 count) wins.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from ..netlist import Gate, Kind, Netlist, Signal
from ..passes import and2_count
from ..truthtable import row_keys
from .function import MARGIN_FANIN, NodeFunction, min_abs_field, restrict

MAX_SCALE_BITS = 50
"""Largest integer weight tried for THRESHOLD gates is about 2**MAX_SCALE_BITS."""


def _is_function(patterns: np.ndarray, values: np.ndarray) -> bool:
    """True when equal patterns never carry different values."""
    with_values = np.concatenate([patterns, values[:, None]], axis=1)
    return len(np.unique(row_keys(with_values))) == len(np.unique(row_keys(patterns)))


def _separable(patterns: np.ndarray, values: np.ndarray, weights: np.ndarray) -> bool:
    """True when the real weights give every True pattern a larger field than every False one."""
    sums = np.where(patterns, 1.0, -1.0) @ weights
    return sums[~values].max(initial=-np.inf) < sums[values].min(initial=np.inf)


def _reduced(fn: NodeFunction, still_ok) -> NodeFunction:
    """Drop inputs, smallest |w| first, while ``still_ok(patterns, values, weights)`` holds."""
    keep = np.ones(len(fn.sources), dtype=bool)
    for j in np.argsort(np.abs(fn.weights), kind="stable"):
        keep[j] = False
        if not still_ok(fn.patterns[:, keep], fn.values, fn.weights[keep]):
            keep[j] = True
    return restrict(fn, keep)


@dataclass
class Fit:
    kind: Kind
    inverted: np.ndarray
    """Inversion flag per support input."""
    weights: tuple[int, ...] = ()
    threshold: int = 0
    cover: tuple[str, ...] = ()
    onset: bool = True
    by_margin: bool = False
    """Proven on all input patterns by the field's margin (:func:`margin_fit`), not enumerated."""


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


def margin_fit(w: np.ndarray, bias: float) -> Fit | None:
    """A THRESHOLD gate with small integer weights equal to the node ``h = Σ w·y − bias > 0``
    (``y = ±1``) on all 2^k patterns of its k ≤ :data:`MARGIN_FANIN` inputs, or None.

    With literals ``l`` (inputs inverted where ``w < 0``) and ``a = |w|``, the node is
    ``L = a·l > θ = (Σa + bias)/2``, and ``|L − θ| ≥ M/2`` on every pattern, where ``M`` is the
    field's smallest magnitude (:func:`min_abs_field`, less a bound on its float rounding).
    Integer weights ``v = round(s·a)`` are off by ``E = Σ|v − s·a|``; once ``E < s·M/2 − 1/2``
    every pattern's ``v·l`` lies more than 1/2 away from ``s·θ`` on the same side, so
    ``v·l ≥ T`` with the integer ``T`` just above ``s·θ − (s·M/2 − E)`` is the node. The
    smallest such scale is taken, for the smallest adder."""
    k, mags = len(w), np.abs(w)
    if not 0 < k <= MARGIN_FANIN or not mags.max() > 0:
        return None
    slack = 8 * (k + 1) * np.finfo(float).eps * (mags.sum() + abs(bias))
    half = (min_abs_field(w, bias) - slack) / 2
    if half <= 0:
        return None
    theta = (mags.sum() + bias) / 2
    unit = mags / mags.max()
    for c in [*range(1, 17), *(2.0**b for b in range(5, MAX_SCALE_BITS + 1))]:
        s = c / mags.max()
        ints = np.rint(c * unit).astype(np.int64)
        room = s * half - float(np.abs(ints - s * mags).sum())
        if room > 0.5 + 64 * np.finfo(float).eps * s * (theta + mags.sum()):  # + float fuzz
            low = int(np.floor(s * theta - room)) + 1
            ints = tuple(int(x) for x in ints)
            return _counting(Fit(Kind.THRESHOLD, w < 0, ints, low, by_margin=True))
    return None


def _counting(fit: Fit) -> Fit:
    """A THRESHOLD gate of equal weights as the constant, AND, OR or MAJ it is, if it is one."""
    k, unit = len(fit.weights), fit.weights[0]
    if any(x != unit for x in fit.weights):
        return fit
    need = -(-fit.threshold // unit)  # at least this many literals true
    if need <= 0 or need > k:
        return Fit(Kind.CONST1 if need <= 0 else Kind.CONST0, fit.inverted, by_margin=True)
    for kind, count in ((Kind.AND, k), (Kind.OR, 1), (Kind.MAJ, (k + 1) // 2 if k % 2 else 0)):
        if k > 1 and need == count:
            return Fit(kind, fit.inverted, by_margin=True)
    return fit


def _minterms(fn: NodeFunction) -> Fit:
    """The node as a sum of products of its True patterns (or of its False ones, when fewer)."""
    onset = 2 * int(fn.values.sum()) <= len(fn.values)
    rows = fn.patterns[fn.values == onset].astype(np.uint8)
    cover = tuple("".join(map(str, row)) for row in rows.tolist())
    return Fit(Kind.SOP, np.zeros(len(fn.sources), dtype=bool), cover=cover, onset=onset)


def fit_gate(fn: NodeFunction) -> Fit:
    """The simplest gate equal to ``fn`` on all its patterns.

    The last resort, a SOP cover of minterms, is only needed where float rounding has made the
    node's field no threshold function of its inputs (tie-breaking weights below the rounding
    error of the sum)."""
    f = fn.values
    s = len(fn.sources)
    inv = fn.weights < 0
    lits = fn.patterns ^ inv
    if not f.any() or f.all():
        return Fit(Kind.CONST1 if f.all() else Kind.CONST0, inv)
    if s == 1:
        for flip in (False, True):
            if np.array_equal(lits[:, 0] ^ flip, f):
                return Fit(Kind.BUF, inv ^ flip)
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
            return Fit(kind, flags)
    for ints in _integer_weights(np.abs(fn.weights)):
        sums = lits.astype(np.int64) @ ints
        if sums[~f].max() < sums[f].min():
            return Fit(Kind.THRESHOLD, inv, tuple(int(x) for x in ints), int(sums[~f].max()) + 1)
    return _minterms(fn)


def gate_cost(fit: Fit) -> int:
    """The fitted gate's AND2 count alone (:func:`btfsynth.passes.and2_count`, the count every
    command prints), for choosing between two fits."""
    if fit.kind in (Kind.CONST0, Kind.CONST1, Kind.BUF):
        return 0
    alone = Netlist()
    fanins = [Signal(alone.add_input(f"x{j}").gate, bool(i)) for j, i in enumerate(fit.inverted)]
    gate = Gate(fit.kind, tuple(fanins), None, fit.weights, fit.threshold, fit.cover, fit.onset)
    alone.add_output(alone.add(gate), "y")
    return and2_count(alone)


def best_observed(fn: NodeFunction) -> tuple[NodeFunction, Fit]:
    """The cheapest gate equal to a node on its observed patterns, over the inputs kept while
    the real weights still separate the observations, or while the observations stay a function
    of the rest (a gate need not follow the weights there), or over all inputs."""
    separable = _reduced(fn, _separable)
    consistent = _reduced(fn, lambda patterns, values, _: _is_function(patterns, values))
    fits = [(candidate, fit_gate(candidate)) for candidate in (separable, consistent, fn)]
    return min(fits, key=lambda pair: gate_cost(pair[1]))
