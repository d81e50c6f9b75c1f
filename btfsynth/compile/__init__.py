"""Compile a learned threshold network into an AND / OR / MAJ / NOT gate netlist, and prove it.

Each BTF node ``y = sgn(w · x)`` (bias node value −1, ``sgn(0) = −1``; docs/method.md §1) is
replaced by the gate that computes the same Boolean function of its inputs:

1. **Its function.** Inputs are taken in order of decreasing ``|w|``; if the largest ``t ≤ 20``
   of them give a field ``h_S`` with ``min |h_S| > Σ |w| over the rest`` on all ``2^t`` patterns,
   the rest can never change the sign, so the node is a function of those ``t`` inputs on *all*
   its input patterns (this is the sparsity result of the paper made checkable). Otherwise a node
   of fan-in ``k ≤ 20`` is enumerated on all ``2^k`` patterns, with the field summed exactly as
   :meth:`ThresholdNetwork.forward` sums it. Larger nodes are decided on the patterns they
   receive over the care set and are marked *data-exact, not all-input-exact*.
2. **Its support.** An input is dropped when flipping it never changes the output. On
   observed patterns, inputs are dropped in order of increasing ``|w|`` while the real weights
   of the rest still separate the observations, or (a second candidate) while the observations
   stay a function of the rest; the cheaper gate of the two wins.
3. **Its gate.** Constant, a literal (BUF/NOT become an inversion flag on the fan-in, no gate),
   AND / OR of literals (polarities read off the truth table), MAJ of literals (polarities from
   the weight signs), each accepted only if its truth table equals the node's; otherwise a
   THRESHOLD gate whose small integer weights come from rounding the real weights at increasing
   scales, with the threshold read off the node's own truth table and accepted only when it
   reproduces it on every pattern.
4. **Reachable patterns.** Training imposes the margin only on patterns that occur, so a hidden
   node can be a THRESHOLD gate on all its input patterns yet an AND/OR/MAJ on those it can
   receive. In networks of at most 24 inputs such a node is re-examined on the patterns it
   receives from all 2^n network inputs and takes the exact gate that fits there (reported as
   not all-input-exact; the netlist still equals the network on every input). With ``shrink``
   every node is re-examined and takes the cheaper gate (AND2 count).

The netlist is then simplified (:mod:`btfsynth.passes.simplify`), optimised as an AIG when that
makes it smaller (:mod:`btfsynth.passes.optimize`, the ``effort`` argument) and proven equal to
the network's
exact THRESHOLD netlist by the simulator (:mod:`btfsynth.compile.proof`): on all ``2^n`` input
rows when ``n ≤ 24`` (then the care set used for data-exact nodes is all rows too), else on the
care set plus 10^6 random rows; there, when every node is exact on all its input patterns
(no data-exact node), the netlist is also proven equal to the gates it was optimised from by
SAT, which makes it equal to the network on every input. A mismatch where the construction
promises equality is a bug and raises :class:`CompileMismatch` with the counterexample; on
random rows outside the care set a network with data-exact nodes may differ, and the agreement
is reported instead.

Modules: :mod:`~btfsynth.compile.function` (step 1), :mod:`~btfsynth.compile.fit` (steps 2 and
3), :mod:`~btfsynth.compile.build` (step 4 and the netlist), :mod:`~btfsynth.compile.proof`,
:mod:`~btfsynth.compile.report`.
"""

from __future__ import annotations

from ..errors import BtfsynthError
from ..network import ThresholdNetwork
from ..passes.aig import and2_count
from ..passes.optimize import optimize
from ..passes.resub import MAX_INPUTS
from ..passes.simplify import simplify as simplify_netlist
from ..truthtable import Seed, TruthTable
from .build import build_netlist
from .function import EXHAUSTIVE_FANIN, EXHAUSTIVE_INPUTS
from .proof import RANDOM_ROWS, equal_on, prove, prove_gates, table_accuracy
from .report import CompileMismatch, CompileReport, CompileResult, NodeGate

DONT_CARES = ("table", "unseen", "none")
"""What :func:`compile_network` may treat as don't-cares."""

__all__ = [
    "EXHAUSTIVE_FANIN",
    "EXHAUSTIVE_INPUTS",
    "RANDOM_ROWS",
    "CompileMismatch",
    "CompileReport",
    "CompileResult",
    "NodeGate",
    "compile_network",
    "equal_on",
]


def compile_network(
    network: ThresholdNetwork,
    table: TruthTable | None = None,
    *,
    simplify: bool = True,
    effort: str | None = "fast",
    reachable: bool = True,
    shrink: bool = False,
    dont_cares: str = "table",
    seconds: float | None = None,
    random_rows: int = RANDOM_ROWS,
    seed: Seed = 0,
) -> CompileResult:
    """Compile ``network`` into a gate netlist proven equal to it (see the module docstring).

    ``table`` is the care set for nodes too wide to enumerate in networks of more than 24
    inputs, and is scored when given. ``reachable`` allows step 4 of the module docstring;
    ``shrink`` applies it to every node whose gate gets cheaper (AND2 count) on the patterns it
    receives, not only to THRESHOLD nodes;
    ``simplify`` runs :func:`btfsynth.passes.simplify.simplify` on the result, then the AIG
    optimiser :func:`btfsynth.passes.optimize.optimize` at ``effort`` ("fast", "high"; None
    leaves it out), whose result is kept only when smaller. ``dont_cares`` says which rows
    the optimiser may change in networks of at most 16 inputs: "table" the table's
    don't-care outputs, "unseen" also every output of the rows the table lacks, "none" no
    row; the netlist is then proven equal to the network on the other rows. ``seconds`` bounds
    the optimiser's time. ``random_rows`` and
    ``seed`` set the random part of the check for wide networks. Class-output networks
    (argmax) have no netlist form.
    """
    if network.output_kind == "class":
        raise BtfsynthError(
            "a class-output network (argmax of the output fields) cannot be "
            "compiled into a netlist: only binary-output networks can"
        )
    if table is not None and (table.n_inputs, table.n_outputs) != (
        network.n_inputs,
        network.n_outputs,
    ):
        raise BtfsynthError(
            f"the table has {table.n_inputs} inputs and {table.n_outputs} outputs, "
            f"the network {network.n_inputs} and {network.n_outputs}"
        )
    if dont_cares not in DONT_CARES:
        raise BtfsynthError(
            f"dont_cares must be one of {', '.join(DONT_CARES)}, not {dont_cares!r}"
        )
    netlist, report = build_netlist(network, table, reachable, shrink)
    gates, care = netlist, None
    if simplify:
        netlist = simplify_netlist(netlist)
        if effort is not None:
            care = _care(table, dont_cares)
            before = and2_count(netlist)
            netlist = optimize(netlist, effort, seconds, care)
            report.optimized = (effort, before, and2_count(netlist))
            report.dont_cares = 0 if care is None else int(care.size - care.sum())
    prove(netlist, network, table, report, random_rows, seed, care)
    if network.n_inputs > EXHAUSTIVE_INPUTS and not report.data_exact:
        prove_gates(netlist, gates, report, seconds)
    if table is not None:
        report.table_accuracy = table_accuracy(netlist, table)
    return CompileResult(netlist, report)


def _care(table: TruthTable | None, dont_cares: str):
    """The care rows the optimiser keeps (None: all rows)."""
    if table is None or dont_cares == "none" or table.n_inputs > MAX_INPUTS:
        return None
    care = table.care_rows(unseen=dont_cares == "unseen")
    return None if care.all() else care
