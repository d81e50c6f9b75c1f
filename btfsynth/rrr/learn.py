"""``btfsynth.rrr.learn``: learn a Boolean threshold network from training data with RRR.

This is the public entry of the learner (docs/method.md): it checks that the problem fits in
memory, builds the network, runs independent restarts (restarts.py), snaps the winning consensus
weights to ±1 patterns and returns a :class:`LearnResult` (written and read as JSON by
``btfsynth.exporters.model``). Progress goes to a callback as :class:`Progress` data; nothing
here prints.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from ..dataset import Dataset
from ..errors import BtfsynthError
from ..network import ThresholdNetwork
from ..truthtable import TruthTable
from .lanes import batch_size
from .restarts import search_restarts
from .snap import snap
from .solve import Params, Progress, score, state_bytes

__all__ = ["LearnResult", "OutOfTime", "Params", "Progress", "learn"]


class OutOfTime(BtfsynthError):
    """The time budget of :func:`learn` ended before any run had started."""


@dataclass(eq=False)
class LearnResult:
    """The outcome of :func:`learn`.

    ``network`` holds the snapped weights (metadata ``snapped``: one flag per BTF node),
    ``raw_network`` the consensus weights RRR found. For an unsolved or interrupted run both
    are the best checkpoint's weights, unsnapped (snapping relies on the margin of a solve).
    Accuracies are fractions (bitwise, or per item for class
    outputs) of ``network``; ``codes`` holds the learned 0/1 input codes of generative problems.

    ``solved`` is the method's gap criterion (min gap below gap_stop); ``exact_on_train`` says
    whether ``network`` is right on every training item, which an unsolved run can be too.
    ``interrupted`` means the user stopped the search (restarts stopped because an earlier one
    had solved do not count); ``out_of_time`` that its time budget (``seconds``) ended it.
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
    exact_on_train: bool = False
    out_of_time: bool = False


def as_dataset(data: TruthTable | Dataset, what: str = "training data") -> Dataset:
    if isinstance(data, Dataset):
        return data
    if isinstance(data, TruthTable):
        return Dataset.from_table(data)
    raise BtfsynthError(f"{what} must be a TruthTable or a Dataset, not {type(data).__name__}")


def checked_widths(
    data: Dataset, widths: Sequence[int] | None, network: ThresholdNetwork | None
) -> list[int] | None:
    """``widths`` as integers, checked against the data (None when ``network`` is given)."""
    if data.is_generative and data.n_inputs == 0:
        raise BtfsynthError("generative data (no inputs) needs a code width of at least 1")
    if (widths is None) == (network is None):
        raise BtfsynthError("give the network as widths or as a network, not both or neither")
    if network is not None:
        if network.n_inputs != data.n_inputs or network.n_outputs != data.n_outputs:
            raise BtfsynthError(
                f"the network has {network.n_inputs} inputs and {network.n_outputs} outputs, "
                f"the data {data.n_inputs} and {data.n_outputs}"
            )
        return None
    widths = [int(w) for w in widths]
    if len(widths) < 2 or widths[0] != data.n_inputs or widths[-1] != data.n_outputs:
        raise BtfsynthError(
            f"widths {'-'.join(map(str, widths))} must start with the {data.n_inputs} "
            f"inputs and end with the {data.n_outputs} outputs of the data"
        )
    if min(widths[1:]) < 1:
        raise BtfsynthError(f"widths {'-'.join(map(str, widths))}: every layer needs a node")
    return widths


def layered_size(widths: Sequence[int]) -> tuple[int, int]:
    """Nodes (bias included) and edges of ThresholdNetwork.layered(widths), without building
    it: every node of a layer has the bias edge and one from each node of the layer before."""
    return 1 + sum(widths), sum((a + 1) * b for a, b in zip(widths[:-1], widths[1:]))


