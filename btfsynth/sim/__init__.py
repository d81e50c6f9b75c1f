"""Simulation and verification: the bit-packed evaluator and the checks built on it.

* :mod:`~btfsynth.sim.program` compiles a netlist (or a threshold network, through its exact
  THRESHOLD netlist) into the opcode table that the numba kernel of
  :mod:`~btfsynth.sim.kernels` interprets;
* :mod:`~btfsynth.sim.packed` runs it over packed bit planes or all 2^n rows, chunk by chunk;
* :mod:`~btfsynth.sim.reference` is the plain numpy reference evaluator (also behind
  :meth:`Netlist.evaluate`);
* :mod:`~btfsynth.sim.check` checks a circuit against a truth table;
* :mod:`~btfsynth.sim.equiv` decides equivalence of two circuits (enumeration, simulation, SAT).
"""

from .check import Accuracy, Counterexample, VerifyReport, accuracy, match_names, verify
from .equiv import EquivalenceResult, differing_rows, equivalent, pair_netlist
from .packed import (
    evaluate_packed,
    evaluate_rows,
    exhaustive_planes,
    iter_chunks,
    popcount,
    run_words,
    valid_mask,
)
from .program import Circuit, Program, as_program, compile_netlist
from .reference import evaluate_packed_numpy

__all__ = [
    "Accuracy",
    "Circuit",
    "Counterexample",
    "EquivalenceResult",
    "Program",
    "VerifyReport",
    "accuracy",
    "as_program",
    "compile_netlist",
    "differing_rows",
    "equivalent",
    "evaluate_packed",
    "evaluate_packed_numpy",
    "evaluate_rows",
    "exhaustive_planes",
    "iter_chunks",
    "match_names",
    "pair_netlist",
    "popcount",
    "run_words",
    "valid_mask",
    "verify",
]
