"""Task specs (``mult:2``, ``ca:30:16:1``, ``planted-andor:32-32-32``): the parser behind
``btfsynth gen``, ``learn`` and the other commands that take a task."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..errors import BtfsynthError
from ..truthtable import Seed
from .functions import (
    adder,
    autoencoder,
    cellular_automaton,
    decoder,
    majority,
    multiplier,
    parity,
    sorter,
)
from .planted import planted_andor, planted_maj
from .task import Task


def _width_list(text: str) -> list[int]:
    return [int(w) for w in text.split("-")]


@dataclass(frozen=True)
class _Spec:
    usage: str
    params: tuple[Callable[[str], object], ...]
    options: frozenset[str]  # which of items, seed, p the task takes
    build: Callable[..., Task]


_SPECS = {
    "mult": _Spec("mult:N", (int,), frozenset(), multiplier),
    "adder": _Spec("adder:N", (int,), frozenset(), adder),
    "parity": _Spec("parity:N", (int,), frozenset(), parity),
    "maj": _Spec("maj:N", (int,), frozenset(), majority),
    "sorter": _Spec("sorter:N", (int,), frozenset(), sorter),
    "ca": _Spec(
        "ca:RULE:CELLS:STEPS", (int,) * 3, frozenset({"items", "seed"}), cellular_automaton
    ),
    "autoencoder": _Spec("autoencoder:K", (int,), frozenset({"seed"}), autoencoder),
    "decoder": _Spec("decoder:WORDS:BITS", (int,) * 2, frozenset({"seed"}), decoder),
    "planted-andor": _Spec(
        "planted-andor:W0-W1-...", (_width_list,), frozenset({"items", "seed", "p"}), planted_andor
    ),
    "planted-maj": _Spec(
        "planted-maj:W0-W1-...", (_width_list,), frozenset({"items", "seed", "p"}), planted_maj
    ),
}

KNOWN_SPECS = tuple(s.usage for s in _SPECS.values())


def from_spec(spec: str, items: int | None = None, seed: Seed = 0, p: float | None = None) -> Task:
    """The task named by ``spec`` (e.g. ``mult:2``, ``ca:30:16:1``, ``planted-andor:32-32-32``).

    ``seed`` is used by the random tasks and ignored by the deterministic ones (so a default
    seed can always be passed); ``items`` (sampled tasks) and ``p`` (planted circuits) are
    errors where they do not apply, since a user who gives them expects them to matter.
    """
    text = spec.strip()
    name, _, rest = text.partition(":")
    if name not in _SPECS:
        raise BtfsynthError(f"unknown task {spec!r}; known: {', '.join(KNOWN_SPECS)}")
    kind = _SPECS[name]
    args = rest.split(":") if rest else []
    if len(args) != len(kind.params):
        raise BtfsynthError(f"task {spec!r}: expected {kind.usage}")
    try:
        values = [parse(arg) for parse, arg in zip(kind.params, args)]
    except ValueError:
        raise BtfsynthError(f"task {spec!r}: expected {kind.usage} with integer values") from None
    options = {"items": items, "p": p}
    given = {key: value for key, value in options.items() if value is not None}
    extra = sorted(set(given) - kind.options)
    if extra:
        takes = " and ".join(sorted(kind.options - {"seed"}))
        raise BtfsynthError(
            f"task {spec!r} does not take {extra[0]}" + (f" (only {takes})" if takes else "")
        )
    if "seed" in kind.options:
        if not isinstance(seed, np.random.Generator) and (seed is None or seed < 0):
            raise BtfsynthError(f"task {spec!r}: the seed must be an integer >= 0, not {seed}")
        given["seed"] = seed
    try:
        task = kind.build(*values, **given)
    except BtfsynthError as exc:
        raise BtfsynthError(f"task {spec!r}: {exc}") from None
    return task
