"""``synth``: any truth table in, the best verified circuit out, with no learner settings.

The search (see :mod:`btfsynth.synth.plan` for the order) learns each output alone with one
node, then the outputs left alone with one small hidden layer each, then the outputs still left
jointly through growing networks; it stops growing at the first network that meets its rows
(exact mode) or that no longer improves validation accuracy (generalise mode). Every learned
circuit is compiled, merged with the other outputs' circuits, optimised and scored beside two
baselines made from the same rows, espresso's cover and a decision tree (when scikit-learn is
installed); the winner is chosen by one rule for all (:func:`_winner`), so ``synth`` never
returns a worse circuit than espresso alone. When generalising, every candidate is fitted on
80 % of the training rows and scored on the other 20 %; the winner's method is then fitted
again on all of them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ..budget import Budget
from ..cluster import scheduler
from ..errors import BtfsynthError
from ..passes import and2_count
from ..rrr import OutOfTime
from ..truthtable import TruthTable
from .build import Part, assemble, baseline, circuit_of, polish, score, train
from .clock import Clock
from .plan import MODES, Candidate, choose_mode, joint_networks, single_nodes, small_networks
from .result import KINDS, Attempt, SynthResult, Tried


class NoCircuit(BtfsynthError):
    """No circuit met the conditions (``max_ands``)."""


SINGLE_SHARE = 0.05
"""A one-node candidate may take this share of the budget left (and few restarts: a function
one node cannot compute is not met by more of them)."""
SMALL_SHARE = 0.08
"""An output alone with a small hidden layer may take this share."""
JOINT_SHARE = 1 / 3
"""A joint network may take this share: never the whole budget on one candidate."""
OPTIMISE_SHARE = 0.1
"""The optimiser may take this share of the time left for one circuit (at effort fast)."""
VALIDATION = 0.2
"""Share of the training rows held out to choose between candidates when generalising."""
MIN_VALIDATION_ROWS = 10
REFIT = 0.25
"""Share of the budget held back, when generalising, to fit the winner again on all rows."""
PATIENCE = 2
"""Joint networks in a row without better validation accuracy before the search stops."""
SHARED_TRIES = 3
"""Joint networks over all outputs tried in exact mode after the per-output circuits."""
POLISH = 0.3
"""Share of the budget held back in exact mode to optimise the best circuits at effort high."""
POLISHED = 2
"""Learned circuits optimised again at effort high (the smallest ones)."""


@dataclass
class _Search:
    """The state of one search."""

    table: TruthTable
    fit: TruthTable
    valid: TruthTable | None
    test: TruthTable | None
    exact: bool
    clock: Clock
    seed: int
    jobs: int
    overrides: dict
    """The learner settings the user fixed (Candidate fields): they replace the plan's."""
    progress: Callable | None
    cluster: str | None = None
    """A Dask scheduler's address the learner runs its restarts on (None: local workers)."""
    tried: list[Tried] = field(default_factory=list)
    attempts: list[Attempt] = field(default_factory=list)
    parts: dict[int, list[Part]] = field(default_factory=dict)
    stopped: str | None = None

    def share(self, fraction: float = OPTIMISE_SHARE) -> float | None:
        """Seconds the optimiser may take (None: no time budget)."""
        left = self.clock.seconds_left()
        return None if left is None else max(left * fraction, 0.1)

    def say(self, event) -> None:
        if self.progress is not None:
            self.progress(event)

    def learn(self, candidate: Candidate, share: float, table: TruthTable | None = None):
        """Train ``candidate`` within ``share`` of the budget left; the result, or None when
        the budget is spent or the user stopped the search."""
        if self.stopped or self.clock.spent():
            self.stopped = self.stopped or "budget"
            return None
        candidate = replace(candidate, **self.overrides)
        grant = self.clock.grant(share, candidate.max_iter, candidate.restarts)
        if grant is None:
            self.stopped = "budget"
            return None
        table = self.fit if table is None else table
        self.say(f"trying {candidate.label(table)}")
        try:
            result, tried = train(table, candidate, grant, self.clock, self.seed, self.jobs,
                                  self.exact, self.say, self.cluster)  # fmt: skip
        except OutOfTime:
            self.stopped = "budget"
            return None
        self.tried.append(tried)
        self.say(tried)
        if result.interrupted:
            self.stopped = "interrupted"
        return result

    def met(self, result) -> bool:
        """The network meets its rows: right on all of them, and, when generalising, solved by
        the gap criterion too, whose margin makes the weights the sparse patterns that
        generalise (a network right on the rows with dense weights predicts the others worse,
        through a far larger circuit)."""
        if result is None:
            return False
        return result.exact_on_train and (result.solved or self.exact)

    def circuit(self, parts: list[Part]) -> Attempt:
        """Merge, optimise and score the circuit of ``parts`` (one per output group)."""
        start = self.clock.elapsed()
        netlist = polish(assemble(self.fit, parts), self.fit, self.exact, "fast", self.share())
        name = " + ".join(p.candidate.label(self.fit) for p in parts)
        seconds = self.clock.elapsed() - start
        attempt = score("learned", name, netlist, self.fit, self.valid, self.test, seconds)
        self.attempts.append(attempt)
        self.parts[id(attempt)] = parts
        self.say(attempt)
        return attempt