def build_network(
    data: Dataset, widths: Sequence[int] | None, network: ThresholdNetwork | None
) -> ThresholdNetwork:
    """The network to train: a layered one from ``widths`` (inputs, hidden..., outputs) or the
    structure of ``network``, with the data's names and output kind."""
    widths = checked_widths(data, widths, network)
    if network is None:
        network = ThresholdNetwork.layered(widths)
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


JOBS_PER_CPU = 4
"""More worker processes than this per CPU only share the same cores (and their memory)."""


def check_params(params: Params, restarts: int, jobs: int, seed: int) -> None:
    cpus = os.cpu_count() or 1
    checks = [
        (0 < params.sigma < math.inf, f"sigma must be positive and finite, not {params.sigma}"),
        (0 < params.beta <= 1, f"beta must lie in (0, 1], not {params.beta}"),
        (0 <= params.gamma < 1, f"gamma must lie in [0, 1), not {params.gamma}"),
        (params.max_iter >= 1, f"max_iter must be >= 1, not {params.max_iter}"),
        (0 < params.gap_stop < math.inf, f"gap_stop must be positive, not {params.gap_stop}"),
        (seed >= 0, f"seed must be >= 0, not {seed}"),
        (restarts >= 1, f"restarts must be >= 1, not {restarts}"),
        (jobs >= 1, f"jobs must be >= 1, not {jobs}"),
        (
            jobs <= JOBS_PER_CPU * cpus,
            f"jobs {jobs} is more than {JOBS_PER_CPU} per CPU: this machine has {cpus} "
            f"CPU(s), so at most {JOBS_PER_CPU * cpus} jobs",
        ),
    ]
    for ok, message in checks:
        if not ok:
            raise BtfsynthError(message)


def available_memory() -> int | None:
    """Bytes that new allocations can take: MemAvailable of /proc/meminfo (Linux; it counts
    reclaimable caches), else the free physical pages, else None (unknown)."""
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def check_memory(
    what: str, n_nodes: int, n_edges: int, n_items: int, workers: int, restarts: int = 1
) -> None:
    """Refuse, before anything is allocated, a problem whose RRR state (state_bytes per batch
    of at most ``restarts`` runs, ``workers`` batches at once) would not fit in the available
    memory."""
    batch = min(restarts, batch_size(n_items, n_edges))
    need = state_bytes(n_nodes, n_edges, n_items, batch) * workers
    available = available_memory()
    if available is not None and need > available:
        times = f" × {workers} jobs" if workers > 1 else ""
        raise BtfsynthError(
            f"{what} needs about {_size(need)} of memory for the RRR state ({n_edges} edges × "
            f"{n_items} items{times}), more than the {_size(available)} available"
        )


