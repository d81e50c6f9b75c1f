"""A plain numpy implementation of one RRR iteration, written to read like docs/method.md.

It is slow (Python loops over blocks) and exists to check the numba kernels
(btfsynth/rrr/kernels.py), which fuse and reorder these steps for speed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .layout import Problem, State, input_codes, tile, untile

NEWTON_STEPS = 50
NEWTON_TOL = 1e-12


def surface_root(p: float, q: float, c: float) -> float:
    """The Lagrange parameter u of the nearest point on ``w'·x' = c`` (method.md §3).

    F(u) = [p (1 + u²) + q u] / (1 − u²)² − c, solved by safeguarded Newton from u = 0: the
    bracket's far end is −1 if F(0) > 0 else +1, a bracket end moves to u when F(u) has its
    sign, steps leaving the bracket bisect it; stop when |Δu| < 1e−12 or after 50 steps.

    Newton runs on G(u) = F(u) (1 − u²)², which has the same sign and roots in (−1, 1) but no
    poles at ±1. On F itself, a first step that lands near the pole (small |w|, |x|) creeps
    back by a factor of about 1.5 per step: such solves took 25–50 steps and some stopped
    unconverged at the step limit.
    """
    lo, hi = (-1.0, 0.0) if p - c > 0 else (0.0, 1.0)
    u = 0.0
    for _ in range(NEWTON_STEPS):
        s = 1.0 - u * u
        g = p * (1.0 + u * u) + q * u - c * s * s
        if g == 0.0:
            break
        if g > 0.0:
            hi = u
        else:
            lo = u
        slope = 2.0 * p * u + q + 4.0 * c * u * s
        new = u - g / slope if slope > 0.0 else lo - 1.0
        if not lo <= new <= hi or new * new >= 1.0:  # landing on a root found is fine
            new = 0.5 * (lo + hi)
        step = new - u
        u = new
        if abs(step) < NEWTON_TOL:
            break
    return u


def surface(w: np.ndarray, x: np.ndarray, c: float) -> tuple[np.ndarray, np.ndarray, float]:
    """Nearest (w', x') with w'·x' = c, and the squared distance moved."""
    u = surface_root(float(w @ x), float(w @ w + x @ x), c)
    w2 = (w + u * x) / (1.0 - u * u)
    x2 = (x + u * w) / (1.0 - u * u)
    return w2, x2, float(np.sum((w2 - w) ** 2) + np.sum((x2 - x) ** 2))


def project_block(w: np.ndarray, x: np.ndarray, y: float, delta: float):
    """Projection of one BTF block onto y = ±1 and y (w·x) ≥ δ: returns (w, x, y)."""
    p = float(w @ x)
    if y * p > 0:
        sign = 1.0 if y > 0 else -1.0
        if abs(p) < delta:
            w, x, _ = surface(w, x, sign * delta)
        return w, x, sign
    options = []
    for sign in (1.0, -1.0):
        cost = (sign - y) ** 2
        wn, xn = w, x
        if sign * p < delta:
            wn, xn, dist2 = surface(w, x, sign * delta)
            cost += dist2
        options.append((cost, wn, xn, sign))
    plus, minus = options
    best = plus if plus[0] < minus[0] else minus
    return best[1], best[2], best[3]


def by_item(problem: Problem, state: State) -> State:
    """The state item-major (``w[i, e]``, ``y[i, n]``), as this module reads it, from the
    kernels' chunk tiles (layout.State), in float64 whatever the tiles' precision."""
    arrays = (state.w, state.x, state.y, state.g)
    return State(*(untile(a, problem.chunks).astype(np.float64) for a in arrays))


def by_chunk(problem: Problem, state: State) -> State:
    """The inverse of :func:`by_item`."""
    return State(*(tile(a, problem.chunks) for a in (state.w, state.x, state.y, state.g)))


def project_a(problem: Problem, state: State) -> State:
    """Constraint A: every block on its own (bias, inputs, BTF blocks). Item-major in and out."""
    wa, xa, ya = state.w.copy(), state.x.copy(), state.y.copy()
    ya[:, 0] = -1.0
    ya[:, 1 : problem.first_btf] = input_codes(problem, state.y[:, 1 : problem.first_btf])
    for i in range(problem.n_items):
        for n in range(problem.first_btf, problem.n_nodes):
            sl = slice(problem.in_ptr[n], problem.in_ptr[n + 1])
            wa[i, sl], xa[i, sl], ya[i, n] = project_block(
                state.w[i, sl], state.x[i, sl], state.y[i, n], problem.delta[n]
            )
    return State(wa, xa, ya, state.g)


def project_b(problem: Problem, state: State) -> tuple[np.ndarray, State]:
    """Constraint B with metric weights g: the normalised weighted mean weight of every edge, and
    the weighted mean value of every non-output node copied onto its out-edges; outputs are set
    to their targets, except where the target is a don't-care (0): there the output is free and
    concurs like a hidden node. Returns (w̄, the projected point). Item-major in and out."""
    g_dst = state.g[:, problem.dst]
    wbar = (g_dst * state.w).sum(axis=0) / g_dst.sum(axis=0)
    for n in range(problem.first_btf, problem.n_nodes):
        sl = slice(problem.in_ptr[n], problem.in_ptr[n + 1])
        norm2 = float(wbar[sl] @ wbar[sl])
        if norm2 > 0:
            wbar[sl] *= np.sqrt(problem.m[n] / norm2)
    num = state.g * state.y
    den = state.g.copy()
    for e in range(problem.n_edges):
        num[:, problem.src[e]] += g_dst[:, e] * state.x[:, e]
        den[:, problem.src[e]] += g_dst[:, e]
    yb = num / den
    clamped = problem.targets != 0.0
    yb[:, problem.first_output :][clamped] = problem.targets[clamped]
    wb = np.broadcast_to(wbar, state.w.shape).copy()
    return wbar, State(wb, yb[:, problem.src], yb, state.g)


@dataclass
class Gaps:
    """The rms gap per BTF block, its w, x and y parts, and the per-block gaps G[i, n]."""

    gap: float
    w: float
    x: float
    y: float
    blocks: np.ndarray


def rrr_step(problem: Problem, state: State, beta: float, gamma: float):
    """One RRR iteration z ← z + β (P_B(2 P_A(z) − z) − P_A(z)) and the γ metric update.

    Takes and returns states in the kernels' tiles; returns (new state, w̄ of the B
    projection, gaps), the block gaps item-major.
    """
    state = by_item(problem, state)
    a = project_a(problem, state)
    reflected = State(2 * a.w - state.w, 2 * a.x - state.x, 2 * a.y - state.y, state.g)
    wbar, b = project_b(problem, reflected)
    new = State(
        state.w + beta * (b.w - a.w),
        state.x + beta * (b.x - a.x),
        state.y + beta * (b.y - a.y),
        state.g.copy(),
    )
    btf = slice(problem.first_btf, problem.n_nodes)
    dw2, dx2, dy2 = (b.w - a.w) ** 2, (b.x - a.x) ** 2, (b.y - a.y)[:, btf] ** 2
    blocks = dy2.copy()
    for e in range(problem.n_edges):
        blocks[:, problem.dst[e] - problem.first_btf] += dw2[:, e] + dx2[:, e]
    n, nb, ne = problem.n_items, problem.n_btf, problem.n_edges
    mean = blocks.mean()
    if mean > 0:
        new.g[:, btf] += gamma * (blocks / mean - new.g[:, btf])
    gaps = Gaps(
        float(np.sqrt(blocks.sum() / (n * nb))),
        float(np.sqrt(dw2.sum() / (n * ne))),
        float(np.sqrt(dx2.sum() / (n * ne))),
        float(np.sqrt(dy2.sum() / (n * nb))),
        blocks,
    )
    return by_chunk(problem, new), wbar, gaps
