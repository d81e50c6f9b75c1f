"""The bit-packed evaluator (btfsynth.sim) against the numpy reference evaluator, and the exact
THRESHOLD netlist of threshold networks."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from btfsynth import sim
from btfsynth.errors import BtfsynthError
from btfsynth.netlist import Kind, Netlist, Signal
from btfsynth.network import ThresholdNetwork
from btfsynth.sim import kernels as kern
from btfsynth.sim import program as sim_program
from btfsynth.threshold_netlist import exact_integer_weights, network_to_netlist
from btfsynth.truthtable import all_input_rows, pack_bits, unpack_bits

GATE_KINDS = [k for k in Kind if k is not Kind.INPUT]


@st.composite
def netlists(draw, max_inputs: int = 7, max_gates: int = 25) -> Netlist:
    """Random valid netlists using every gate kind, with random inversions and outputs."""
    n = draw(st.integers(1, max_inputs))
    nl = Netlist()
    for j in range(n):
        nl.add_input(f"x{j}")
    for _ in range(draw(st.integers(1, max_gates))):
        size = len(nl.gates)
        signal = st.builds(Signal, st.integers(0, size - 1), st.booleans())
        kind = draw(st.sampled_from(GATE_KINDS))
        extra = {}
        if kind in (Kind.CONST0, Kind.CONST1):
            arity = 0
        elif kind in (Kind.BUF, Kind.NOT):
            arity = 1
        elif kind is Kind.MAJ:
            arity = draw(st.sampled_from([1, 3, 5, 7]))
        elif kind is Kind.SOP:
            arity = draw(st.integers(1, 4))
            cube = st.text(alphabet="01-", min_size=arity, max_size=arity)
            extra = {"cover": tuple(draw(st.lists(cube, max_size=4))), "onset": draw(st.booleans())}
        else:
            arity = draw(st.integers(1, 6))
        if kind is Kind.THRESHOLD:
            weights = draw(st.lists(st.integers(-6, 6), min_size=arity, max_size=arity))
            extra = {"weights": tuple(weights), "threshold": draw(st.integers(-12, 12))}
        fanins = draw(st.lists(signal, min_size=arity, max_size=arity))
        nl.add_gate(kind, fanins, **extra)
    outs = draw(st.lists(st.builds(Signal, st.integers(0, len(nl.gates) - 1), st.booleans()),
                         min_size=1, max_size=6))  # fmt: skip
    for k, s in enumerate(outs):
        nl.add_output(s, f"y{k}")
    return nl


def exhaustive_kernel(nl: Netlist) -> np.ndarray:
    """All 2^n rows through the kernel's on-the-fly input generation."""
    program = sim.compile_netlist(nl)
    chunks = [out for _, out in sim.iter_chunks(program)]
    return unpack_bits(np.concatenate(chunks, axis=1), 1 << nl.n_inputs)


@settings(max_examples=80, deadline=None)
@given(netlists())
def test_kernel_matches_reference_evaluators(nl):
    rows = all_input_rows(nl.n_inputs)
    want = nl.evaluate(rows)
    assert np.array_equal(sim.evaluate_rows(nl, rows), want)
    numpy_path = sim.evaluate_packed_numpy(nl, pack_bits(rows))
    assert np.array_equal(unpack_bits(numpy_path, len(rows)), want)
    assert np.array_equal(exhaustive_kernel(nl), want)


@pytest.mark.parametrize("cover", [("01", "10"), ("10", "01"), ("00", "11"), ("11",), ("0-", "-0")])
@pytest.mark.parametrize("onset", [True, False])
def test_two_input_covers(cover, onset):
    nl = Netlist()
    a, b = nl.add_input("a"), nl.add_input("b")
    nl.add_output(nl.add_gate(Kind.SOP, [a, ~b], cover=cover, onset=onset), "y")
    rows = all_input_rows(2)
    assert np.array_equal(sim.evaluate_rows(nl, rows), nl.evaluate(rows))


