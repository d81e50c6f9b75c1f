"""One run of a sweep, as a worker runs it: learn, compile, and the line that records it.

:func:`run_job` is a plain function of a :class:`~btfsynth.sweep.spec.Job`, so any back end
(a local process, a Dask worker) runs it the same way and a seed gives the same line
everywhere, bar the seconds. ``load`` turns the job's data source into the learner's items
(the command passes :func:`btfsynth.exporters.sources.read_items`, which reads files and task
specs; a module-level function, so it travels to workers by name). The data of a job are built
once per worker process and kept (:data:`_DATA`), and the learner's kernels compile once per
process, not once per job.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from .spec import Job

_DATA: dict[tuple, tuple] = {}
"""(data, items, train) → (training items, test items or None), per worker process."""
_CACHED = 8
"""Data sets a worker keeps."""


def run_job(job: Job, load: Callable) -> dict:
    """Learn ``job`` (one restart of seed ``job.seed``), compile it at effort fast when its
    network has binary outputs and at most 24 inputs, and return the JSON line that records
    it (``seconds``: the learning's)."""
    from ..compile import compile_network
    from ..rrr import learn

    train, test = _data(job, load)
    widths = [int(w) for w in job.widths.split("-")]
    start = time.perf_counter()
    settings = {k: getattr(job, k) for k in ("sigma", "beta", "gamma", "max_iter", "gap_stop")}
    result = learn(train, widths, seed=job.seed, test=test, **settings)
    seconds = time.perf_counter() - start
    ands = None
    if result.network.output_kind == "binary" and result.network.n_inputs <= 24:
        from ..passes import and2_count

        ands = and2_count(compile_network(result.network, effort="fast").netlist)
    return {
        **job.params(),
        "seed": job.seed,
        "solved": result.solved,
        "iterations": result.iterations,
        "seconds": round(seconds, 3),
        "train_accuracy": result.train_accuracy,
        "test_accuracy": result.test_accuracy,
        "and2": ands,
    }


def _data(job: Job, load: Callable):
    from ..errors import BtfsynthError

    key = (job.data, job.items, job.train)
    if key not in _DATA:
        options = {} if job.items is None else {"items": job.items}
        items, _ = load(job.data, **options)
        test = None
        if job.train is not None:
            if not 0 < job.train < items.n_items:
                raise BtfsynthError(f"{job.data}: train {job.train} of {items.n_items} items")
            test = items.take(np.arange(job.train, items.n_items))
            items = items.take(np.arange(job.train))
        if len(_DATA) >= _CACHED:
            _DATA.clear()
        _DATA[key] = (items, test)
    return _DATA[key]
