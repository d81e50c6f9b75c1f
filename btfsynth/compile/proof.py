"""The compiler's proof: the netlist against the network's exact THRESHOLD netlist, by sim.

The compiled netlist and the network's THRESHOLD netlist
(:func:`btfsynth.threshold_netlist.network_to_netlist`) are paired and evaluated together by the
bit-packed evaluator (:func:`btfsynth.sim.differing_rows`): on all ``2^n`` input rows when
``n ≤ 24`` (generated inside the kernel), else on the care set plus random rows. The compiler
sums each node's field as the float forward pass sums it, so where that pass rounds
differently from the exact field (only when its rounding error exceeds ``|h|``) the forward pass
decides: a row is a mismatch only when the netlist differs from the exact network there *and*
from :meth:`ThresholdNetwork.predict`.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..netlist import Netlist
from ..network import ThresholdNetwork
from ..sim import (
    Program,
    compile_netlist,
    differing_rows,
    equivalent,
    evaluate_rows,
    pair_netlist,
    verify,
)
from ..sim.check import bit_string
from ..threshold_netlist import network_to_netlist
from ..truthtable import Seed, TruthTable, rng_from
from .function import BLOCK, EXHAUSTIVE_INPUTS, rows_of
from .report import CompileMismatch, CompileReport

RANDOM_ROWS = 10**6
"""Extra random rows checked for wider networks."""
GATES_PROOF_SECONDS = 60.0
"""Time the SAT proof of a wide network's netlist against its gates may take by default."""


def _pair(netlist: Netlist, network: ThresholdNetwork) -> Program:
    """The netlist (outputs first) and the network's THRESHOLD netlist, compiled as one."""
    return compile_netlist(pair_netlist(netlist, network_to_netlist(network), by_position=True))


def _blocks_with(suspects: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
    """(start, offsets inside) of each block of :data:`BLOCK` rows that holds ``suspects``."""
    for lo in np.unique(suspects // BLOCK) * BLOCK:
        yield int(lo), suspects[(suspects >= lo) & (suspects < lo + BLOCK)] - lo


def _wrong(
    pair: Program,
    network: ThresholdNetwork,
    block: np.ndarray,
    at: np.ndarray,
    care: np.ndarray | None = None,
) -> np.ndarray:
    """Of the rows ``at`` of ``block``, where the netlist differs from the exact network, those
    where it differs from the forward pass too, on an output ``care`` keeps (its rows ``at``).
    The pass runs on the whole block: its rounding can depend on how many rows it is given,
    and a block is what the compiler gives it."""
    got = evaluate_rows(pair, block[at])[:, : pair.n_outputs // 2]
    differs = got != network.predict(block)[at]
    return at[np.any(differs if care is None else differs & care, axis=1)]


def _wrong_rows(pair: Program, network: ThresholdNetwork, rows: np.ndarray) -> np.ndarray:
    """Indices of the ``rows`` where the netlist differs from the network (module docstring)."""
    suspects = np.concatenate([np.zeros(0, dtype=np.int64), *differing_rows(pair, rows)])
    found = [np.zeros(0, dtype=np.int64)]
    for lo, at in _blocks_with(suspects):
        found.append(lo + _wrong(pair, network, rows[lo : lo + BLOCK], at))
    return np.concatenate(found)


def _counterexample(
    pair: Program, network: ThresholdNetwork, row: np.ndarray, where: str
) -> CompileMismatch:
    m = pair.n_outputs // 2
    want, got = network.predict(row[None, :])[0], evaluate_rows(pair, row[None, :])[0, :m]
    names = [n for n, a, b in zip(network.output_names, want, got) if a != b]
    return CompileMismatch(
        f"compiled netlist differs from the network {where} on input {bit_string(row)}: "
        f"outputs {', '.join(names)} should be {bit_string(want)}, are {bit_string(got)}",
        row,
    )


def _refute(pair: Program, network: ThresholdNetwork, rows: np.ndarray, where: str) -> None:
    """Raise :class:`CompileMismatch` on the first of ``rows`` where the netlist is wrong."""
    wrong = _wrong_rows(pair, network, rows)
    if len(wrong):
        raise _counterexample(pair, network, rows[wrong[0]], where)


def equal_on(netlist: Netlist, network: ThresholdNetwork, rows: np.ndarray) -> bool:
    """True when the netlist equals the network on every 0/1 input row (as :func:`prove`
    compares them)."""
    rows = np.asarray(rows, dtype=np.uint8)
    return not len(_wrong_rows(_pair(netlist, network), network, rows))


def prove(
    netlist: Netlist,
    network: ThresholdNetwork,
    table: TruthTable | None,
    report: CompileReport,
    random_rows: int,
    seed: Seed,
    care: np.ndarray | None = None,
) -> None:
    """Prove the netlist equal to the network and record how in ``report``; a network with
    data-exact nodes may differ on random rows outside the care set, which are counted.
    ``care`` (2^n rows × outputs, n ≤ 24) leaves the outputs it marks False unchecked."""
    pair = _pair(netlist, network)
    n = network.n_inputs
    if n <= EXHAUSTIVE_INPUTS:
        for numbers in differing_rows(pair):
            for lo, at in _blocks_with(numbers):
                block = rows_of(np.arange(lo, min(lo + BLOCK, 1 << n)), n)
                cared = None if care is None else care[lo + at]
                wrong = _wrong(pair, network, block, at, cared)
                if len(wrong):
                    raise _counterexample(pair, network, block[wrong[0]], "")
        report.checked_rows, report.exhaustive = 1 << n, True
        return
    if table is not None:
        _refute(pair, network, table.inputs, "on the care set")
        report.checked_rows = table.n_rows
    rng = rng_from(seed)
    for lo in range(0, random_rows, BLOCK):
        rows = rng.integers(0, 2, size=(min(BLOCK, random_rows - lo), n), dtype=np.uint8)
        wrong = _wrong_rows(pair, network, rows)
        if report.data_exact == 0 and len(wrong):
            raise _counterexample(pair, network, rows[wrong[0]], "on a random row")
        report.random_rows += len(rows)
        report.random_agree += len(rows) - len(wrong)


def prove_gates(
    netlist: Netlist, gates: Netlist, report: CompileReport, seconds: float | None
) -> None:
    """Prove ``netlist`` equal to ``gates``, the one-gate-per-node netlist whose every gate is
    exact on all its input patterns, by SAT sweeping (:func:`btfsynth.sim.equivalent`): with
    it, the netlist equals the network on every input row. Recorded in ``report.everywhere``."""
    proof = equivalent(gates, netlist, by_position=True, time_limit=seconds or GATES_PROOF_SECONDS)
    if proof.status == "different":
        raise CompileMismatch(
            f"the optimised netlist differs from the network's gates on input "
            f"{proof.counterexample}",
            np.array([int(c) for c in proof.counterexample], dtype=np.uint8),
        )
    if proof.status == "equivalent":
        report.everywhere = f"{proof.method}, {proof.seconds:.1f} s"


def table_accuracy(netlist: Netlist, table: TruthTable) -> float:
    """The fraction of the table's cared output bits the netlist gets right (1 when none)."""
    checked = verify(netlist, table, by_position=True, max_counterexamples=0)
    if not checked.bits_checked:
        return 1.0
    return float((checked.bits_checked - checked.bits_wrong) / checked.bits_checked)