def test_inversions_fold_into_the_fast_operations():
    """Two-input AND/OR/XOR and MAJ3 with every pattern of fan-in inversions, read plain and
    inverted, become the mask-free fast operations and still compute the gates."""
    nl = Netlist()
    a, b, c = (nl.add_input(name) for name in "abc")
    kinds = [(Kind.AND, (a, b)), (Kind.OR, (a, b)), (Kind.XOR, (a, b)), (Kind.MAJ, (a, b, c))]
    for kind, ins in kinds:
        for flips in itertools.product([False, True], repeat=len(ins)):
            g = nl.add_gate(kind, [~s if f else s for s, f in zip(ins, flips)])
            nl.add_output(g, f"y{len(nl.outputs)}")
            nl.add_output(~g, f"y{len(nl.outputs)}")
    program = sim.compile_netlist(nl)
    assert set(program.rec[:, 0].tolist()) == {kern.OP_INPUT, *kern.FAST_OPS}
    assert not program.fmask.any()
    rows = all_input_rows(3)
    for threads in (1, 2):
        got = unpack_bits(sim.evaluate_packed(program, pack_bits(rows), threads), len(rows))
        assert np.array_equal(got, nl.evaluate(rows))


def random_and_xor_netlist(n_inputs: int, n_gates: int, seed: int) -> Netlist:
    rng = np.random.default_rng(seed)
    nl = Netlist()
    for j in range(n_inputs):
        nl.add_input(f"x{j}")
    kinds = [Kind.AND, Kind.OR, Kind.XOR, Kind.MAJ, Kind.THRESHOLD]
    for _ in range(n_gates):
        kind = kinds[rng.integers(len(kinds))]
        k = 3 if kind in (Kind.MAJ, Kind.THRESHOLD) else 2
        fanins = [Signal(int(rng.integers(len(nl.gates))), bool(rng.integers(2))) for _ in range(k)]
        extra = {"weights": (2, -1, 3), "threshold": 2} if kind is Kind.THRESHOLD else {}
        nl.add_gate(kind, fanins, **extra)
    for k in range(8):
        nl.add_output(Signal(len(nl.gates) - 1 - k, bool(k % 2)), f"y{k}")
    return nl


def test_many_chunks_and_partial_blocks(monkeypatch):
    """Chunk and block boundaries (and a row count that is not a whole block) change nothing."""
    nl = random_and_xor_netlist(13, 400, seed=3)
    rows = all_input_rows(13)[:5000]
    planes = pack_bits(rows)
    want = sim.evaluate_packed_numpy(nl, planes)
    program = sim.compile_netlist(nl)
    monkeypatch.setattr(sim_program, "CHUNK_WORK", program.n_ops * 20)
    monkeypatch.setattr(sim_program, "MAX_BLOCK_WORDS", 8)
    assert program.chunk_words() < planes.shape[1]
    for threads in (1, 2):
        assert np.array_equal(sim.evaluate_packed(program, planes, threads=threads), want)
    chunks = list(sim.iter_chunks(program))
    assert len(chunks) > 1
    got = np.concatenate([c for _, c in chunks], axis=1)
    assert np.array_equal(got, sim.evaluate_packed_numpy(nl, sim.exhaustive_planes(13)))


@pytest.mark.parametrize("n", [0, 1, 5, 6, 7, 10])
def test_exhaustive_planes_follow_the_row_order(n):
    assert np.array_equal(sim.exhaustive_planes(n), pack_bits(all_input_rows(n)))


def test_exhaustive_inputs_are_generated_not_stored():
    """2^24 rows of a 24-input parity: bounded memory, and exactly half the rows are odd."""
    nl = Netlist()
    ins = [nl.add_input(f"x{j}") for j in range(24)]
    nl.add_output(nl.add_gate(Kind.XOR, ins), "odd")
    nl.add_output(nl.add_gate(Kind.AND, ins[18:]), "top6")  # the 6 lowest row bits
    program = sim.compile_netlist(nl)
    odd = top = 0
    for _, out in sim.iter_chunks(program):
        assert out.nbytes <= sim_program.CHUNK_OUT_BYTES
        odd += sim.popcount(out[0])
        top += sim.popcount(out[1])
    assert odd == 1 << 23
    assert top == 1 << 18


