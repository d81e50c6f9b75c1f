"""AIG optimisation with mockturtle's algorithms, through its Python bindings (aigverse).

The AND2 form of a netlist (:func:`btfsynth.passes.aig.to_and2`) goes to an aigverse ``Aig``,
where resubstitution and SOP refactoring run until they gain nothing, then cut rewriting (NPN
database of 4-input functions) and again the two, in rounds until a round gains nothing, the
effort's rounds are done or the time budget ends (Riener et al., "Scalable generic logic
synthesis: one approach to rule them all", DAC 2019; Mishchenko et al., "DAG-aware AIG
rewriting", DAC 2006); the smallest AIG comes back as a netlist of AND2 gates.
A result that is not smaller is not used: the input is returned as it is.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ..netlist import Gate, Kind, Netlist, Signal
from .aig import and2_count, to_and2
from .resub import MAX_INPUTS, resubstitute

EFFORTS = ("fast", "high")


@dataclass(frozen=True)
class Script:
    """The settings of one effort level."""

    rounds: int
    cut_size: int
    resub_inserts: int
    refactor_pis: int


SCRIPTS = {
    "fast": Script(rounds=2, cut_size=4, resub_inserts=2, refactor_pis=6),
    "high": Script(rounds=20, cut_size=4, resub_inserts=3, refactor_pis=8),
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
    that has started is finished). Deterministic: the same input gives the same result.
    """
    from aigverse.algorithms import (
        aig_cut_rewriting,
        aig_resubstitution,
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

    best = cheap(to_aigverse(netlist))
    for _ in range(script.rounds):  # cut rewriting loads its NPN database each call: 0.1 s
        if best.num_gates <= 1 or (deadline is not None and time.monotonic() > deadline):
            break
        aig = cheap(cleanup_dangling(aig_cut_rewriting(best.clone(), cut_size=script.cut_size)))
        if aig.num_gates >= best.num_gates:
            break
        best = aig
    result = from_aigverse(best, netlist)
    return result if and2_count(result) < and2_count(netlist) else netlist


def equal(a: Netlist, b: Netlist, conflicts: int = 0) -> bool | None:
    """Whether ``a`` and ``b`` (same inputs and outputs, by position) are equal, by mockturtle's
    SAT-based combinational equivalence checking; None when it stops at ``conflicts`` SAT
    conflicts (0: no limit). Wide arithmetic (EPFL sin) needs more than 10^5."""
    from aigverse.algorithms import equivalence_checking

    return equivalence_checking(to_aigverse(a), to_aigverse(b), conflict_limit=conflicts)
