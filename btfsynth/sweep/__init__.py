"""Sweeps: many independent learner runs over a grid of settings and seeds, on a local pool
or a Dask cluster, recorded one JSON line per run (``btfsynth sweep``).

Modules: :mod:`~btfsynth.sweep.spec` (the TOML spec and its jobs), :mod:`~btfsynth.sweep.jobs`
(one run, as a worker runs it), :mod:`~btfsynth.sweep.runner` (the back ends),
:mod:`~btfsynth.sweep.results` (the JSONL file, resumable) and
:mod:`~btfsynth.sweep.summary` (the grouped table).
"""

from .results import Appender, read_lines, recorded
from .runner import DaskCluster, LocalPool, runner_for
from .spec import Job, jobs_of, read_spec
from .summary import summary_lines, wilson

__all__ = ["Appender", "DaskCluster", "Job", "LocalPool", "jobs_of", "read_lines", "read_spec",
           "recorded", "runner_for", "summary_lines", "wilson"]  # fmt: skip
