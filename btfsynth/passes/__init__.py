"""Netlist passes, each a pure function over a :class:`~btfsynth.netlist.Netlist`: the one AND2
lowering and the AND2 count (:mod:`.aig`), simplification to a fixed point (:mod:`.simplify`)
and statistics (:mod:`.stats`), which the compiler, the checker and the writers all use; and
the AIG optimiser (:mod:`.optimize`) with its own passes: resubstitution with don't-cares
(:mod:`.resub`) and exact resynthesis (:mod:`.resynth`, over the SAT encoding of
:mod:`.exact`), on the literal AIG of :mod:`.aignet`."""

from .aig import and2_count, lower, to_and2
from .simplify import simplify
from .stats import NetlistStats, netlist_stats

__all__ = ["NetlistStats", "and2_count", "lower", "netlist_stats", "simplify", "to_and2"]
