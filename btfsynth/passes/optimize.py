"""AIG optimisation with mockturtle's algorithms, through its Python bindings (aigverse).

The AND2 form of a netlist (:func:`btfsynth.passes.aig.to_and2`) goes to an aigverse ``Aig``,
where resubstitution (for circuits of few inputs first our own, with don't-cares over all
rows: :mod:`btfsynth.passes.resub`) and SOP refactoring run until they gain nothing, then cut
rewriting (NPN database of 4-input functions) and again the two, in rounds until the effort's
patience or rounds are spent or the time budget ends; at effort high, rounds alternate with
zero-gain moves and SOP balancing, as ABC's ``resyn2`` alternates ``rw``/``rwz`` and ``b``
(Riener et al., "Scalable generic logic synthesis: one approach to rule them all", DAC 2019;
Mishchenko et al., "DAG-aware AIG rewriting", DAC 2006). Last, for AIGs of at most
:data:`WINDOW_ANDS` ANDs, exact resynthesis of small windows by SAT
(:mod:`btfsynth.passes.resynth`) alternates with the cheap passes while it gains. The smallest
AIG seen comes back as a netlist of AND2 gates; a result that is not smaller is not used: the
input is returned as it is.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ..netlist import Gate, Kind, Netlist, Signal
from .aig import and2_count, to_and2
from .resub import MAX_INPUTS, resubstitute
from .resynth import resynthesize

EFFORTS = ("fast", "high")


@dataclass(frozen=True)
class Script:
    """The settings of one effort level."""

    rounds: int
    cut_size: int
    resub_inserts: int
    refactor_pis: int
    zero_gain: bool = False
    """Every other round rewrites and refactors with zero-gain moves too, which reshape the
    AIG without growing it so that the next round finds gains (ABC's ``rwz``/``rfz``)."""
    balance_every: int = 0
    """Every this many rounds, SOP balancing restructures the AIG (0: never)."""
    patience: int = 1
    """Rounds without a new smallest AIG before stopping."""
    windows: int = 0
    """Windows that exact resynthesis (:mod:`btfsynth.passes.resynth`) may try, per pass."""
    whole_conflicts: int = 0
    """SAT conflicts per size when exact synthesis tries a small circuit whole."""


WINDOW_ANDS = 2000
"""Exact resynthesis runs on AIGs of at most this many ANDs."""
EXACT_PASSES = 3
"""Exact resynthesis and the cheap passes alternate at most this often."""


SCRIPTS = {
    "fast": Script(
        rounds=2, cut_size=4, resub_inserts=2, refactor_pis=6, windows=50, whole_conflicts=100_000
    ),  # fmt: skip
    "high": Script(
        rounds=20,
        cut_size=4,
        resub_inserts=3,
        refactor_pis=8,
        zero_gain=True,
        balance_every=3,
        patience=6,
        windows=400,
        whole_conflicts=400_000,
    ),
}


def to_aigverse(netlist: Netlist):
    """The AND2 form of ``netlist`` as an aigverse ``Aig`` (inputs and outputs in order)."""
    from aigverse.networks import Aig

    aig_form = to_and2(netlist)
    out = Aig()
    signals = []
    for g in aig_form.gates:
        if g.kind is Kind.INPUT:
            signals.append(out.create_pi())
        elif g.kind is Kind.CONST0:
            signals.append(out.get_constant(False))
        else:
            a, b = (~signals[f.gate] if f.inverted else signals[f.gate] for f in g.fanins)
            signals.append(out.create_and(a, b))
    for s in aig_form.outputs:
        out.create_po(~signals[s.gate] if s.inverted else signals[s.gate])
    return out


def from_aigverse(aig, like: Netlist) -> Netlist:
    """The AND2 netlist of ``aig``, with the input and output names of ``like``; gates are
    ordered by a depth-first walk from the outputs, so dead nodes are left out."""
    out = Netlist(name=like.name)
    node_signal: dict[int, Signal] = {}
    for node, name in zip(aig.pis(), like.input_names):
        node_signal[node] = out.add_input(name)

    def signal_of(f) -> Signal:
        s = node_signal[aig.get_node(f)]
        return ~s if aig.is_complemented(f) else s

    for root in (aig.get_node(f) for f in aig.pos()):
        stack = [root]
        while stack:
            node = stack[-1]
            if node in node_signal:
                stack.pop()
                continue
            if aig.is_constant(node):
                node_signal[node] = out.add_const(False)
                continue
            below = (aig.get_node(f) for f in aig.fanins(node))
            missing = [n for n in below if n not in node_signal]
            if missing:
                stack.extend(missing)
                continue
            stack.pop()
            fanins = tuple(signal_of(f) for f in aig.fanins(node))
            node_signal[node] = out.add(Gate(Kind.AND, fanins))
    for f, name in zip(aig.pos(), like.output_names):
        out.add_output(signal_of(f), name)
    return out


def optimize(
    netlist: Netlist,
    effort: str = "fast",
    seconds: float | None = None,
    care: np.ndarray | None = None,
) -> Netlist:
    """A smaller AND2 netlist equal to ``netlist`` (the input itself when none is found), on
    the cared rows only when ``care`` is given (``care[r, o]``: output ``o`` must keep its
    value on input row ``r``, canonical order; circuits of at most :data:`MAX_INPUTS` inputs).

    ``effort`` picks the script of :data:`SCRIPTS`; ``seconds`` bounds the time (a round
    that has started is finished). Deterministic: the same input gives the same result, unless
    ``seconds`` runs out.
    """
    from aigverse.algorithms import (
        aig_cut_rewriting,
        aig_resubstitution,
        balancing,
        cleanup_dangling,
        sop_refactoring,
    )

    script = SCRIPTS[effort]
    deadline = None if seconds is None else time.monotonic() + seconds

    def cheap(aig):
        """Resubstitution (with don't-cares over all rows, for few inputs) and refactoring
        until they gain nothing."""
        while True:
            size = aig.num_gates
            if netlist.n_inputs <= MAX_INPUTS:
                left = None if deadline is None else max(0.0, deadline - time.monotonic())
                aig = to_aigverse(resubstitute(from_aigverse(aig, netlist), care, left))
            aig_resubstitution(aig, max_inserts=script.resub_inserts, inplace=True)
            sop_refactoring(aig, max_pis=script.refactor_pis, inplace=True)
            aig = cleanup_dangling(aig)
            if aig.num_gates >= size:
                return aig

    best = current = cheap(to_aigverse(netlist))
    stale = 0
    for r in range(script.rounds):  # cut rewriting loads its NPN database each call: 0.1 s
        if best.num_gates <= 1 or (deadline is not None and time.monotonic() > deadline):
            break
        zero = script.zero_gain and r % 2 == 1
        aig = aig_cut_rewriting(current.clone(), cut_size=script.cut_size, allow_zero_gain=zero)
        if script.balance_every and r % script.balance_every == script.balance_every - 1:
            aig = balancing(cleanup_dangling(aig))
        aig = cheap(cleanup_dangling(aig))
        if script.zero_gain:
            sop_refactoring(aig, max_pis=script.refactor_pis, allow_zero_gain=True, inplace=True)
            aig = cheap(cleanup_dangling(aig))
        if aig.num_gates < best.num_gates:
            best, stale = aig.clone(), 0
        else:
            stale += 1
            if stale >= script.patience:
                break
        current = aig
    for _ in range(EXACT_PASSES if best.num_gates <= WINDOW_ANDS else 0):
        if not script.windows or (deadline is not None and time.monotonic() > deadline):
            break
        left = None if deadline is None else max(0.0, deadline - time.monotonic())
        found = resynthesize(
            from_aigverse(best, netlist), care, script.windows, script.whole_conflicts, left
        )
        if and2_count(found) >= best.num_gates:
            break
        best = cheap(to_aigverse(found))
    result = from_aigverse(best, netlist)
    return result if and2_count(result) < and2_count(netlist) else netlist
