"""What ``synth`` tries, in which order, and the rule that picks its mode.

The search is ordered by cost and by how likely a candidate is to succeed (docs/method.md §1):
first every output alone as **one BTF node**, with σ = 3, 5, its fan-in m and m² (σ = 3
allows AND/OR/MAJ3 of literals; σ = m any majority of its inputs; σ = m² threshold functions
with unequal weights), which finds every output that is a threshold function in a fraction
of a second; then each other output alone through **one small hidden layer** (2 nodes, then 4:
an XOR, a multiplexer); then the outputs still left **jointly**, through networks of one hidden
layer, two and three, σ = 3 as in the paper's experiments. Outputs met alone are not learned
again: their circuits are merged with the joint network's by structural hashing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..truthtable import TruthTable

MODES = ("exact", "generalise")


@dataclass(frozen=True)
class Candidate:
    """One network to learn: the output columns it learns, its hidden widths and σ, and the
    learner's settings for it."""

    outputs: tuple[int, ...]
    hidden: tuple[int, ...]
    sigma: float
    max_iter: int
    gamma: float
    gap_stop: float
    restarts: int = 1_000
    """Restarts at most (a time budget usually ends them first)."""
    beta: float = 0.2

    def widths(self, n_inputs: int) -> list[int]:
        return [n_inputs, *self.hidden, len(self.outputs)]

    @property
    def single(self) -> bool:
        """One BTF node per output (no hidden layer)."""
        return not self.hidden

    def label(self, table: TruthTable) -> str:
        """``4-8-2 σ3`` for a joint network, ``y1: 4-1 σ5`` for one output alone."""
        shape = "-".join(map(str, self.widths(table.n_inputs)))
        net = f"{shape} σ{self.sigma:g}"
        if len(self.outputs) == 1 and table.n_outputs > 1:
            return f"{table.output_names[self.outputs[0]]}: {net}"
        return net


def choose_mode(table: TruthTable, forced: str | None = None) -> tuple[str, str]:
    """The mode and why: ``exact`` when the table lists every input row (its circuit must be
    right on every cared row, and the smallest one wins), else ``generalise`` (the rows are a
    sample: the circuit must predict the others, and validation accuracy decides)."""
    if forced is not None:
        return forced, "as asked (--mode)"
    if table.is_complete:
        return "exact", f"the table lists all 2^{table.n_inputs} input rows"
    return (
        "generalise",
        f"the table lists {table.n_rows} of the 2^{table.n_inputs} input rows: the circuit must "
        "predict the others",
    )


def learner_settings(max_iter: int, mode: str) -> tuple[float, float]:
    """(γ, gap_stop) for a joint network of ``max_iter`` iterations: γ × max_iter of about 10
    as the method's rule of thumb (§5) asks, within the paper's 1e-4 … 1e-3; the gap criterion
    of the paper's exact tasks (0.01) or of its sampled ones (0.1)."""
    gamma = min(1e-3, max(1e-4, 10.0 / max_iter))
    return gamma, 0.01 if mode == "exact" else 0.1


def small_settings(max_iter: int) -> tuple[float, float]:
    """(γ, gap_stop) for one output alone: the tight gap criterion in either mode (a network
    this small converges to it quickly, and a looser one leaves rows wrong)."""
    return learner_settings(max_iter, "exact")


def single_nodes(table: TruthTable, output: int) -> list[Candidate]:
    """One output as one node: σ = 3 (AND, OR, MAJ3 of literals), 5, the node's fan-in m (bias
    included: any majority of its inputs, whose support can be all of them, §1), then m²,
    whose small margin δ = 1/√m admits threshold functions with unequal weights too (such as
    3·x0 + 2·x1 + … ≥ 3, whose normalised margin is about 0.5)."""
    fan_in = table.n_inputs + 1
    sigmas = sorted({min(3, fan_in), min(5, fan_in), fan_in, fan_in * fan_in})
    max_iter = 5_000
    gamma, gap = small_settings(max_iter)
    return [Candidate((output,), (), float(s), max_iter, gamma, gap, 4) for s in sigmas]


def small_networks(output: int) -> list[Candidate]:
    """One output alone through one small hidden layer (2 nodes, then 4)."""
    max_iter = 20_000
    gamma, gap = small_settings(max_iter)
    return [Candidate((output,), (h,), 3.0, max_iter, gamma, gap, 8) for h in (2, 4)]


def joint_networks(table: TruthTable, outputs: Sequence[int], mode: str) -> Iterator[Candidate]:
    """Networks with hidden layers for ``outputs`` together, smallest first: one hidden layer
    of about as many nodes as outputs and of twice that, then two layers as wide as the inputs
    (the paper's 2×2 multiplier, planted circuits), twice as wide (its rule-30 net), three."""
    n, r = table.n_inputs, max(len(outputs), 2)
    shapes: list[tuple[int, ...]] = [(r,), (2 * r,), (n, n), (2 * n, 2 * n), (n, n, n)]
    seen = set()
    for hidden in shapes:
        if hidden in seen:
            continue
        seen.add(hidden)
        edges = sum((a + 1) * b for a, b in zip([n, *hidden], [*hidden, len(outputs)]))
        max_iter = 20_000 if edges < 500 else 100_000 if edges < 5_000 else 300_000
        gamma, gap = learner_settings(max_iter, mode)
        yield Candidate(tuple(outputs), hidden, 3.0, max_iter, gamma, gap)
