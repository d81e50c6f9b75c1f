"""Seeded generators of the paper's tasks (docs/method.md §5–§6), their paper settings and the
task spec parser.

Every generator returns a :class:`Task`: the data (a :class:`TruthTable`, or a generative
:class:`Dataset` for the decoder), the network widths and RRR parameters the paper used for it
where there are some (:class:`PaperSettings`), and, for planted circuits, the planted circuit
as a gate :class:`Netlist` and as an equivalent :class:`ThresholdNetwork`.

Conventions: multi-bit operands and results are listed most significant bit first (``a1 a0 b1
b0`` → ``p3 p2 p1 p0``), as in the reference data files. Sampled tasks (cellular automata,
planted circuits, autoencoder words) draw *distinct* uniformly random rows, in random order, so
that the paper's protocol "train on the first N rows, test on the rest" never tests on a row it
trained on; asking for more rows than the input space holds is an error.

Task specs (``btfsynth gen SPEC``)::

    mult:N  adder:N  parity:N  maj:N  sorter:N  ca:RULE:CELLS:STEPS  autoencoder:K
    planted-andor:W0-W1-...  planted-maj:W0-W1-...  decoder:WORDS:BITS

Modules: ``task.py`` the :class:`Task`, ``paper.py`` the paper's settings, ``rows.py`` bits and
rows, ``functions.py`` and ``planted.py`` the generators, ``specs.py`` the spec parser.
"""

from .functions import (
    MAX_AUTOENCODER_K,
    adder,
    autoencoder,
    ca_evolve,
    cellular_automaton,
    decoder,
    majority,
    multiplier,
    parity,
    sorter,
)
from .paper import PaperSettings
from .planted import DEFAULT_P, planted_andor, planted_maj
from .rows import BLOCK_ROWS, DEFAULT_ITEMS, MAX_ITEMS, int_bits, random_rows
from .specs import KNOWN_SPECS, from_spec
from .task import Task

__all__ = [
    "BLOCK_ROWS",
    "DEFAULT_ITEMS",
    "DEFAULT_P",
    "KNOWN_SPECS",
    "MAX_AUTOENCODER_K",
    "MAX_ITEMS",
    "PaperSettings",
    "Task",
    "adder",
    "autoencoder",
    "ca_evolve",
    "cellular_automaton",
    "decoder",
    "from_spec",
    "int_bits",
    "majority",
    "multiplier",
    "parity",
    "planted_andor",
    "planted_maj",
    "random_rows",
    "sorter",
]
