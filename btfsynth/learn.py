"""``btfsynth.learn``: learn a Boolean threshold network from training data with RRR.

This is the public entry of the learner (docs/method.md): it builds the network, runs
independent restarts (btfsynth/rrr), snaps the winning consensus weights to ±1 patterns and
returns a :class:`LearnResult` that saves to and loads from JSON.
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from .dataset import Dataset
from .errors import BtfsynthError, FormatError
from .files import read_json, write_text
from .network import ThresholdNetwork
from .rrr.restarts import run_restarts
from .rrr.snap import snap
from .rrr.solve import Params, Progress, Run, score
from .truthtable import TruthTable

__all__ = ["LearnResult", "Params", "Progress", "learn"]


@dataclass(eq=False)
class LearnResult:
    """The outcome of :func:`learn`.

    ``network`` holds the snapped weights (metadata ``snapped``: one flag per BTF node),
    ``raw_network`` the consensus weights RRR found. For an unsolved or interrupted run both
    are the best checkpoint's weights, unsnapped (snapping relies on the margin of a solve).
    Accuracies are fractions (bitwise, or per item for class
    outputs) of ``network``; ``codes`` holds the learned 0/1 input codes of generative problems.
    """

    network: ThresholdNetwork
    raw_network: ThresholdNetwork
    solved: bool
    iterations: int
    seconds: float
    seed: int
    train_accuracy: float
    test_accuracy: float | None
    params: dict
    history: list[dict] = field(default_factory=list)
    runs: list[dict] = field(default_factory=list)
    interrupted: bool = False
    codes: list[list[int]] | None = None

    def to_dict(self) -> dict:
        data = {
            "format": "btfsynth-learn-result",
            "version": 1,
            "solved": self.solved,
            "iterations": self.iterations,
            "seconds": self.seconds,
            "seed": self.seed,
            "train_accuracy": self.train_accuracy,
            "test_accuracy": self.test_accuracy,
            "interrupted": self.interrupted,
            "params": self.params,
            "runs": self.runs,
            "history": self.history,
            "network": self.network.to_dict(),
            "raw_network": self.raw_network.to_dict(),
        }
        if self.codes is not None:
            data["codes"] = self.codes
        return data

    def save(self, path: str | os.PathLike) -> None:
        """Write the result as JSON (atomically)."""
        write_text(path, json.dumps(self.to_dict(), indent=1, allow_nan=False) + "\n")

    @classmethod
    def from_dict(cls, data: dict, path: str | None = None) -> LearnResult:
        if not isinstance(data, dict) or data.get("format") != "btfsynth-learn-result":
            raise FormatError("not a btfsynth learn result", path)
        try:
            return cls(
                ThresholdNetwork.from_dict(data["network"], path),
                ThresholdNetwork.from_dict(data["raw_network"], path),
                bool(data["solved"]),
                int(data["iterations"]),
                float(data["seconds"]),
                int(data["seed"]),
                float(data["train_accuracy"]),
                None if data["test_accuracy"] is None else float(data["test_accuracy"]),
                dict(data["params"]),
                list(data["history"]),
                list(data.get("runs", [])),
                bool(data.get("interrupted", False)),
                data.get("codes"),
            )
        except KeyError as exc:
            raise FormatError(f"learn result is missing the key {exc.args[0]!r}", path) from None
        except (TypeError, ValueError) as exc:
            raise FormatError(f"bad learn result: {exc}", path) from None

    @classmethod
    def load(cls, path: str | os.PathLike) -> LearnResult:
        return cls.from_dict(read_json(path), os.fspath(path))


def as_dataset(data: TruthTable | Dataset, what: str = "training data") -> Dataset:
    if isinstance(data, Dataset):
        return data
    if isinstance(data, TruthTable):
        return Dataset.from_table(data)
    raise BtfsynthError(f"{what} must be a TruthTable or a Dataset, not {type(data).__name__}")


def build_network(
    data: Dataset, widths: Sequence[int] | None, network: ThresholdNetwork | None
) -> ThresholdNetwork:
    """The network to train: a layered one from ``widths`` (inputs, hidden..., outputs) or the
    structure of ``network``, with the data's names and output kind."""
    if data.is_generative and data.n_inputs == 0:
        raise BtfsynthError("generative data (no inputs) needs a code width of at least 1")
    if (widths is None) == (network is None):
        raise BtfsynthError("give the network as widths or as a network, not both or neither")
    if network is None:
        widths = [int(w) for w in widths]
        if len(widths) < 2 or widths[0] != data.n_inputs or widths[-1] != data.n_outputs:
            raise BtfsynthError(
                f"widths {'-'.join(map(str, widths))} must start with the {data.n_inputs} "
                f"inputs and end with the {data.n_outputs} outputs of the data"
            )
        network = ThresholdNetwork.layered(widths)
    if network.n_inputs != data.n_inputs or network.n_outputs != data.n_outputs:
        raise BtfsynthError(
            f"the network has {network.n_inputs} inputs and {network.n_outputs} outputs, "
            f"the data {data.n_inputs} and {data.n_outputs}"
        )
    return ThresholdNetwork(
        network.n_nodes,
        network.n_inputs,
        network.n_outputs,
        network.src,
        network.dst,
        np.zeros(network.n_edges),
        data.input_names,
        data.output_names,
        data.output_kind,
        dict(network.metadata),
    )


