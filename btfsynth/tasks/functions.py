"""The paper's function tasks (docs/method.md §6) and the symmetric ones: complete multipliers,
adders, parity, majority and sorters; cellular automata; autoencoder words and generative
decoders. Each returns a :class:`Task` with the paper's settings where the paper has some
(paper.py)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..dataset import Dataset
from ..truthtable import Seed, TruthTable
from .paper import (
    autoencoder_settings,
    automaton_settings,
    decoder_settings,
    multiplier_settings,
)
from .rows import bit_names, complete_table, default_items, int_bits, need, random_rows
from .task import Task

MAX_AUTOENCODER_K = 12
"""autoencoder:K holds 4**K bits; K = 12 is 16 M bits."""


def multiplier(n: int) -> Task:
    """The complete n×n multiplier: inputs a_{n-1}..a0 b_{n-1}..b0, outputs p_{2n-1}..p0."""
    need(n >= 1, f"the factor width N must be >= 1, not {n}")
    mask = (1 << n) - 1

    def product(numbers: np.ndarray, _inputs: np.ndarray) -> np.ndarray:
        return int_bits((numbers >> n) * (numbers & mask), 2 * n)

    table = complete_table(
        2 * n,
        2 * n,
        product,
        bit_names("a", n) + bit_names("b", n),
        bit_names("p", 2 * n),
        f"mult{n}",
    )
    return Task(f"mult{n}", f"mult:{n}", table, multiplier_settings(n))


def adder(n: int) -> Task:
    """The complete n-bit adder: inputs a_{n-1}..a0 b_{n-1}..b0, outputs s_n..s0 (s_n = carry)."""
    need(n >= 1, f"the operand width N must be >= 1, not {n}")
    mask = (1 << n) - 1

    def total(numbers: np.ndarray, _inputs: np.ndarray) -> np.ndarray:
        return int_bits((numbers >> n) + (numbers & mask), n + 1)

    table = complete_table(
        2 * n,
        n + 1,
        total,
        bit_names("a", n) + bit_names("b", n),
        bit_names("s", n + 1),
        f"adder{n}",
    )
    return Task(f"adder{n}", f"adder:{n}", table)


def _symmetric(n: int, kind: str, outputs: list[str], f: Callable[[np.ndarray], list]) -> Task:
    """A complete table over inputs x0..x{n-1} whose outputs depend on the count of ones."""
    need(n >= 1, f"the input count N must be >= 1, not {n}")

    def count(_numbers: np.ndarray, inputs: np.ndarray) -> np.ndarray:
        return np.stack(f(inputs.sum(axis=1, dtype=np.uint8)), axis=1)

    names = [f"x{j}" for j in range(n)]
    table = complete_table(n, len(outputs), count, names, outputs, f"{kind}{n}")
    return Task(f"{kind}{n}", f"{kind}:{n}", table)


def parity(n: int) -> Task:
    """Odd parity of n inputs: output ``parity`` is 1 when an odd number of inputs are 1."""
    return _symmetric(n, "parity", ["parity"], lambda ones: [ones & 1])


def majority(n: int) -> Task:
    """Majority of n inputs (n odd, so that there are no ties): 1 when more than n/2 are 1."""
    need(n % 2 == 1, f"majority needs an odd input count N, not {n}")
    return _symmetric(n, "maj", ["maj"], lambda ones: [ones > n // 2])


def sorter(n: int) -> Task:
    """A bit sorter: outputs s0..s{n-1} are the inputs sorted ascending (zeros first), i.e.
    output k is 1 when at least n−k inputs are 1."""
    return _symmetric(
        n, "sorter", [f"s{k}" for k in range(n)], lambda ones: [ones >= n - k for k in range(n)]
    )


# -- cellular automata -----------------------------------------------------------------------


def ca_evolve(states: np.ndarray, rule: int, steps: int) -> np.ndarray:
    """Run an elementary cellular automaton on periodic rings (one ring per row).

    Cell i's new value is bit ``4·left + 2·centre + right`` of ``rule``, with left = cell i−1
    and right = cell i+1 (mod the ring size), as in method.md §6.
    """
    state = np.asarray(states, dtype=np.uint8)
    for _ in range(steps):
        index = 4 * np.roll(state, 1, axis=1) + 2 * state + np.roll(state, -1, axis=1)
        state = ((rule >> index) & 1).astype(np.uint8)
    return state


def cellular_automaton(
    rule: int, cells: int, steps: int, items: int | None = None, seed: Seed = 0
) -> Task:
    """Rows (random ring state, state after ``steps`` steps) of elementary rule ``rule``.

    Inputs x0..x{L-1} and outputs y0..y{L-1} are the cells left to right. ``items`` distinct
    random initial states (default 10 000, or all 2^L when fewer). Paper settings
    (paper.automaton_settings): the nets for rule 30 on 16 cells scaled with L, (L, 2L, 2L, L)
    for 1 step and (L, 3L, 3L, 3L, L) for 2; (L, L, L, L) for rule 232 over 3 steps.
    """
    need(0 <= rule <= 255, f"an elementary rule lies in 0..255, not {rule}")
    need(cells >= 3, f"the ring needs at least 3 cells (left, centre, right), not {cells}")
    need(steps >= 1, f"the step count must be >= 1, not {steps}")
    inputs = random_rows(cells, default_items(items, cells), seed)
    name = f"ca{rule}_{cells}_{steps}"
    table = TruthTable(
        inputs,
        ca_evolve(inputs, rule, steps),
        input_names=[f"x{j}" for j in range(cells)],
        output_names=[f"y{j}" for j in range(cells)],
        name=name,
    )
    settings = automaton_settings(rule, cells, steps)
    return Task(name, f"ca:{rule}:{cells}:{steps}", table, settings)


# -- autoencoder and decoder -----------------------------------------------------------------


def autoencoder(k: int, seed: Seed = 0) -> Task:
    """2^k distinct random (not one-hot) words of 2^k bits, each mapped to itself; the paper's
    net squeezes them through a k-node bottleneck: widths (2^k, k, 2^k, 2^k)."""
    need(1 <= k <= MAX_AUTOENCODER_K, f"K must lie in 1..{MAX_AUTOENCODER_K}, not {k}")
    size = 1 << k
    words = random_rows(size, size, seed)
    name = f"autoencoder{k}"
    table = TruthTable(words, words, name=name)
    return Task(name, f"autoencoder:{k}", table, autoencoder_settings(k))


def decoder(words: int, bits: int, seed: Seed = 0) -> Task:
    """A generative problem: ``words`` distinct random words of ``bits`` bits to be produced
    from free hypercube codes of ceil(log2 words) bits (no input data); paper widths
    (code, bits, bits), e.g. 4-16-16 for 16 words of 16 bits."""
    need(words >= 2, f"WORDS must be >= 2, not {words}")
    need(bits >= 1, f"BITS must be >= 1, not {bits}")
    targets = random_rows(bits, words, seed)
    settings = decoder_settings(words, bits)
    data = Dataset(np.zeros((words, 0)), targets, settings.widths[0], input_kind="hypercube")
    return Task(f"decoder{words}_{bits}", f"decoder:{words}:{bits}", data, settings)