def test_gates_outside_the_output_cone_are_dropped():
    nl = random_and_xor_netlist(6, 50, seed=1)
    nl.outputs, nl.output_names = nl.outputs[:1], nl.output_names[:1]
    program = sim.compile_netlist(nl)
    assert program.n_ops < 56
    rows = all_input_rows(6)
    assert np.array_equal(sim.evaluate_rows(program, rows), nl.evaluate(rows))


def test_valid_mask_and_popcount():
    mask = sim.valid_mask(70, 0, 3)
    assert mask.tolist() == [2**64 - 1, 63, 0]
    assert sim.popcount(mask) == 70
    assert sim.popcount(np.array([[1, 3], [7, 0]], dtype=np.uint64), axis=1).tolist() == [3, 3]


def test_wrong_input_width_is_refused():
    nl = random_and_xor_netlist(4, 10, seed=0)
    with pytest.raises(BtfsynthError, match="4 inputs"):
        sim.evaluate_rows(nl, np.zeros((3, 5), dtype=np.uint8))


# -- threshold networks --------------------------------------------------------------------------
def exact_sign_outputs(net: ThresholdNetwork, rows: np.ndarray) -> np.ndarray:
    """The network's outputs computed with exact rational arithmetic (slow, for tests)."""
    result = np.zeros((len(rows), net.n_outputs), dtype=np.uint8)
    for r, row in enumerate(rows):
        y = [-1] + [2 * int(b) - 1 for b in row]
        for v in net.btf_nodes:
            src, w = net.node_weights(v)
            h = sum(Fraction(float(x)) * y[s] for s, x in zip(src, w))
            y.append(1 if h > 0 else -1)
        result[r] = [y[v] > 0 for v in net.output_nodes]
    return result


def test_network_with_gaussian_weights_matches_forward_pass():
    net = ThresholdNetwork.layered([6, 8, 5, 3], seed=4)
    rows = all_input_rows(6)
    assert np.array_equal(sim.evaluate_rows(net, rows), net.predict(rows))


def test_network_with_ties_is_exact():
    """Integer weights make fields of exactly 0, which sgn maps to −1 (output 0)."""
    rng = np.random.default_rng(5)
    net = ThresholdNetwork.layered([5, 6, 2])
    net = net.with_weights(rng.integers(-2, 3, net.n_edges).astype(float) * 0.1)
    rows = all_input_rows(5)
    got = sim.evaluate_rows(net, rows)
    assert np.array_equal(got, exact_sign_outputs(net, rows))


def test_network_with_wildly_scaled_weights_is_exact():
    net = ThresholdNetwork.layered([4, 3, 1])
    w = np.array([1e-300, 1.0, -0.3, 1e-17, 0.7] * 3 + [0.5, 1.0, -1.0, 1e-300])
    net = net.with_weights(w[: net.n_edges])
    rows = all_input_rows(4)
    assert np.array_equal(sim.evaluate_rows(net, rows), exact_sign_outputs(net, rows))


def test_pm1_network_weights_become_small_integers():
    c = 0.5773502691896258
    assert exact_integer_weights([c, -c, c, 0.0]) == [1, -1, 1, 0]
    net = ThresholdNetwork.layered([3, 1]).with_weights(np.array([c, -c, c, c]))
    gate = network_to_netlist(net).gates[-1]
    assert gate.weights == (2, -2, 2, 2) and gate.threshold == 3


def test_class_networks_are_refused():
    net = ThresholdNetwork.layered([2, 3], output_kind="class")
    with pytest.raises(BtfsynthError, match="binary"):
        network_to_netlist(net)


def test_progress_is_reported_through_the_callback():
    program = sim.compile_netlist(random_and_xor_netlist(12, 40, seed=2))
    calls = []
    list(sim.iter_chunks(program, progress=lambda done, total: calls.append((done, total))))
    assert calls and calls[-1][0] == calls[-1][1]
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
