"""Every interpretation of a gate kind agrees with the gate table (btfsynth.gates) on every
fan-in pattern: the reference evaluator, the numpy packed path, the numba kernel, the AND2
lowering and the covers the writers emit."""

from __future__ import annotations

import numpy as np
import pytest

from btfsynth import gates, sim
from btfsynth.exporters.nets import gate_cover
from btfsynth.netlist import Gate, Kind, Netlist, NetlistError, Signal
from btfsynth.passes.aig import to_and2
from btfsynth.truthtable import all_input_rows, pack_bits, unpack_bits


def sample_gates(rng) -> list[Gate]:
    """Gates of every kind with 1–5 fan-ins (odd for MAJ), random weights and covers."""
    out = [Gate(Kind.CONST0), Gate(Kind.CONST1), Gate(Kind.BUF, (Signal(0),)),
           Gate(Kind.NOT, (Signal(0),))]  # fmt: skip
    for k in range(1, 6):
        fanins = tuple(Signal(j, bool(rng.integers(2))) for j in range(k))
        out += [Gate(kind, fanins) for kind in (Kind.AND, Kind.OR, Kind.XOR)]
        if k % 2:
            out.append(Gate(Kind.MAJ, fanins))
        weights = tuple(int(w) for w in rng.integers(-3, 4, k))
        out.append(
            Gate(Kind.THRESHOLD, fanins, weights=weights, threshold=int(rng.integers(-3, 5)))
        )
        cover = tuple("".join(rng.choice(list("01-"), k)) for _ in range(int(rng.integers(0, 4))))
        out.append(Gate(Kind.SOP, fanins, cover=cover, onset=bool(rng.integers(2))))
    return out


def one_gate(g: Gate) -> Netlist:
    nl = Netlist()
    for j in range(max((f.gate for f in g.fanins), default=-1) + 1):
        nl.add_input(f"x{j}")
    nl.add_output(nl.add(g), "y")
    return nl


def expected(g: Gate, rows: np.ndarray) -> np.ndarray:
    return np.array([gates.value(g, [int(r[f.gate]) ^ f.inverted for f in g.fanins]) for r in rows])


@pytest.mark.parametrize("seed", range(3))
def test_every_evaluator_and_lowering_follows_the_gate_table(seed):
    for g in sample_gates(np.random.default_rng(seed)):
        nl = one_gate(g)
        rows = all_input_rows(nl.n_inputs)
        want = expected(g, rows)
        assert np.array_equal(nl.evaluate(rows)[:, 0], want), g
        packed = sim.evaluate_packed_numpy(nl, pack_bits(rows))
        assert np.array_equal(unpack_bits(packed, len(rows))[:, 0], want), g
        assert np.array_equal(sim.evaluate_rows(nl, rows)[:, 0], want), g
        assert np.array_equal(to_and2(nl).evaluate(rows)[:, 0], want), g
        if g.kind not in (Kind.MAJ, Kind.THRESHOLD):  # writers lower these; others have covers
            cover = gate_cover(g)  # over the fan-ins, their inversions not applied
            sop = Gate(Kind.SOP, g.fanins, cover=tuple(cover[0]), onset=cover[1])
            assert np.array_equal(expected(sop, rows), want), g


def test_the_table_states_the_fan_ins_each_kind_takes():
    with pytest.raises(NetlistError, match="odd number of fan-ins"):
        one_gate(Gate(Kind.MAJ, (Signal(0), Signal(1)))).validate()
    with pytest.raises(NetlistError, match="1 weights for 2 fan-ins"):
        one_gate(Gate(Kind.THRESHOLD, (Signal(0), Signal(1)), weights=(1,))).validate()
    assert gates.arity_problem(Gate(Kind.AND), 0) == "needs at least one fan-in"
    assert set(gates.MEANING) == set(Kind) - {Kind.INPUT}
