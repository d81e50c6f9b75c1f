"""TruthTable: construction, conflicts, completion, sampling, splitting and bit packing."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from btfsynth import BtfsynthError, TruthTable
from btfsynth.truthtable import all_input_rows, pack_bits, row_numbers, unpack_bits


def test_canonical_row_order_puts_the_first_input_in_the_msb():
    rows = all_input_rows(3)
    assert rows[0b110].tolist() == [1, 1, 0]
    assert row_numbers(rows).tolist() == list(range(8))


def test_from_function_builds_a_complete_multi_output_table():
    t = TruthTable.from_function(2, 2, lambda a, b: (a & b, a ^ b), ("a", "b"), ("and", "xor"))
    assert t.is_complete and not t.has_dont_cares
    assert t.outputs.tolist() == [[0, 0], [0, 1], [0, 1], [1, 0]]
    assert t.input_names == ("a", "b") and t.output_names == ("and", "xor")


def test_from_function_accepts_constant_outputs():
    t = TruthTable.from_function(2, 1, lambda a, b: 1)
    assert t.outputs.ravel().tolist() == [1, 1, 1, 1]


def test_conflicting_duplicate_rows_name_both_rows():
    with pytest.raises(BtfsynthError, match=r"rows 1 and 3 .* inputs 10 .* outputs 0 and 1"):
        TruthTable(np.array([[0, 0], [1, 0], [1, 1], [1, 0]]), np.array([[0], [0], [1], [1]]))


def test_conflict_on_a_dont_care_is_not_a_conflict():
    t = TruthTable(np.array([[1], [1]]), np.array([[0], [1]]), np.array([[True], [False]]))
    assert t.complete(fill=0).outputs.ravel().tolist() == [0, 0]


def test_conflict_found_in_a_run_of_three_equal_rows():
    with pytest.raises(BtfsynthError, match="rows 0 and 2"):
        TruthTable(
            np.zeros((3, 2)),
            np.array([[1, 0], [1, 1], [0, 0]]),
            np.array([[True, False], [False, False], [True, True]]),
        )


def test_complete_table_beyond_the_limit_is_refused_before_allocating():
    with pytest.raises(BtfsynthError, match=r"2\^27 rows; the limit is 2\^26"):
        TruthTable.from_function(27, 1, lambda *xs: xs[0])


def test_complete_fills_missing_rows_as_asked():
    t = TruthTable(np.array([[1, 1], [0, 1]]), np.array([[1], [0]]))
    assert not t.is_complete
    dc = t.complete()
    assert dc.is_complete and dc.care.ravel().tolist() == [False, True, False, True]
    assert t.complete(fill=1).outputs.ravel().tolist() == [1, 0, 1, 1]
    with pytest.raises(BtfsynthError, match="fill must be"):
        t.complete(fill=2)


def test_sample_and_split_are_seeded_and_partition_the_rows():
    t = TruthTable.from_function(6, 1, lambda *x: x[0] & x[5])
    assert t.sample(10, seed=3) == t.sample(10, seed=3)
    assert t.sample(10, seed=3) != t.sample(10, seed=4)
    train, test = t.split(48)
    assert np.array_equal(train.inputs, t.inputs[:48]) and test.n_rows == 16
    train, test = t.split(0.25, seed=1)
    assert train.n_rows == 16 and test.n_rows == 48
    both = np.concatenate([row_numbers(train.inputs), row_numbers(test.inputs)])
    assert sorted(both.tolist()) == list(range(64))
    with pytest.raises(BtfsynthError):
        t.sample(65)


def test_equality_ignores_row_order_and_duplicates_but_not_names():
    t = TruthTable.from_function(3, 1, lambda a, b, c: a | c)
    shuffled = t.split(1.0, seed=5)[0]
    assert shuffled == t
    assert TruthTable(t.inputs, t.outputs, input_names=("p", "q", "r")) != t


@settings(max_examples=60)
@given(
    arrays(np.uint8, st.tuples(st.integers(0, 200), st.integers(1, 5)), elements=st.integers(0, 1))
)
def test_pack_then_unpack_is_the_identity(bits):
    planes = pack_bits(bits)
    assert planes.shape == (bits.shape[1], (len(bits) + 63) // 64)
    assert np.array_equal(unpack_bits(planes, len(bits)), bits)


def test_packed_layout_puts_row_r_in_bit_r_mod_64_of_word_r_div_64():
    bits = np.zeros((130, 1), dtype=np.uint8)
    bits[[0, 63, 64, 129], 0] = 1
    planes = pack_bits(bits)
    assert planes[0].tolist() == [1 | (1 << 63), 1, 2]


def test_table_packs_inputs_outputs_and_care():
    t = TruthTable.from_function(2, 1, lambda a, b: a & b)
    assert t.pack_inputs()[:, 0].tolist() == [0b1100, 0b1010]
    assert t.pack_outputs()[0, 0] == 0b1000 and t.pack_care()[0, 0] == 0b1111


def test_summary_names_the_shape():
    t = TruthTable(np.array([[1, 0]]), np.array([[1]]), np.array([[False]]))
    text = t.summary()
    assert "partial" in text and "don't-cares: 1 of 1" in text