def synth(
    table: TruthTable,
    *,
    budget: Budget | None = None,
    jobs: int = 1,
    seed: int = 0,
    mode: str | None = None,
    test: TruthTable | None = None,
    hidden: tuple[int, ...] | None = None,
    sigma: float | None = None,
    beta: float | None = None,
    gamma: float | None = None,
    max_iter: int | None = None,
    gap_stop: float | None = None,
    restarts: int | None = None,
    max_ands: int | None = None,
    progress: Callable | None = None,
    cluster: str | None = None,
) -> SynthResult:
    """The best circuit for ``table`` that the search finds within ``budget`` (default 60 s of
    wall time; an iteration budget makes the seed determine the result on any machine).

    ``mode`` forces "exact" or "generalise" (see :func:`~btfsynth.synth.plan.choose_mode`);
    ``test`` rows are scored, never trained on; ``hidden`` fixes the network (the outputs are
    then learned jointly through it), and ``sigma``, ``beta``, ``gamma``, ``max_iter``,
    ``gap_stop`` and ``restarts`` fix those settings of every network tried (σ fixed: one node
    per output is tried once, not with rising σ), as ``learn``'s flags do; ``max_ands``
    leaves out every circuit above it. ``cluster`` (``tcp://HOST:PORT`` or ``local:N``, see
    :mod:`btfsynth.cluster`) runs the learner's restarts on Dask instead of ``jobs`` local
    workers, with the same result. ``progress`` receives a line of text when a network is
    tried, each :class:`Tried` and :class:`Attempt`, and the learner's progress. Ctrl-C ends
    the search with the best circuit found so far.
    """
    budget = budget or Budget(seconds=60.0)
    if mode is not None and mode not in MODES:
        raise BtfsynthError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    if table.n_outputs == 0 or table.n_rows == 0:
        raise BtfsynthError(f"{table.name}: a table with rows and outputs is needed")
    if test is not None and (test.n_inputs, test.n_outputs) != (table.n_inputs, table.n_outputs):
        raise BtfsynthError("the test rows have other inputs or outputs than the table")
    mode, why_mode = choose_mode(table, mode)
    exact = mode == "exact"
    fit, valid = table, None
    if not exact and table.n_rows >= MIN_VALIDATION_ROWS / VALIDATION:
        fit, valid = table.split(1 - VALIDATION, seed)
    _warm_up()
    with contextlib.ExitStack() as stack:  # a local cluster starts before the clock does
        where = None if cluster is None else stack.enter_context(scheduler(cluster))
        clock = Clock(budget, hold=POLISH if exact else 0.0 if valid is None else REFIT)
        given = {"sigma": sigma, "beta": beta, "gamma": gamma, "max_iter": max_iter,
                 "gap_stop": gap_stop, "restarts": restarts}  # fmt: skip
        overrides = {k: v for k, v in given.items() if v is not None}
        s = _Search(table, fit, valid, test, exact, clock, seed, jobs, overrides, progress, where)
        try:
            for kind in KINDS[1:]:
                _baseline(s, kind, fit)
            if hidden is not None:
                _joint(s, [], [_fixed(s, hidden)])
            else:
                singles, rest = _single_nodes(s)
                small, rest = _small_networks(s, rest)
                parts = singles + small
                if not rest:
                    s.circuit(parts)
                else:
                    _joint(s, parts, list(joint_networks(fit, rest, mode)))
                if exact and parts:  # all outputs through one network may share more logic
                    every = range(table.n_outputs)
                    _joint(
                        s, [], list(joint_networks(fit, every, mode))[:SHARED_TRIES], patient=True
                    )
            if exact:
                _polish(s)
        except KeyboardInterrupt:
            s.stopped = "interrupted"
        if s.stopped == "interrupted" and not s.attempts:
            raise KeyboardInterrupt
        winner, why = _winner(s, max_ands)
        if valid is not None:
            winner = _refit(s, winner)
    return SynthResult(
        winner.netlist,
        winner,
        mode,
        why_mode,
        why,
        s.attempts,
        s.tried,
        budget,
        s.clock.elapsed(),
        s.clock.iterations,
        (fit.n_rows, 0 if valid is None else valid.n_rows, 0 if test is None else test.n_rows),
        s.stopped,
    )


