"""The task generators of the paper and the task spec parser (btfsynth.tasks)."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from conftest import third_party
from hypothesis import given, settings
from hypothesis import strategies as st

from btfsynth import BtfsynthError, Kind
from btfsynth.exporters import boolearn
from btfsynth.tasks import (
    KNOWN_SPECS,
    PaperSettings,
    Task,
    adder,
    autoencoder,
    ca_evolve,
    cellular_automaton,
    decoder,
    from_spec,
    int_bits,
    majority,
    multiplier,
    parity,
    planted_andor,
    planted_maj,
    random_rows,
    sorter,
)
from btfsynth.truthtable import all_input_rows, row_numbers


def as_rows(inputs: np.ndarray, outputs: np.ndarray) -> dict[tuple, tuple]:
    return {tuple(i): tuple(o) for i, o in zip(inputs.tolist(), outputs.tolist())}


def value(bits: np.ndarray) -> np.ndarray:
    """Rows of bits, MSB first, as integers."""
    return row_numbers(bits)


# -- arithmetic ------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [2, 3])
def test_multiplier_matches_reference_data(n):
    reference = boolearn.read_table(third_party(f"boolearn/mult/{n}x{n}.dat"))
    table = multiplier(n).table
    assert reference.n_rows == table.n_rows == 4**n
    assert as_rows(reference.inputs, reference.outputs) == as_rows(table.inputs, table.outputs)


def test_mult_2_names_and_row_order():
    task = from_spec("mult:2")
    table = task.table
    assert table.input_names == ("a1", "a0", "b1", "b0")
    assert table.output_names == ("p3", "p2", "p1", "p0")
    assert table.is_complete and not table.has_dont_cares
    assert task.widths == [4, 4, 4, 4]
    # row r = 4a + b in canonical order: a = 2, b = 3 (row 11) gives 6 = 0110
    assert table.inputs[11].tolist() == [1, 0, 1, 1]
    assert table.outputs[11].tolist() == [0, 1, 1, 0]


@pytest.mark.parametrize("n", [1, 2, 4])
def test_multiplier_and_adder_compute_their_function(n):
    rows = np.arange(1 << (2 * n))
    a, b = rows >> n, rows & ((1 << n) - 1)
    product, total = multiplier(n).table, adder(n).table
    assert np.array_equal(value(product.inputs), rows)
    assert np.array_equal(value(product.outputs), a * b)
    assert np.array_equal(value(total.outputs), a + b)
    assert total.output_names == tuple(f"s{k}" for k in range(n, -1, -1))
    assert total.n_outputs == n + 1


def test_symmetric_functions():
    n = 5
    ones = all_input_rows(n).sum(axis=1)
    assert np.array_equal(parity(n).table.outputs[:, 0], ones % 2)
    assert np.array_equal(majority(n).table.outputs[:, 0], ones >= 3)
    sorted_bits = sorter(n).table.outputs
    assert np.array_equal(sorted_bits, np.sort(all_input_rows(n), axis=1))
    assert np.array_equal(sorted_bits.sum(axis=1), ones)


def test_majority_needs_an_odd_count():
    with pytest.raises(BtfsynthError, match="odd"):
        majority(4)


# -- cellular automata -----------------------------------------------------------------------


def test_rule_30_by_hand():
    # rule 30 = 00011110: neighbourhoods 001, 010, 011, 100 give 1
    states = np.array([[0, 0, 1, 0, 0], [1, 0, 0, 0, 0]], dtype=np.uint8)
    assert ca_evolve(states, 30, 1).tolist() == [[0, 1, 1, 1, 0], [1, 1, 0, 0, 1]]
    assert ca_evolve(states, 30, 2).tolist()[0] == [1, 1, 0, 0, 1]


def test_rule_232_is_majority_by_hand():
    # rule 232 = 11101000: neighbourhoods with two or more ones give 1
    states = np.array([[0, 1, 1, 0, 1]], dtype=np.uint8)
    assert ca_evolve(states, 232, 1).tolist() == [[1, 1, 1, 1, 0]]
    ring = np.array([[1, 0, 1, 0, 0, 0]], dtype=np.uint8)
    # cell 0: left = cell 5 = 0, centre 1, right 0 -> 0; cell 1: 1, 0, 1 -> 1
    assert ca_evolve(ring, 232, 1).tolist() == [[0, 1, 0, 0, 0, 0]]


def test_ca_table_rows_follow_the_rule():
    task = from_spec("ca:30:16:2", items=300, seed=4)
    table = task.table
    assert table.n_rows == 300 and table.n_inputs == table.n_outputs == 16
    assert np.array_equal(table.outputs, ca_evolve(table.inputs, 30, 2))
    assert len(np.unique(table.inputs, axis=0)) == 300
    assert task.widths == [16, 48, 48, 48, 16]
    assert from_spec("ca:30:16:1").widths == [16, 32, 32, 16]
    assert from_spec("ca:232:8:3").widths == [8, 8, 8, 8]  # rule 232's documented net
    assert from_spec("ca:30:8:3").widths is None


def test_ca_items_default_and_limits():
    assert cellular_automaton(30, 16, 1).table.n_rows == 10_000
    small = cellular_automaton(30, 5, 1).table  # 32 < 10 000 possible rings: all of them
    assert small.n_rows == 32 and small.is_complete
    with pytest.raises(BtfsynthError, match="only 2\\^5 = 32 distinct"):
        cellular_automaton(30, 5, 1, items=33)
    with pytest.raises(BtfsynthError, match="at least 3 cells"):
        cellular_automaton(30, 2, 1)


def test_sampled_tasks_are_deterministic_by_seed():
    for spec in ("ca:30:16:1", "autoencoder:4", "planted-andor:16-16-8", "planted-maj:9-9"):
        a, b = from_spec(spec, seed=3), from_spec(spec, seed=3)
        assert a.table == b.table, spec
        assert not np.array_equal(a.table.inputs, from_spec(spec, seed=4).table.inputs), spec
    rng_task = from_spec("ca:30:16:1", seed=np.random.default_rng(3))
    assert rng_task.table == from_spec("ca:30:16:1", seed=3).table


# -- autoencoder and decoder -----------------------------------------------------------------


def test_autoencoder_has_the_reference_shape():
    reference = boolearn.read_table(third_party("boolearn/autocode/auto8.dat"))
    task = autoencoder(3, seed=1)
    table = task.table
    assert table.inputs.shape == reference.inputs.shape == (8, 8)
    assert np.array_equal(reference.inputs, reference.outputs)
    assert np.array_equal(table.inputs, table.outputs)
    assert len(np.unique(table.inputs, axis=0)) == 8
    assert not np.all(table.inputs.sum(axis=1) == 1)  # random words, not one-hot
    assert task.widths == [8, 3, 8, 8]


def test_decoder_is_generative():
    task = decoder(16, 16, seed=2)
    data = task.dataset
    assert data.is_generative and data.input_kind == "hypercube" and data.n_inputs == 4
    assert data.targets.shape == (16, 16) and len(np.unique(data.targets, axis=0)) == 16
    assert task.widths == [4, 16, 16]
    with pytest.raises(BtfsynthError, match="generative"):
        _ = task.table


# -- planted circuits ------------------------------------------------------------------------


@pytest.mark.parametrize("make", [planted_andor, planted_maj])
@pytest.mark.parametrize("p", [0.0, 0.5, 1.0])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_planted_netlist_and_network_agree_on_all_inputs(make, p, seed):
    task = make([7, 6, 5, 4], p=p, items=50, seed=seed)
    rows = all_input_rows(7)
    expected = task.planted.evaluate(rows)
    assert np.array_equal(task.planted_network.predict(rows), expected)
    assert np.array_equal(task.table.outputs, task.planted.evaluate(task.table.inputs))
    assert task.planted_network.accuracy(task.table) == 1.0


def test_planted_network_weights_are_btf_patterns():
    task = planted_andor([32, 32, 32, 32], items=500, seed=5)
    net = task.planted_network
    assert np.allclose(net.normalised(net.weights), net.weights)  # w·w = m per node
    kinds = [g.kind for g in task.planted.gates[32:]]
    for node, gate in zip(net.btf_nodes, kinds):
        src, w = net.node_weights(node)
        m = len(w)
        nonzero = np.flatnonzero(w)
        if gate in (Kind.BUF, Kind.NOT):
            assert len(nonzero) == 1 and np.isclose(abs(w[nonzero[0]]), np.sqrt(m))
            assert (w[nonzero[0]] < 0) == (gate is Kind.NOT)
        else:
            # AND = MAJ(False, p, q): positive bias weight (bias value −1 votes False)
            assert len(nonzero) == 3 and np.allclose(abs(w[nonzero]), np.sqrt(m / 3))
            assert src[0] == 0 and (w[0] > 0) == (gate is Kind.AND)
    # sampled 32-input rows: the table was made by the netlist; the network agrees
    assert np.array_equal(net.predict(task.table.inputs), task.table.outputs)


def test_planted_gate_kinds_follow_p():
    def kinds(task: Task) -> list[Kind]:
        return [g.kind for g in task.planted.gates if g.kind is not Kind.INPUT]

    andor = kinds(planted_andor([32] * 6, p=0.5, items=10, seed=0))
    share = sum(k in (Kind.AND, Kind.OR) for k in andor) / len(andor)
    assert set(andor) == {Kind.AND, Kind.OR, Kind.BUF, Kind.NOT} and 0.35 < share < 0.65
    assert set(kinds(planted_maj([8, 8, 8], p=1.0, items=10))) == {Kind.MAJ}
    assert set(kinds(planted_andor([8, 8, 8], p=0.0, items=10))) <= {Kind.BUF, Kind.NOT}
    maj = planted_maj([8, 8], p=1.0, items=10).planted
    assert all(len(g.fanins) == 3 for g in maj.gates if g.kind is Kind.MAJ)


PAPER = {  # method.md §5's table (and §6 for rule 232): widths, σ, β, γ, gap_stop, max_iter
    "mult:2": ((4, 4, 4, 4), 3, 0.2, 1e-3, 0.01, 10_000),
    "mult:3": ((6, 12, 12, 12, 6), 3, 0.2, 1e-4, 0.01, 1_000_000),
    "autoencoder:3": ((8, 3, 8, 8), 3, 0.2, 1e-4, 0.05, 100_000),
    "autoencoder:5": ((32, 5, 32, 32), 3, 0.2, 1e-4, 0.05, 100_000),
    "planted-andor:32-32-32-32-32-32": ((32,) * 6, 3, 0.2, 1e-3, 0.1, 1_000_000),
    "planted-maj:12-12-4": ((12, 12, 4), 3, 0.2, 1e-3, 0.1, 1_000_000),
    "ca:30:16:1": ((16, 32, 32, 16), 3, 0.2, 1e-3, 0.1, 1_000_000),
    "ca:30:16:2": ((16, 48, 48, 48, 16), 3, 0.2, 1e-3, 0.1, 1_000_000),
    "ca:232:32:3": ((32, 32, 32, 32), 3, 0.2, 1e-3, 0.1, 1_000_000),
    "decoder:16:16": ((4, 16, 16), 3, 0.5, 1e-4, 0.01, 1_000_000),
}


@pytest.mark.parametrize("spec", sorted(PAPER))
def test_tasks_carry_the_papers_settings(spec):
    task = from_spec(spec, items=300) if spec.startswith(("ca", "planted")) else from_spec(spec)
    assert task.paper == PaperSettings(*PAPER[spec])
    assert task.widths == list(PAPER[spec][0])
    assert task.paper.rrr() == dict(zip(["sigma", "beta", "gamma", "gap_stop", "max_iter"],
                                        PAPER[spec][1:]))  # fmt: skip


@pytest.mark.parametrize(
    "spec", ["maj:7", "sorter:4", "parity:5", "adder:2", "mult:4", "ca:30:8:3"]
)
def test_tasks_the_paper_did_not_run_have_no_settings(spec):
    task = from_spec(spec)
    assert task.paper is None and task.widths is None


def test_paper_settings_read_as_one_line():
    paper = from_spec("mult:3").paper
    assert paper.describe() == (
        "widths 6-12-12-12-6, σ 3, β 0.2, γ 0.0001, gap 0.01, 1000000 iterations"
    )
    assert paper.describe(["widths", "gamma"]) == "σ 3, β 0.2, gap 0.01, 1000000 iterations"


def test_planted_defaults_follow_the_paper():
    task = from_spec("planted-andor:32-32-32-32-32-32")
    assert task.table.n_rows == 10_000 and task.widths == [32] * 6
    assert task.planted_network.metadata["p"] == 0.5
    assert task.planted.output_names == [f"y{k}" for k in range(32)]
    assert len(np.unique(task.table.inputs, axis=0)) == 10_000


# -- rows and specs --------------------------------------------------------------------------


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 12), st.data())
def test_random_rows_are_distinct_and_seeded(n, data):
    items = data.draw(st.integers(1, 1 << n))
    seed = data.draw(st.integers(0, 2**32))
    rows = random_rows(n, items, seed)
    assert rows.shape == (items, n)
    assert len(np.unique(row_numbers(rows))) == items
    assert np.array_equal(rows, random_rows(n, items, seed))


def test_random_rows_beyond_62_bits():
    rows = random_rows(70, 2000, seed=1)
    assert rows.shape == (2000, 70) and len(np.unique(rows, axis=0)) == 2000
    assert 0.45 < rows.mean() < 0.55


def test_int_bits_is_msb_first():
    assert int_bits(np.array([6]), 4).tolist() == [[0, 1, 1, 0]]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("mul:2", "unknown task 'mul:2'; known: mult:N"),
        ("mult", "task 'mult': expected mult:N"),
        ("mult:2:3", "expected mult:N"),
        ("mult:x", "expected mult:N with integer values"),
        ("mult:0", "N must be >= 1"),
        ("mult:14", "complete table over 28 inputs"),
        ("parity:27", "complete table over 27 inputs"),
        ("maj:4", "odd"),
        ("ca:256:16:1", "0..255"),
        ("ca:30:16:0", "step count"),
        ("autoencoder:13", "K must lie in 1..12"),
        ("planted-andor:32", "at least one gate layer"),
        ("planted-andor:32-0-4", "at least one node"),
        ("planted-andor:32--4", "integer values"),
        ("planted-maj:2-8", "3-literal gates"),
        ("decoder:1:8", "WORDS must be >= 2"),
    ],
)
def test_bad_specs_give_one_line_errors(spec, message):
    with pytest.raises(BtfsynthError) as info:
        from_spec(spec)
    text = str(info.value)
    assert message in text and "\n" not in text and spec in text


def test_options_that_do_not_apply_are_errors():
    with pytest.raises(BtfsynthError, match="'mult:2' does not take items"):
        from_spec("mult:2", items=10)
    with pytest.raises(BtfsynthError, match="does not take p \\(only items\\)"):
        from_spec("ca:30:8:1", p=0.3)
    with pytest.raises(BtfsynthError, match="p is a probability"):
        from_spec("planted-maj:8-8", p=1.5)
    assert from_spec("mult:2", seed=7).table == from_spec("mult:2").table  # seed is ignored
    with pytest.raises(BtfsynthError, match="seed must be an integer >= 0, not -1"):
        from_spec("autoencoder:3", seed=-1)


def test_spec_options_reach_the_generator():
    task = from_spec("planted-maj:9-9-9", items=100, seed=3, p=1.0)
    assert task.table.n_rows == 100 and task.spec == "planted-maj:9-9-9"
    assert all(g.kind in (Kind.INPUT, Kind.MAJ) for g in task.planted.gates)
    assert from_spec(" adder:2 ").spec == "adder:2"


@settings(max_examples=80, deadline=None)
@given(
    st.sampled_from([u.split(":")[0] for u in KNOWN_SPECS] + ["x", ""]),
    st.lists(
        # small values only: ca:30:99:99 is a legal but slow task
        st.one_of(st.integers(-2, 6).map(str), st.text("1-x: ", max_size=2)),
        max_size=4,
    ),
)
def test_any_spec_gives_a_task_or_a_btfsynth_error(name, args):
    spec = ":".join([name, *args])
    try:
        task = from_spec(spec, seed=1)
    except BtfsynthError as exc:
        assert "\n" not in str(exc)
        return
    assert task.dataset.n_items >= 1


def test_complete_tables_are_built_without_large_temporaries():
    """A table takes rows × (n + m) bytes of bits (plus the care mask); building it by blocks
    keeps the peak near that (whole-table int64 temporaries would take 8× the bits)."""
    tracemalloc.start()
    try:
        table = from_spec("mult:9").table
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 3 * table.n_rows * (table.n_inputs + table.n_outputs)
    rows = table.inputs.astype(np.int64) @ (1 << np.arange(17, -1, -1))
    product = (rows >> 9) * (rows & 511)
    assert np.array_equal(table.outputs @ (1 << np.arange(17, -1, -1)), product)