def _size(count: int) -> str:
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count / 1e3:.1f} kB"


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
    stop_when_exact: bool = False,
    seconds: float | None = None,
    cluster: str | None = None,
) -> LearnResult:
    """Learn a threshold network for ``data`` with RRR (docs/method.md).

    The network is layered from ``widths`` = (inputs, hidden..., outputs) or has the structure
    of ``network`` (its weights are not used). Up to ``restarts`` runs with seeds ``seed``,
    ``seed + 1``, ... are made, ``jobs`` at a time (in worker processes); with
    ``stop_at_first`` the first solved run in seed order ends the search, otherwise all are
    run; either way the first solved in seed order is reported, so the result does not depend
    on ``jobs``. ``stop_when_exact`` also ends a run (and, with ``stop_at_first``, the search)
    at the first checkpoint where the consensus network is right on every training item.
    ``test`` data are scored at every checkpoint. ``progress`` receives a :class:`Progress`
    after every block of iterations of every run. Ctrl-C (or SIGTERM under the CLI) ends the
    search with the best weights so far (``interrupted`` set); so does the end of ``seconds``
    of search (``out_of_time`` set: the result then depends on the machine's speed). A problem
    that would not fit in memory, or more jobs than the machine can use, is refused before any
    work. ``cluster`` (``tcp://HOST:PORT`` or ``local:N``) runs the restarts on Dask instead of
    ``jobs`` local workers, with the same result (:mod:`btfsynth.rrr.cluster`).

    >>> from btfsynth.tasks import multiplier
    >>> result = learn(multiplier(2).table, [4, 4, 4, 4], seed=12)
    >>> result.solved, result.train_accuracy
    (True, 1.0)
    """
    train = as_dataset(data)
    test_set = None if test is None else as_dataset(test, "test data")
    params = Params(
        float(sigma), float(beta), float(gamma), int(max_iter), float(gap_stop),
        bool(stop_when_exact),
    )  # fmt: skip
    check_params(params, restarts, jobs, seed)
    if test_set is not None and (
        test_set.n_inputs != train.n_inputs or test_set.n_outputs != train.n_outputs
    ):
        raise BtfsynthError("test and training data differ in their inputs or outputs")
    if test_set is not None and train.is_generative:
        raise BtfsynthError("generative data (free input codes) has no test set")
    sizes = checked_widths(train, widths, network)
    workers = min(jobs, restarts)
    if sizes is not None:
        what = f"widths {'-'.join(map(str, sizes))}"
        check_memory(what, *layered_size(sizes), train.n_items, workers, restarts)
    else:
        nodes, edges = network.n_nodes, network.n_edges
        check_memory("the network", nodes, edges, train.n_items, workers, restarts)
    net = build_network(train, widths, network)
    seeds = range(int(seed), int(seed) + restarts)
    start = time.perf_counter()
    if seconds is not None and not 0 < seconds < math.inf:
        raise BtfsynthError(f"seconds must be positive and finite, not {seconds}")
    if cluster is not None:
        from ..cluster import check_address

        check_address(cluster)
    search = search_restarts(net, train, params, seeds, jobs, stop_at_first, test_set, progress,
                             seconds=seconds, cluster=cluster)  # fmt: skip
    seconds = time.perf_counter() - start
    best = search.best
    if best is None:
        if search.lost and not search.interrupted:
            raise BtfsynthError(f"no restart finished: {search.lost[0]}")
        if search.out_of_time and not search.interrupted:
            raise OutOfTime(f"the time budget ({seconds:.3g} s) ended before any restart ran")
        raise KeyboardInterrupt
    raw = net.with_weights(best.weights)
    if best.solved:
        weights, flags = snap(raw, best.weights, best.codes, train.targets, train.care)
    else:  # an unsolved network has no margin to rely on: keep its weights as they are
        weights, flags = best.weights, [False] * len(net.btf_nodes)
    snapped = net.with_weights(weights, snapped=flags)
    test_acc = None
    if test_set is not None:
        test_acc = score(snapped, test_set.signed_inputs(), test_set.targets, test_set.care)
    codes = None
    if train.is_generative:
        codes = ((best.codes + 1) // 2).astype(int).tolist()
    train_acc = score(snapped, best.codes, train.targets, train.care)
    return LearnResult(
        network=snapped,
        raw_network=raw,
        solved=best.solved,
        iterations=best.iterations,
        seconds=seconds,
        seed=best.seed,
        train_accuracy=train_acc,
        test_accuracy=test_acc,
        params={
            **asdict(params),
            "restarts": restarts,
            "jobs": jobs,
            "seed": seed,
            "stop_at_first": stop_at_first,
            **({"cluster": cluster} if cluster else {}),
        },
        history=[_finite(asdict(c)) for c in best.history],
        runs=[_finite(summary) for summary in search.summaries],
        interrupted=search.interrupted,
        codes=codes,
        exact_on_train=train_acc == 1.0,
        out_of_time=search.out_of_time,
    )


def _finite(row: dict) -> dict:
    """Values not known yet (inf, nan) become None: a result reads the same in memory and from
    its JSON, which has no inf or nan."""
    return {
        k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in row.items()
    }
