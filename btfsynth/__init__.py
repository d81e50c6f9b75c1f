"""btfsynth: learn Boolean circuits from truth tables with Boolean threshold networks.

The pipeline: a :class:`TruthTable` is learned by the RRR method into a
:class:`ThresholdNetwork`, compiled into a gate :class:`Netlist`, verified with the bit-packed
evaluator and exported to hardware formats (``btfsynth.exporters``).
"""

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
    "learn",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    """``learn`` and ``LearnResult`` (btfsynth.rrr) are imported on first use: the learner
    imports numba, which commands such as ``btfsynth info`` never need."""
    if name in ("learn", "LearnResult"):
        from . import rrr

        return getattr(rrr, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
