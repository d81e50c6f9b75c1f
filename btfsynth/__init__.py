"""btfsynth: learn Boolean circuits from truth tables with Boolean threshold networks.

The pipeline: a :class:`TruthTable` is learned by the RRR method into a
:class:`ThresholdNetwork`, compiled into a gate :class:`Netlist`, verified with the bit-packed
evaluator and exported to hardware formats (``btfsynth.exporters``).
"""

import importlib

from .jit import use_cache_folder

use_cache_folder()  # before any module with numba kernels is imported

from .errors import BtfsynthError, FormatError  # noqa: E402
from .netlist import Gate, Kind, Netlist, Signal  # noqa: E402
from .network import ThresholdNetwork  # noqa: E402
from .truthtable import TruthTable  # noqa: E402

__all__ = [
    "BtfsynthError",
    "FormatError",
    "Gate",
    "Kind",
    "LearnResult",
    "Netlist",
    "Signal",
    "ThresholdNetwork",
    "TruthTable",
    "compile_network",
    "equivalent",
    "learn",
    "verify",
]
__version__ = "0.1.0"


LAZY = {
    "learn": "rrr",
    "LearnResult": "rrr",
    "compile_network": "compile",
    "verify": "sim",
    "equivalent": "sim",
}
"""Names imported from their subpackage on first use: the learner, the compiler and the checks
import numba (and pyeda), which commands such as ``btfsynth info`` never need."""


def __getattr__(name: str) -> object:
    """The :data:`LAZY` names, imported when first asked for."""
    if name in LAZY:
        return getattr(importlib.import_module(f"{__name__}.{LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
