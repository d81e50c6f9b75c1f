"""The RRR learner (docs/method.md): :func:`learn` and its :class:`LearnResult`, with the
stages it runs (problem layout, the numba iteration, restarts in worker processes, snapping)."""

from .learn import LearnResult, OutOfTime, learn

__all__ = ["LearnResult", "OutOfTime", "learn"]
