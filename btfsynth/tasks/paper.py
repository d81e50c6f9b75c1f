"""The settings the paper used for its tasks: the network and the RRR parameters (docs/method.md
§5's table of reference runs, and §6 for the reference implementation's rule-232 automaton).

``btfsynth learn TASK`` takes every setting the user does not give from here, so that a task
spec runs as the paper ran it. Tasks the paper did not run (``maj``, ``sorter``, ``parity``,
``adder``, larger multipliers, automata of other step counts) have none: the network has to
come from the user or from ``btfsynth synth``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

LOGIC_SIGMA = 3.0
"""σ = 3 for logic, multipliers, cellular automata and autoencoders (method.md §1)."""
SMALL_BETA = 0.2
"""β = 0.2 in every reference run but the decoder's (method.md §5: keep β small)."""


@dataclass(frozen=True)
class PaperSettings:
    """The layer widths (inputs, hidden..., outputs) and the RRR parameters of a paper run."""

    widths: tuple[int, ...]
    sigma: float
    beta: float
    gamma: float
    gap_stop: float
    max_iter: int

    def rrr(self) -> dict[str, float | int]:
        """The RRR parameters, as keyword arguments of ``btfsynth.learn``."""
        return {
            "sigma": self.sigma,
            "beta": self.beta,
            "gamma": self.gamma,
            "gap_stop": self.gap_stop,
            "max_iter": self.max_iter,
        }

    def describe(self, skip: Sequence[str] = ()) -> str:
        """The settings in one line, leaving out those named in ``skip`` (``widths`` or an RRR
        parameter's name).

        >>> multiplier_settings(3).describe(skip=["beta"])
        'widths 6-12-12-12-6, σ 3, γ 0.0001, gap 0.01, 1000000 iterations'
        """
        parts = {
            "widths": f"widths {'-'.join(map(str, self.widths))}",
            "sigma": f"σ {self.sigma:g}",
            "beta": f"β {self.beta:g}",
            "gamma": f"γ {self.gamma:g}",
            "gap_stop": f"gap {self.gap_stop:g}",
            "max_iter": f"{self.max_iter} iterations",
        }
        return ", ".join(text for name, text in parts.items() if name not in skip)


def _logic(widths: Sequence[int], gamma: float, gap_stop: float, max_iter: int) -> PaperSettings:
    return PaperSettings(tuple(widths), LOGIC_SIGMA, SMALL_BETA, gamma, gap_stop, max_iter)


def multiplier_settings(n: int) -> PaperSettings | None:
    """The 2×2 (4-4-4-4, 1e4 iterations per restart) and 3×3 (6-12-12-12-6, γ 1e−4, 1e6
    iterations) multipliers; the paper ran no others."""
    runs = {
        2: _logic([4, 4, 4, 4], 1e-3, 0.01, 10_000),
        3: _logic([6, 12, 12, 12, 6], 1e-4, 0.01, 1_000_000),
    }
    return runs.get(n)


def autoencoder_settings(k: int) -> PaperSettings:
    """2^k → k → 2^k (widths 2^k, k, 2^k, 2^k), γ 1e−4, gap 0.05, 1e5 iterations (the paper's
    k = 3, 4, 5, and the same for any k)."""
    size = 1 << k
    return _logic([size, k, size, size], 1e-4, 0.05, 100_000)


def planted_settings(widths: Sequence[int]) -> PaperSettings:
    """A planted circuit is learned with the network of its own widths (the paper's 32-wide
    layers), γ 1e−3, gap 0.1, 1e6 iterations."""
    return _logic(widths, 1e-3, 0.1, 1_000_000)


def automaton_settings(rule: int, cells: int, steps: int) -> PaperSettings | None:
    """Rule 30 on 16 cells: 16-32-32-16 for one step, 16-48-48-48-16 for two, γ 1e−3, gap 0.1,
    1e6 iterations; scaled with the ring length L and used for any rule. Rule 232 (majority)
    over three steps: L-L-L-L (32-32-32-32 in the reference documentation, §6), γ 1e−3, gap
    0.1; its iteration limit is not documented, so it takes the automata's 1e6."""
    widths = {1: [cells, 2 * cells, 2 * cells, cells], 2: [cells] + [3 * cells] * 3 + [cells]}
    if rule == 232:
        widths[3] = [cells] * 4
    if steps not in widths:
        return None
    return _logic(widths[steps], 1e-3, 0.1, 1_000_000)


def mnist_jr_settings() -> PaperSettings:
    """The MNIST-jr classifier of the reference documentation (method.md §6): net 64-10 (the
    older documentation used 64-64-10), σ 5, γ 1e−3, gap 0.05, 2e5 iterations."""
    return PaperSettings((64, 10), 5.0, SMALL_BETA, 1e-3, 0.05, 200_000)


def image_decoder_settings() -> PaperSettings:
    """The one-hot generator decoder of ``decode/mnist4.dat`` (method.md §6): 16 generators,
    net 16-256-256, σ 5, γ 1e−3, gap 0.01 (never reached), 2e4 iterations."""
    return PaperSettings((16, 256, 256), 5.0, SMALL_BETA, 1e-3, 0.01, 20_000)


def decoder_settings(words: int, bits: int) -> PaperSettings:
    """Words from free hypercube codes of ceil(log2 words) bits: widths (code, bits, bits),
    4-16-16 for 16 words of 16 bits, β 0.5, γ 1e−4, gap 0.01, 1e6 iterations."""
    code = math.ceil(math.log2(words))
    return PaperSettings((code, bits, bits), LOGIC_SIGMA, 0.5, 1e-4, 0.01, 1_000_000)
