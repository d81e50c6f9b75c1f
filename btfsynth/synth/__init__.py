"""``synth``: any truth table in, the best verified circuit out (the search, its plan, its
budget and its report; see :mod:`btfsynth.synth.search`)."""

from .plan import Candidate, choose_mode
from .result import Attempt, SynthResult, Tried
from .search import synth

__all__ = ["Attempt", "Candidate", "SynthResult", "Tried", "choose_mode", "synth"]
