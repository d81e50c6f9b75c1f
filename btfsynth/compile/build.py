"""One gate (or inverted fan-in, or constant) per BTF node: the netlist before simplification.

Step 4 of :mod:`btfsynth.compile`: in networks of at most 24 inputs, THRESHOLD nodes (with
``shrink``, all nodes) are re-examined on the patterns they receive from all 2^n network inputs
and take the cheaper exact gate that fits there (reported as not all-input-exact).
"""

from __future__ import annotations

import numpy as np

from ..netlist import Gate, Kind, Netlist, Signal
from ..network import ThresholdNetwork
from ..truthtable import TruthTable
from .fit import Fit, best_observed, fit_gate, gate_cost, margin_fit
from .function import (
    EXHAUSTIVE_FANIN,
    EXHAUSTIVE_INPUTS,
    RANDOM_CARE_ROWS,
    NodeFunction,
    care_blocks,
    merged_edges,
    node_function,
    observed_functions,
)
from .report import CompileReport, NodeGate


def _gate_report(v: int, fn: NodeFunction, fit: Fit, inexact: str) -> NodeGate:
    """The report line of node ``v``; ``inexact`` says why it is not all-input-exact, if so."""
    kind = fit.kind.value
    if fit.kind is Kind.BUF:
        kind = "not" if fit.inverted[0] else "buf"
    reasons = [inexact] if inexact else []
    if fit.kind is Kind.THRESHOLD and fit.by_margin:
        reasons.append(
            f"fan-in {len(fn.sources)} > {EXHAUSTIVE_FANIN}: its field's margin from 0 proves "
            f"it equal on all 2^{len(fn.sources)} input patterns to the THRESHOLD gate with "
            f"weights {list(fit.weights)}, threshold {fit.threshold}"
        )
    elif fit.kind is Kind.THRESHOLD:
        reasons.append(
            f"its {len(fn.sources)}-input function is no constant, literal, AND, OR or MAJ of "
            f"literals: weights {list(fit.weights)}, threshold {fit.threshold}"
        )
    if fit.kind is Kind.SOP:
        reasons.append(
            f"float rounding makes its {len(fn.sources)}-input field no threshold function: "
            f"kept as {len(fit.cover)} {'on' if fit.onset else 'off'}-set minterms"
        )
    return NodeGate(v, kind, tuple(int(s) for s in fn.sources), not inexact, "; ".join(reasons))


def _better(seen: Fit, fit: Fit) -> bool:
    """Whether a node takes the gate ``seen`` that fits on the patterns it receives instead of
    ``fit``: a THRESHOLD or SOP node takes any logic gate (step 4), every node a cheaper one."""
    if seen.kind in (Kind.THRESHOLD, Kind.SOP):
        return False
    return fit.kind in (Kind.THRESHOLD, Kind.SOP) or gate_cost(seen) < gate_cost(fit)


def _choose(
    network: ThresholdNetwork, table: TruthTable | None, reachable: bool, shrink: bool
) -> list[tuple[int, NodeFunction, Fit, str]]:
    """(node, function, gate, why not all-input-exact or "") for every BTF node."""
    functions = {v: node_function(network, v) for v in network.btf_nodes}
    fits = {v: fit_gate(fn) for v, fn in functions.items() if fn is not None}
    if table is None and network.n_inputs > EXHAUSTIVE_INPUTS:  # no care set: exact if we can
        for v in [v for v, fn in functions.items() if fn is None]:
            sources, merged, bias = merged_edges(network, v)
            fit = margin_fit(merged, bias)
            if fit is not None:
                # no patterns: the gate is proven on all 2^k of them without listing any
                functions[v] = NodeFunction(sources, merged, np.zeros((0, len(sources)), bool),
                                            np.zeros(0, bool))  # fmt: skip
                fits[v] = fit
    wide = [v for v, fn in functions.items() if fn is None]
    retry = []
    if reachable and network.n_inputs <= EXHAUSTIVE_INPUTS:
        retry = [v for v, fit in fits.items() if shrink or fit.kind in (Kind.THRESHOLD, Kind.SOP)]
    observed = {}
    if wide or retry:
        observed = observed_functions(network, wide + retry, care_blocks(network, table))
    chosen = []
    for v in network.btf_nodes:
        fn, fit, inexact = functions[v], fits.get(v), ""
        if v in observed and v in wide and table is None:
            inexact = (
                f"fan-in {len(observed[v].sources)}: no margin proves a THRESHOLD gate, so "
                f"decided on the {len(observed[v].values)} input patterns it receives from "
                f"{RANDOM_CARE_ROWS} random network inputs"
            )
            fn, fit = best_observed(observed[v])
        elif v in observed:
            seen, seen_fit = best_observed(observed[v])
            patterns = len(observed[v].values)
            if v in wide:
                inexact = (
                    f"fan-in {len(observed[v].sources)} > {EXHAUSTIVE_FANIN} and its small "
                    f"weights can change the output: decided on the {patterns} input patterns "
                    f"it receives"
                )
                fn, fit = seen, seen_fit
            elif _better(seen_fit, fit):
                inexact = (
                    f"a {fit.kind.value} gate on all its input patterns, but a "
                    f"{seen_fit.kind.value} on the {patterns} patterns it receives from the "
                    f"2^{network.n_inputs} network inputs"
                )
                fn, fit = seen, seen_fit
        chosen.append((v, fn, fit, inexact))
    return chosen


def build_netlist(
    network: ThresholdNetwork, table: TruthTable | None, reachable: bool, shrink: bool
) -> tuple[Netlist, CompileReport]:
    """One gate (or inverted fan-in, or constant) per BTF node, and the report."""
    netlist = Netlist(name=str(network.metadata.get("name", "top")))
    signal: dict[int, Signal] = {}
    for j, name in enumerate(network.input_names):
        signal[j + 1] = netlist.add_input(name)
    report = CompileReport()
    for v, fn, fit, inexact in _choose(network, table, reachable, shrink):
        ins = [
            Signal(signal[int(s)].gate, signal[int(s)].inverted ^ bool(i))
            for s, i in zip(fn.sources, fit.inverted)
        ]
        if fit.kind in (Kind.CONST0, Kind.CONST1):
            signal[v] = netlist.add_const(fit.kind is Kind.CONST1)
        elif fit.kind is Kind.BUF:
            signal[v] = ins[0]
        else:
            gate = Gate(
                fit.kind,
                tuple(ins),
                weights=fit.weights,
                threshold=fit.threshold,
                cover=fit.cover,
                onset=fit.onset,
            )
            signal[v] = netlist.add(gate)
        report.nodes.append(_gate_report(v, fn, fit, inexact))
    for v, name in zip(network.output_nodes, network.output_names):
        netlist.add_output(signal[v], name)
    return netlist.validate(), report