def _warm_up() -> None:
    """Compile the learner's kernels before the clock starts: compile time is not search."""
    from .. import jit

    if jit.is_cold():
        from ..rrr import learn
        from ..tasks import multiplier

        learn(multiplier(2).table, [4, 4, 4, 4], max_iter=2)
        jit.mark_warm()


def _baseline(s: _Search, kind: str, fit: TruthTable) -> None:
    from ..baselines import has_trees

    if kind == "decision tree" and not has_trees():
        s.say("decision tree: skipped (scikit-learn is not installed)")
        return
    start = s.clock.elapsed()
    netlist = polish(baseline(kind, fit, s.seed), fit, s.exact, "fast", s.share())
    attempt = score(kind, kind, netlist, fit, s.valid, s.test, s.clock.elapsed() - start)
    s.attempts.append(attempt)
    s.say(attempt)


def _single_nodes(s: _Search) -> tuple[list[Part], list[int]]:
    """Each output as one node, σ rising; the outputs no node met are returned as the rest."""
    parts, rest = [], []
    for k in range(s.fit.n_outputs):
        ladder = single_nodes(s.fit, k)
        found = None
        for candidate in ladder[:1] if "sigma" in s.overrides else ladder:
            result = s.learn(candidate, SINGLE_SHARE)
            if result is None:
                break
            if s.met(result):
                found = Part((k,), circuit_of(result, s.fit, (k,)), candidate)
                break
        if found is None:
            rest.append(k)
        else:
            parts.append(found)
    return parts, rest


def _small_networks(s: _Search, outputs: list[int]) -> tuple[list[Part], list[int]]:
    """Each output left alone through a small hidden layer; returns what they met and the rest."""
    parts, rest = [], []
    for k in outputs:
        for candidate in small_networks(k):
            result = s.learn(candidate, SMALL_SHARE)
            if s.met(result):
                parts.append(Part((k,), circuit_of(result, s.fit, (k,)), candidate))
                break
        else:
            rest.append(k)
    return parts, rest


def _fixed(s: _Search, hidden: tuple[int, ...]) -> Candidate:
    """The user's network for all outputs jointly."""
    outputs = tuple(range(s.fit.n_outputs))
    first = next(joint_networks(s.fit, outputs, "exact" if s.exact else "generalise"))
    return replace(first, hidden=tuple(hidden))


