"""btfsynth: learn Boolean circuits from truth tables with Boolean threshold networks.

The pipeline: a :class:`TruthTable` is learned by the RRR method into a
:class:`ThresholdNetwork`, compiled into a gate :class:`Netlist`, verified with the bit-packed
evaluator and exported to hardware formats (``btfsynth.exporters``).
"""

from .errors import BtfsynthError, FormatError
from .netlist import Gate, Kind, Netlist, Signal
from .network import ThresholdNetwork
from .truthtable import TruthTable

__all__ = [
    "BtfsynthError",
    "FormatError",
    "Gate",
    "Kind",
    "Netlist",
    "Signal",
    "ThresholdNetwork",
    "TruthTable",
]
__version__ = "0.1.0"
