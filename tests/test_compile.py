"""The compiler: gate recognition, THRESHOLD fallback, data-exact nodes and the equality proof."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import btfsynth.compile as compile_module
from btfsynth.compile import CompileMismatch, compile_network, equal_on
from btfsynth.compile.fit import margin_fit
from btfsynth.errors import BtfsynthError
from btfsynth.netlist import Kind, Netlist, Signal
from btfsynth.network import ThresholdNetwork
from btfsynth.passes.aig import and2_count
from btfsynth.tasks import multiplier, planted_andor, random_rows
from btfsynth.truthtable import TruthTable, all_input_rows

EXACT_KINDS = {Kind.INPUT, Kind.CONST0, Kind.CONST1, Kind.AND, Kind.OR, Kind.MAJ}


def pattern_network(n_inputs, layers, noise=0.0, seed=0) -> ThresholdNetwork:
    """A layered network whose nodes are gates written as method.md §1 weight patterns.

    ``layers`` holds per layer a list of (kind, [(source, negated), ...]) with sources indexing
    the previous layer; kind is buf (one literal), and, or, maj. The other weights are uniform
    noise of size ``noise``, as in a learned network.
    """
    widths = [n_inputs] + [len(layer) for layer in layers]
    net = ThresholdNetwork.layered(widths)
    rng = np.random.default_rng(seed)
    weights, edge = np.zeros(net.n_edges), 0
    for prev, layer in zip(widths, layers):
        m = prev + 1
        for kind, literals in layer:
            w = noise * rng.uniform(-1, 1, m)
            scale = math.sqrt(m) if kind == "buf" else math.sqrt(m / 3)
            if kind in ("and", "or"):
                w[0] = scale if kind == "and" else -scale
            for source, negated in literals:
                w[1 + source] = -scale if negated else scale
            weights[edge : edge + m] = w
            edge += m
    return net.with_weights(weights)


def mult2_network(noise: float) -> ThresholdNetwork:
    """A 4-4-4-4 network for the 2×2 multiplier (inputs a1 a0 b1 b0, outputs p3 p2 p1 p0)."""
    a1, a0, b1, b0 = ((j, False) for j in range(4))
    h00, h10, h01, h11 = ((j, False) for j in range(4))
    layer1 = [("and", [a0, b0]), ("and", [a1, b0]), ("and", [a0, b1]), ("and", [a1, b1])]
    layer2 = [("buf", [h00]), ("or", [h10, h01]), ("and", [h10, h01]), ("buf", [h11])]
    g00, gor, gand, g11 = ((j, False) for j in range(4))
    layer3 = [
        ("and", [g11, g00]),
        ("and", [g11, (0, True)]),
        ("and", [gor, (2, True)]),
        ("buf", [g00]),
    ]
    return pattern_network(4, [layer1, layer2, layer3], noise)


@pytest.mark.parametrize("noise", [0.0, 0.02])
def test_mult2_network_compiles_to_and_or_gates_equal_to_the_multiplier(noise):
    net = mult2_network(noise)
    result = compile_network(net)
    table = multiplier(2).table
    assert np.array_equal(result.netlist.evaluate(table.inputs), table.outputs)
    assert {g.kind for g in result.netlist.gates} <= EXACT_KINDS
    report = result.report
    assert report.threshold == 0 and report.data_exact == 0 and report.exact == 12
    assert report.exhaustive and report.checked_rows == 16
    assert and2_count(result.netlist) >= 8  # the proven optimum with free inverters
    assert result.netlist.input_names == list(net.input_names)


def test_maj_node_with_noise_is_a_maj3_gate():
    net = pattern_network(4, [[("maj", [(0, False), (1, True), (3, False)])]], noise=0.05)
    result = compile_network(net)
    gate = result.netlist.gates[result.netlist.outputs[0].gate]
    assert gate.kind is Kind.MAJ
    assert sorted(gate.fanins) == [Signal(0), Signal(1, True), Signal(3)]
    assert result.report.nodes[0].support == (1, 2, 4)


def test_literal_nodes_become_inversion_flags_not_gates():
    net = pattern_network(2, [[("buf", [(1, True)]), ("buf", [(0, False)])]], noise=0.1)
    result = compile_network(net)
    assert [g.kind for g in result.netlist.gates] == [Kind.INPUT, Kind.INPUT]
    assert result.netlist.outputs == [Signal(1, True), Signal(0)]
    assert [g.kind for g in result.report.nodes] == ["not", "buf"]


def test_constant_and_tied_nodes():
    # y0: bias dominates -> constant 1; y1: h = a + b has ties at a != b, sgn(0) = -1 -> AND.
    net = ThresholdNetwork(
        5, 2, 2, [0, 1, 2, 0, 1, 2], [3, 3, 3, 4, 4, 4], [-3.0, 1.0, 1.0, 0.0, 1.0, 1.0]
    )
    result = compile_network(net)
    assert result.netlist.outputs[0] == Signal(result.netlist.outputs[0].gate, False)
    assert result.netlist.gates[result.netlist.outputs[0].gate].kind is Kind.CONST1
    assert result.netlist.gates[result.netlist.outputs[1].gate].kind is Kind.AND
    assert [g.kind for g in result.report.nodes] == ["const1", "and"]


def test_threshold_fallback_uses_small_integer_weights():
    # h = -1 + 2a + b + c: a AND (b OR c), a threshold function that is no AND/OR/MAJ.
    net = ThresholdNetwork(5, 3, 1, [0, 1, 2, 3], [4, 4, 4, 4], [1.0, 2.0, 1.0, -1.0])
    result = compile_network(net, effort=None)  # the fitted gate, not optimised
    gate = result.netlist.gates[result.netlist.outputs[0].gate]
    assert gate.kind is Kind.THRESHOLD
    assert gate.weights == (2, 1, 1) and gate.threshold == 3
    assert gate.fanins == (Signal(0), Signal(1), Signal(2, True))
    node = result.report.nodes[0]
    assert result.report.threshold == 1 and node.kind == "threshold" and "weights" in node.reason
    rows = all_input_rows(3)
    assert np.array_equal(result.netlist.evaluate(rows), net.predict(rows))


def test_planted_andor_network_compiles_back_to_the_planted_circuit():
    task = planted_andor([6, 6, 6, 4], p=0.7, seed=3)
    result = compile_network(task.planted_network)
    rows = all_input_rows(6)
    assert np.array_equal(result.netlist.evaluate(rows), task.planted.evaluate(rows))
    assert {g.kind for g in result.netlist.gates} <= EXACT_KINDS
    assert result.report.threshold == 0


def test_wide_sparse_nodes_are_proven_exact_on_all_their_inputs():
    # 30 inputs, fan-in 31 > 20: the weight tail bounds the field, so no care set is needed.
    task = planted_andor([30, 30, 8], p=0.7, seed=1)
    net = task.planted_network
    noisy = net.with_weights(
        net.weights + 0.01 * np.random.default_rng(0).uniform(-1, 1, net.n_edges)
    )
    result = compile_network(noisy, random_rows=3000)
    report = result.report
    assert report.data_exact == 0 and report.threshold == 0 and report.everywhere
    assert not report.exhaustive and report.random_agree == report.random_rows == 3000
    rows = random_rows(30, 2000, seed=5)
    assert np.array_equal(result.netlist.evaluate(rows), task.planted.evaluate(rows))


def test_wide_dense_nodes_are_data_exact_on_the_care_set():
    net = ThresholdNetwork.layered([30, 4, 2], seed=2)
    rows = random_rows(30, 200, seed=1)
    table = TruthTable(rows, net.predict(rows))
    result = compile_network(net, table, random_rows=2000)
    report = result.report
    assert report.data_exact == 4 and report.checked_rows == 200 and report.random_rows == 2000
    assert all("decided on the 200 input patterns" in g.reason for g in report.nodes[:4])
    assert report.table_accuracy == 1.0
    assert equal_on(result.netlist, net, rows)


def test_class_networks_are_refused():
    net = ThresholdNetwork.layered([2, 3], seed=0, output_kind="class")
    with pytest.raises(BtfsynthError, match="class-output"):
        compile_network(net)


def test_equal_on_detects_a_difference():
    net = mult2_network(0.0)
    good = compile_network(net).netlist
    rows = all_input_rows(4)
    assert equal_on(good, net, rows)
    bad = good.copy()
    bad.outputs[1] = ~bad.outputs[1]
    assert not equal_on(bad, net, rows)


def test_a_wrong_netlist_is_caught_with_its_counterexample(monkeypatch):
    def broken(netlist: Netlist) -> Netlist:
        out = netlist.copy()
        out.outputs[3] = ~out.outputs[3]
        return out

    monkeypatch.setattr(compile_module, "simplify_netlist", broken)
    with pytest.raises(CompileMismatch, match="on input 0000: outputs y3") as info:
        compile_network(mult2_network(0.0))
    assert info.value.row.tolist() == [0, 0, 0, 0]


def test_no_simplify_keeps_one_gate_per_node():
    net = mult2_network(0.0)
    raw = compile_network(net, simplify=False).netlist
    assert sum(g.kind is not Kind.INPUT for g in raw.gates) == 9  # 12 nodes, 3 of them BUF


# -- property tests ---------------------------------------------------------------------------
@st.composite
def gate_networks(draw) -> ThresholdNetwork:
    n = draw(st.integers(3, 5))
    widths = [n] + draw(st.lists(st.integers(3, 4), min_size=1, max_size=3))
    layers = []
    for prev, width in zip(widths[:-1], widths[1:]):
        layer = []
        for _ in range(width):
            kind = draw(st.sampled_from(["buf", "and", "or", "maj"]))
            arity = {"buf": 1, "maj": 3}.get(kind, 2)
            sources = draw(st.permutations(range(prev)))[:arity]
            layer.append((kind, [(s, draw(st.booleans())) for s in sources]))
        layers.append(layer)
    noise = draw(st.sampled_from([0.0, 0.01, 0.05]))
    return pattern_network(n, layers, noise, seed=draw(st.integers(0, 9)))


@settings(max_examples=60, deadline=None)
@given(gate_networks())
def test_pattern_networks_compile_to_exact_gates_equal_on_all_inputs(net):
    result = compile_network(net)
    rows = all_input_rows(net.n_inputs)
    assert np.array_equal(result.netlist.evaluate(rows), net.predict(rows))
    assert {g.kind for g in result.netlist.gates} <= EXACT_KINDS
    assert result.report.threshold == 0 and result.report.data_exact == 0


@st.composite
def real_networks(draw) -> ThresholdNetwork:
    widths = [draw(st.integers(1, 5))] + draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    net = ThresholdNetwork.layered(widths)
    weight = st.one_of(st.floats(-4, 4, allow_nan=False), st.integers(-2, 2).map(float))
    return net.with_weights(
        np.array(draw(st.lists(weight, min_size=net.n_edges, max_size=net.n_edges)))
    )


@settings(max_examples=80, deadline=None)
@given(real_networks(), st.booleans())
def test_real_weight_networks_compile_to_equal_netlists(net, simplify):
    result = compile_network(net, simplify=simplify)
    rows = all_input_rows(net.n_inputs)
    assert np.array_equal(result.netlist.evaluate(rows), net.predict(rows))
    assert result.report.exact + result.report.threshold == net.n_nodes - net.first_btf


@pytest.mark.parametrize("shrink", [False, True])
def test_learned_mult2_compiles_to_exact_gates_equal_to_the_multiplier(shrink):
    from btfsynth import learn

    table = multiplier(2).table
    learned = learn(table, [4, 4, 4, 4], seed=12, restarts=4)
    assert learned.solved
    for net in (learned.network, learned.raw_network):
        result = compile_network(net, shrink=shrink)
        assert np.array_equal(result.netlist.evaluate(table.inputs), table.outputs)
        assert {g.kind for g in result.netlist.gates} <= EXACT_KINDS
        assert result.report.threshold == 0
        assert and2_count(result.netlist) >= 8


def test_threshold_node_becomes_maj_on_the_patterns_it_receives():
    # h1 = AND(a, b) implies h2 = OR(a, b); y = [2 h1 + h2 + h3 >= 2] is a THRESHOLD gate on all
    # patterns of (h1, h2, h3) but equals MAJ(h1, h2, h3) whenever h1 implies h2.
    net = ThresholdNetwork.layered([3, 3, 1])
    net = net.with_weights(np.array([1, 1, 1, 0, -1, 1, 1, 0, 0, 0, 0, 1, -0.5, 2, 1, 1.0]))
    rows = all_input_rows(3)
    plain = compile_network(net, reachable=False)
    assert plain.report.by_kind == {"and": 1, "buf": 1, "or": 1, "threshold": 1}
    result = compile_network(net)
    assert result.report.by_kind == {"and": 1, "buf": 1, "maj": 1, "or": 1}
    node = result.report.nodes[-1]
    assert not node.all_inputs and "patterns it receives" in node.reason
    assert result.report.data_exact == 1 and result.report.exhaustive
    for compiled in (plain, result):
        assert np.array_equal(compiled.netlist.evaluate(rows), net.predict(rows))


def test_shrink_replaces_gates_that_are_simpler_on_the_patterns_they_receive():
    # h1 = AND(a, b) implies h2 = OR(a, b), so AND(h1, h2) is h1 on every pattern it receives.
    layer1 = [("and", [(0, False), (1, False)]), ("or", [(0, False), (1, False)])]
    net = pattern_network(2, [layer1, [("and", [(0, False), (1, False)])]])
    rows = all_input_rows(2)
    plain = compile_network(net, effort=None)
    shrunk = compile_network(net, shrink=True, effort=None)
    assert plain.report.nodes[-1].kind == "and" and plain.report.data_exact == 0
    assert shrunk.report.nodes[-1].kind == "buf" and shrunk.report.data_exact == 1
    assert and2_count(shrunk.netlist) == 1 < and2_count(plain.netlist) == 3
    for compiled in (plain, shrunk):
        assert np.array_equal(compiled.netlist.evaluate(rows), net.predict(rows))


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.floats(0.5, 2.0), min_size=1, max_size=5),
    st.sampled_from([0.0, 0.005, 0.03, 0.2]),
    st.floats(-3, 3),
    st.integers(0, 99),
)
def test_wide_nodes_claimed_exact_are_exact(big, noise, bias, seed):
    # One node of fan-in 25 in a 25-input network: too wide to enumerate, so its exactness rests
    # on the weight-tail proof; without a care set it must be proven or refused.
    rng = np.random.default_rng(seed)
    weights = noise * rng.uniform(-1, 1, 26)
    weights[0] = bias
    picks = rng.choice(25, size=len(big), replace=False)
    weights[1 + picks] = np.array(big) * rng.choice([-1, 1], size=len(big))
    net = ThresholdNetwork.layered([25, 1]).with_weights(weights)
    result = compile_network(net, random_rows=2000, seed=seed)
    rows = random_rows(25, 3000, seed=seed + 1)
    if result.report.data_exact:  # no margin proves it: decided on random rows, and says so
        assert noise > 0 and "65536 random network inputs" in result.report.nodes[0].reason
        return
    assert result.report.everywhere is not None
    assert result.report.random_agree == result.report.random_rows == 2000
    assert equal_on(result.netlist, net, rows)


def test_wide_dense_nodes_without_a_table_are_proven_equal_everywhere():
    # Fan-in 31 with dense real weights: the field's margin from 0 gives exact integer weights.
    # Random dense weights leave margins of 1e-9, hence 35-bit weights and adders whose SAT
    # proof is slow: with 5 s, the report says that each gate is exact and where it checked.
    net = ThresholdNetwork.layered([30, 3, 1], seed=2)
    result = compile_network(net, random_rows=2000, seconds=5)
    report = result.report
    assert report.data_exact == 0
    assert all("margin from 0 proves it equal on all 2^" in g.reason for g in report.nodes[:3])
    said = "\n".join(report.lines())
    if report.everywhere is None:
        assert "exact on all its input patterns, but the netlist was not proven" in said
    else:
        assert "equal to the network on every input" in said
    assert "2000 of 2000 random rows agree" in said
    assert equal_on(result.netlist, net, random_rows(30, 5000, seed=3))


def test_a_wide_node_with_no_margin_is_decided_on_random_rows_and_says_so():
    # 22 equal weights and no bias: the field is exactly 0 where 11 inputs are 1: no margin.
    weights = np.zeros(31)
    weights[1:23] = 1.0
    net = ThresholdNetwork.layered([30, 1]).with_weights(weights)
    result = compile_network(net, random_rows=1000)
    report = result.report
    assert report.data_exact == 1 and report.everywhere is None
    assert "decided on the" in report.nodes[0].reason and "random network inputs" in (
        report.nodes[0].reason
    )
    assert "1000 random rows agree" in report.lines()[-1]


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 12), st.integers(0, 2**31), st.sampled_from([0.0, 1e-3, 1e-9]))
def test_margin_fits_equal_their_node_on_every_pattern(k, seed, jitter):
    rng = np.random.default_rng(seed)
    w = np.round(rng.normal(size=k) * 3) / 3 + jitter * rng.normal(size=k)
    bias = float(np.round(rng.normal() * 3) / 3)
    fit = margin_fit(w, bias)
    if fit is None:
        return
    patterns = all_input_rows(k).astype(bool)
    node = np.where(patterns, 1.0, -1.0) @ w - bias > 0
    alone = Netlist()
    fanins = [Signal(alone.add_input(f"x{j}").gate, bool(i)) for j, i in enumerate(fit.inverted)]
    gate = alone.add_gate(fit.kind, fanins, weights=fit.weights, threshold=fit.threshold)
    alone.add_output(gate, "y")
    assert np.array_equal(alone.evaluate(patterns.astype(np.uint8))[:, 0].astype(bool), node)


def test_zero_weights_never_count_even_with_ties():
    # Fan-in 25 but only two nonzero weights, with a tie: h = a + b is 0 when a != b.
    weights = np.zeros(26)
    weights[[3, 17]] = 1.0
    net = ThresholdNetwork.layered([25, 1]).with_weights(weights)
    result = compile_network(net, random_rows=1000)
    gate = result.netlist.gates[result.netlist.outputs[0].gate]
    assert gate.kind is Kind.AND and gate.fanins == (Signal(2), Signal(16))
    assert result.report.data_exact == 0 and result.report.random_agree == 1000


def test_tiny_tie_breaking_weights_are_kept():
    # h = -1 + a + 2 b + 5e-324 c: c decides exactly when a + 2 b = 1 (a = -1, b = +1).
    net = ThresholdNetwork(5, 3, 1, [0, 1, 2, 3], [4, 4, 4, 4], [1.0, 1.0, 2.0, 5e-324])
    result = compile_network(net)
    rows = all_input_rows(3)
    assert np.array_equal(result.netlist.evaluate(rows), net.predict(rows))
    # Whether the forward pass (a BLAS dot product) keeps the subnormal term depends on its
    # order of summation; the compiler follows the forward pass either way.
    c_matters = not np.array_equal(net.predict(rows[0::2]), net.predict(rows[1::2]))
    assert result.report.nodes[0].support == ((1, 2, 3) if c_matters else (1, 2))


def test_float_rounding_that_breaks_threshold_logic_still_compiles_exactly():
    # A tie-breaking weight far below the rounding error of the sum: whether it counts depends on
    # the order of summation, so the float field need not be a threshold function.
    net = ThresholdNetwork(7, 5, 1, range(6), [6] * 6, [0.0, 1.0, 1.0, 2e-261, 1.0, 1.0])
    result = compile_network(net, simplify=False)
    rows = all_input_rows(5)
    assert np.array_equal(result.netlist.evaluate(rows), net.predict(rows))
    assert result.report.exact + result.report.threshold == 1