def _joint(s: _Search, parts: list[Part], ladder: list[Candidate], patient: bool = False) -> None:
    """The joint networks of ``ladder`` for the outputs the ``parts`` lack, until one meets its
    rows (exact; every one with ``patient``) or validation accuracy stops rising (generalise)."""
    best, stale = -1.0, 0
    for candidate in ladder:
        result = s.learn(candidate, JOINT_SHARE)
        if result is None:
            return
        if s.exact and not s.met(result):
            continue
        part = Part(candidate.outputs, circuit_of(result, s.fit, candidate.outputs), candidate)
        attempt = s.circuit([*parts, part])
        if s.exact and attempt.exact and not patient:
            return
        if not s.exact:
            quality = attempt.valid if attempt.valid is not None else attempt.train
            if quality >= 1.0:
                return
            best, stale = (quality, 0) if quality > best else (best, stale + 1)
            if stale >= PATIENCE:
                return


def _polish(s: _Search) -> None:
    """With the time held back for it, the smallest learned circuits and espresso's again at
    effort high, each with an equal share."""
    s.clock.release()
    learned = sorted((a for a in s.attempts if a.kind == "learned" and a.exact), key=_size)
    espresso = [a for a in s.attempts if a.kind == "espresso" and a.exact]
    chosen = learned[:POLISHED] + espresso
    left = s.clock.seconds_left()
    for best in chosen:
        if s.stopped or s.clock.spent():
            return
        seconds = None if left is None else left / len(chosen)
        netlist = polish(best.netlist, s.fit, s.exact, "high", seconds)
        if and2_count(netlist) < best.ands:
            best.netlist, best.ands = netlist, and2_count(netlist)
            best.name += " (polished)"
            s.say(best)


def _size(a: Attempt) -> int:
    return a.ands


def _winner(s: _Search, max_ands: int | None) -> tuple[Attempt, str]:
    """The best attempt by the mode's rule, and why."""
    pool = [a for a in s.attempts if max_ands is None or a.ands <= max_ands]
    if s.exact:
        pool = [a for a in pool if a.exact]
    if not pool:
        what = f"of at most {max_ands} AND2" if max_ands is not None else "right on its rows"
        raise NoCircuit(f"no circuit {what} was found")

    def rank(a: Attempt) -> tuple:
        quality = a.valid if a.valid is not None else a.train
        order = KINDS.index(a.kind)
        return (a.ands, order) if s.exact else (-quality, a.ands, order)

    pool.sort(key=rank)
    winner = pool[0]
    others = ", ".join(f"{a.kind} {a.ands}" for a in pool[1:] if a.kind != winner.kind)
    if s.exact:
        why = f"the smallest circuit right on every cared row: {winner.ands} AND2"
    else:
        quality = winner.valid if winner.valid is not None else winner.train
        what = "validation" if winner.valid is not None else "training"
        why = f"the best {what} accuracy, {100 * quality:.2f}%, then the fewest AND2"
    return winner, why + (f"; others: {others}" if others else "")


def _refit(s: _Search, winner: Attempt) -> Attempt:
    """The winner's method fitted again on all the training rows (the validation rows only
    chose it), with the budget held back for it; kept when it is at least as right on those
    rows as the winner's own circuit."""
    before = _rescored(s, winner)
    if s.stopped == "interrupted":
        return before
    s.clock.release()
    table, start = s.table, s.clock.elapsed()
    if winner.kind != "learned":
        netlist = polish(baseline(winner.kind, table, s.seed), table, False, "fast", s.share())
    else:
        parts = []
        for part in s.parts[id(winner)]:
            result = s.learn(part.candidate, 1 / len(s.parts[id(winner)]), table)
            if result is None:
                return before
            parts.append(
                Part(part.outputs, circuit_of(result, table, part.outputs), part.candidate)
            )
        netlist = polish(assemble(table, parts), table, False, "fast", s.share())
    refit = score(winner.kind, f"{winner.name}, refitted on all rows", netlist, table, None,
                  s.test, s.clock.elapsed() - start)  # fmt: skip
    refit.valid = winner.valid
    if refit.train < before.train:
        return before
    s.attempts.append(refit)
    s.say(refit)
    return refit


def _rescored(s: _Search, attempt: Attempt) -> Attempt:
    """``attempt`` scored on all the training rows rather than the fitted ones."""
    return replace(attempt, train=score(attempt.kind, attempt.name, attempt.netlist, s.table,
                                        None, None, 0.0).train)  # fmt: skip
