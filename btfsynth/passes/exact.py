"""Exact synthesis: the smallest AIG of a few-input, multi-output function, by SAT.

The encoding is the classic one (Kamath et al., "An interior point approach to Boolean vector
function synthesis", 1993; Haaswijk et al., "SAT-based exact synthesis: encodings, topology
families and parallelism", TCAD 2020), for AND gates with complemented fan-ins: gate ``i`` picks
its two fan-ins among the earlier nodes (one-hot, first below second) and a polarity for each;
per gate and truth-table row a value variable is tied to its fan-in values; each output picks
a node (or the constant) and a polarity, and must equal its function on its care rows; every
gate is used by a later gate or an output. A solution with ``r`` gates is a circuit of ``r``
ANDs; "unsatisfiable" proves that none exists.

:func:`smallest` walks down from a known size, one gate at a time, while the solver finds a
circuit within its conflict budget, so every answer is a real circuit and the search can stop at
any time with the best one found.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

import numpy as np

from ..sat import new_solver, solve


@dataclass(frozen=True)
class ExactAig:
    """An AIG over ``n_inputs`` inputs: ``gates[i] = (a, pa, b, pb)`` is node ``n_inputs + i``
    = (node a ⊕ pa) ∧ (node b ⊕ pb); output ``o`` is node ``outputs[o][0]`` ⊕
    ``outputs[o][1]``, where node -1 is the constant 0."""

    n_inputs: int
    gates: tuple[tuple[int, bool, int, bool], ...]
    outputs: tuple[tuple[int, bool], ...]

    def truth(self) -> np.ndarray:
        """The outputs' values on the ``2^n`` rows (row t: input j is bit ``n - 1 - j`` of t,
        the first input most significant, as everywhere in btfsynth)."""
        n, rows = self.n_inputs, np.arange(1 << self.n_inputs)
        values = [((rows >> (n - 1 - j)) & 1).astype(bool) for j in range(n)]
        for a, pa, b, pb in self.gates:
            values.append((values[a] ^ pa) & (values[b] ^ pb))
        zero = np.zeros(len(rows), dtype=bool)
        return np.array([(zero if v < 0 else values[v]) ^ p for v, p in self.outputs])


class _Encoding:
    """The clauses for ``r`` gates computing ``functions`` on their ``care`` rows."""

    def __init__(self, functions: np.ndarray, care: np.ndarray, n: int, r: int):
        self.n, self.r, self.count = n, r, 0
        self.clauses: list[list[int]] = []
        rows = range(1 << n)
        nodes = n + r
        # Node values: inputs are known; a gate's value is a variable per row.
        self.value = [[None] * len(rows) for _ in range(nodes)]
        for j in range(n):
            for t in rows:
                self.value[j][t] = bool((t >> (n - 1 - j)) & 1)
        for i in range(n, nodes):
            self.value[i] = [self.new() for _ in rows]
        self.first, self.second, self.polarity = [], [], []
        for i in range(n, nodes):
            first = {a: self.new() for a in range(i - 1)}
            second = {b: self.new() for b in range(1, i)}
            self.exactly_one(list(first.values()))
            self.exactly_one(list(second.values()))
            for a, b in itertools.product(first, second):
                if b <= a:
                    self.clauses.append([-first[a], -second[b]])
            pa, pb = self.new(), self.new()
            fa, fb = [self.new() for _ in rows], [self.new() for _ in rows]
            for choice, pol, lits in ((first, pa, fa), (second, pb, fb)):
                for v, s in choice.items():
                    for t in rows:
                        self.tie(s, pol, self.value[v][t], lits[t])
            for t in rows:
                x = self.value[i][t]
                self.clauses += [[-x, fa[t]], [-x, fb[t]], [x, -fa[t], -fb[t]]]
            self.first.append(first)
            self.second.append(second)
            self.polarity.append((pa, pb))
        # Outputs: a node or the constant, and a polarity.
        self.select, self.invert = [], []
        for f, c in zip(functions, care):
            pick = {v: self.new() for v in range(-1, nodes)}
            self.exactly_one(list(pick.values()))
            po = self.new()
            for t in np.flatnonzero(c):
                want = bool(f[t])
                for v, s in pick.items():
                    x = False if v < 0 else self.value[v][t]
                    self.equal_after(s, po, x, want)
            self.select.append(pick)
            self.invert.append(po)
        # Every gate feeds a later gate or an output.
        for i in range(n, nodes):
            users = [self.first[k - n][i] for k in range(i + 1, nodes) if i in self.first[k - n]]
            users += [self.second[k - n][i] for k in range(i + 1, nodes)]
            users += [pick[i] for pick in self.select]
            self.clauses.append(users)

    def new(self) -> int:
        self.count += 1
        return self.count

    def exactly_one(self, lits: list[int]) -> None:
        self.clauses.append(lits)
        self.clauses += [[-u, -v] for u, v in itertools.combinations(lits, 2)]

    def tie(self, select: int, polarity: int, x, lit: int) -> None:
        """``select`` → ``lit`` = ``x`` ⊕ ``polarity`` (``x`` a variable or a known bool)."""
        if isinstance(x, bool):
            self.clauses += [[-select, polarity, lit if x else -lit],
                             [-select, -polarity, -lit if x else lit]]  # fmt: skip
        else:
            self.clauses += [
                [-select, polarity, -x, lit],
                [-select, polarity, x, -lit],
                [-select, -polarity, x, lit],
                [-select, -polarity, -x, -lit],
            ]

    def equal_after(self, select: int, polarity: int, x, want: bool) -> None:
        """``select`` → ``x`` ⊕ ``polarity`` = ``want``."""
        if isinstance(x, bool):
            self.clauses.append([-select, polarity if x != want else -polarity])
        else:
            self.clauses += [[-select, polarity, x if want else -x],
                             [-select, -polarity, -x if want else x]]  # fmt: skip

    def decode(self, model: list[int]) -> ExactAig:
        true = {lit for lit in model if lit > 0}

        def chosen(options: dict) -> int:
            return next(v for v, s in options.items() if s in true)

        gates = tuple(
            (chosen(first), pa in true, chosen(second), pb in true)
            for first, second, (pa, pb) in zip(self.first, self.second, self.polarity)
        )
        outputs = tuple((chosen(pick), po in true) for pick, po in zip(self.select, self.invert))
        return ExactAig(self.n, gates, outputs)


def synthesize(
    functions: np.ndarray,
    care: np.ndarray,
    r: int,
    conflicts: int = 0,
    deadline: float | None = None,
) -> ExactAig | None | bool:
    """An AIG of exactly ``r`` gates equal to ``functions`` (outputs × 2^n rows, 0/1) on their
    ``care`` rows; False when none exists, None when the solver ran out of ``conflicts``
    (0: no limit) or reached the ``deadline`` (``time.monotonic()`` seconds)."""
    n = int(np.log2(functions.shape[1]))
    encoding = _Encoding(np.asarray(functions, bool), np.asarray(care, bool), n, r)
    with new_solver(encoding.clauses) as solver:
        found = solve(solver, [], conflicts, deadline)
        if found is None:
            return None
        if not found:
            return False
        aig = encoding.decode(solver.get_model())
    got = aig.truth()
    assert not ((got != np.asarray(functions, bool)) & care).any(), "exact synthesis is wrong"
    return aig


def smallest(
    functions: np.ndarray,
    care: np.ndarray,
    upper: int,
    conflicts: int = 10_000,
    seconds: float | None = None,
) -> ExactAig | None:
    """The smallest AIG found below ``upper`` gates (None: none found): sizes are tried from
    ``upper - 1`` down while each finds a circuit within ``conflicts`` and ``seconds``.

    Since every gate must be used, a circuit of ``r ≥ 1`` gates exists for every ``r`` at or
    above the optimum (a gate ``g = a ∧ b`` can become ``g' = g ∧ a``), unless the optimum is
    0 gates (outputs that are inputs or constants); so after a size proven impossible only
    0 is left to try."""
    deadline = None if seconds is None else time.monotonic() + seconds
    best = None
    for r in range(upper - 1, -1, -1):
        found = synthesize(functions, care, r, conflicts, deadline)
        if found is False and r > 0:
            found = synthesize(functions, care, 0, conflicts, deadline)
            return found or best
        if not found:
            break
        best = found
    return best
