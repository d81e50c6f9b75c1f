"""Budgets: how long a command may work, as wall time (``60s``, ``2m``) or as an amount of
work (``2e6it`` learner iterations), the one syntax of ``--budget``.

>>> parse_budget("90s"), parse_budget("1.5m").seconds, parse_budget("2e6it").iterations
(Budget(seconds=90.0, iterations=None), 90.0, 2000000)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import BtfsynthError

UNITS = {"ms": 1e-3, "s": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0}
"""Time units (a bare number is seconds)."""
_FORM = re.compile(r"\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*([a-z]*)\s*")


@dataclass(frozen=True)
class Budget:
    """Seconds of wall time, or learner iterations: exactly one is set."""

    seconds: float | None = None
    iterations: int | None = None


def parse_budget(text: str) -> Budget:
    """A :class:`Budget` from ``60``, ``60s``, ``500ms``, ``2m``, ``1h`` or ``2e6it``."""
    found = _FORM.fullmatch(text)
    if found is None:
        raise BtfsynthError(f"budget {text!r}: give a time such as 60s or 2m, or work as 2e6it")
    value, unit = float(found.group(1)), found.group(2)
    if unit == "it":
        if value < 1 or value != int(value):
            raise BtfsynthError(f"budget {text!r}: iterations must be a whole number ≥ 1")
        return Budget(iterations=int(value))
    if unit not in ("", *UNITS):
        raise BtfsynthError(
            f"budget {text!r}: unknown unit {unit!r} (known: {', '.join(UNITS)}, it)"
        )
    return Budget(seconds=value * UNITS.get(unit, 1.0))