def check_params(params: Params, restarts: int, jobs: int, seed: int) -> None:
    checks = [
        (0 < params.sigma < math.inf, f"sigma must be positive and finite, not {params.sigma}"),
        (0 < params.beta <= 1, f"beta must lie in (0, 1], not {params.beta}"),
        (0 <= params.gamma < 1, f"gamma must lie in [0, 1), not {params.gamma}"),
        (params.max_iter >= 1, f"max_iter must be >= 1, not {params.max_iter}"),
        (0 < params.gap_stop < math.inf, f"gap_stop must be positive, not {params.gap_stop}"),
        (seed >= 0, f"seed must be >= 0, not {seed}"),
        (restarts >= 1, f"restarts must be >= 1, not {restarts}"),
        (jobs >= 1, f"jobs must be >= 1, not {jobs}"),
    ]
    for ok, message in checks:
        if not ok:
            raise BtfsynthError(message)


def pick(runs: list[Run]) -> Run:
    """The run to report: the first solved one in seed order, else the best train accuracy."""
    for run in runs:
        if run.solved:
            return run

    def key(run: Run) -> tuple[float, float]:
        last = run.history[-1] if run.history else None
        return (
            max((c.train_accuracy for c in run.history), default=0.0),
            -(last.min_gap if last else math.inf),
        )

    return max(runs, key=key)


def learn(
    data: TruthTable | Dataset,
    widths: Sequence[int] | None = None,
    *,
    network: ThresholdNetwork | None = None,
    sigma: float = 3.0,
    beta: float = 0.2,
    gamma: float = 1e-3,
    max_iter: int = 10_000,
    gap_stop: float = 0.01,
    restarts: int = 1,
    jobs: int = 1,
    seed: int = 0,
    test: TruthTable | Dataset | None = None,
    progress: Callable[[Progress], None] | None = None,
    stop_at_first: bool = True,
) -> LearnResult:
    """Learn a threshold network for ``data`` with RRR (docs/method.md).

    The network is layered from ``widths`` = (inputs, hidden..., outputs) or has the structure
    of ``network`` (its weights are not used). Up to ``restarts`` runs with seeds ``seed``,
    ``seed + 1``, ... are made, ``jobs`` at a time; with ``stop_at_first`` the first solved run
    ends the search, otherwise all are run and the first solved in seed order is reported.
    ``test`` data are scored at every checkpoint. Ctrl-C ends the search with the best weights
    so far (``interrupted`` set).

    >>> from btfsynth.tasks import multiplier
    >>> result = learn(multiplier(2).table, [4, 4, 4, 4], seed=12)
    >>> result.solved, result.train_accuracy
    (True, 1.0)
    """
    train = as_dataset(data)
    test_set = None if test is None else as_dataset(test, "test data")
    params = Params(float(sigma), float(beta), float(gamma), int(max_iter), float(gap_stop))
    check_params(params, restarts, jobs, seed)
    if test_set is not None and (
        test_set.n_inputs != train.n_inputs or test_set.n_outputs != train.n_outputs
    ):
        raise BtfsynthError("test and training data differ in their inputs or outputs")
    if test_set is not None and train.is_generative:
        raise BtfsynthError("generative data (free input codes) has no test set")
    net = build_network(train, widths, network)
    seeds = [int(seed) + k for k in range(restarts)]
    start = time.perf_counter()
    runs = run_restarts(net, train, params, seeds, jobs, stop_at_first, test_set, progress)
    seconds = time.perf_counter() - start
    if not runs:
        raise KeyboardInterrupt
    best = pick(runs)
    raw = net.with_weights(best.weights)
    if best.solved:
        weights, flags = snap(raw, best.weights, best.codes, train.targets)
    else:  # an unsolved network has no margin to rely on: keep its weights as they are
        weights, flags = best.weights, [False] * len(net.btf_nodes)
    snapped = net.with_weights(weights, snapped=flags)
    test_acc = None
    if test_set is not None:
        test_acc = score(snapped, test_set.signed_inputs(), test_set.targets)
    codes = None
    if train.is_generative:
        codes = ((best.codes + 1) // 2).astype(int).tolist()
    return LearnResult(
        network=snapped,
        raw_network=raw,
        solved=best.solved,
        iterations=best.iterations,
        seconds=seconds,
        seed=best.seed,
        train_accuracy=score(snapped, best.codes, train.targets),
        test_accuracy=test_acc,
        params={
            **asdict(params),
            "restarts": restarts,
            "jobs": jobs,
            "seed": seed,
            "stop_at_first": stop_at_first,
        },
        history=[_finite(asdict(c)) for c in best.history],
        runs=[_finite(run.summary()) for run in runs],
        interrupted=any(run.interrupted for run in runs),
        codes=codes,
    )


def _finite(row: dict) -> dict:
    """JSON has no inf/nan: such values become null."""
    return {
        k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in row.items()
    }
