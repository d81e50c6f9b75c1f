"""Espresso PLA reader and writer: espresso/ABC/IWLS-style files, .type semantics, errors with
file:line, and exact round trips."""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from btfsynth import exporters
from btfsynth.errors import BtfsynthError, FormatError
from btfsynth.exporters.pla import format_pla, parse_pla, read_table, write_table
from btfsynth.truthtable import MAX_COMPLETE_INPUTS, TruthTable, row_numbers

DATA = Path(__file__).resolve().parent / "data"


def test_abc_style_file_is_the_full_adder():
    table = read_table(DATA / "pla_abc.pla")
    adder = TruthTable.from_function(
        3,
        2,
        lambda a, b, c: (a ^ b ^ c, (a & b) | (a & c) | (b & c)),
        ("a", "b", "cin"),
        ("s", "cout"),
    )
    assert table == adder and table.is_complete and table.name == "pla_abc"


def test_espresso_fd_file_keeps_its_dont_cares():
    table = read_table(DATA / "pla_espresso_fd.pla")
    digit = np.arange(16)
    prime = np.isin(digit, [2, 3, 5, 7]).astype(np.uint8)
    odd = (digit & 1).astype(np.uint8)
    care = np.repeat((digit < 10)[:, None], 2, axis=1)
    expected = TruthTable.from_function(
        4, 2, lambda *bits: (prime, odd), ("d3", "d2", "d1", "d0"), ("prime", "odd")
    ).complete()
    expected = TruthTable(
        expected.inputs, expected.outputs * care, care, expected.input_names, expected.output_names
    )
    assert table == expected


def test_iwls_fr_file_is_a_partial_table_in_file_order():
    table = read_table(DATA / "pla_iwls_fr.pla")
    assert not table.is_complete and table.n_rows == 8 and not table.has_dont_cares
    assert ["".join(map(str, r)) for r in table.inputs] == [
        "01101",
        "10000",
        "11100",
        "00011",
        "10101",
        "01010",
        "11111",
        "00000",
    ]
    assert table.outputs[:, 0].tolist() == [(r.sum() >= 3) * 1 for r in table.inputs]


def test_fdr_file_reads_every_output_character():
    table = read_table(DATA / "pla_fdr.pla")
    rows = ["".join(map(str, r)) for r in table.inputs]
    assert rows == ["100", "101", "110", "111", "000", "010", "011"]
    # f: 1 on a=1, 0 elsewhere; g: never given a value; h: 0 on a=1, 1 on 0-0, '2' = DC on 011.
    assert table.outputs.tolist() == [[1, 0, 0]] * 4 + [[0, 0, 1]] * 2 + [[0, 0, 0]]
    assert table.care.tolist() == [[True, False, True]] * 6 + [[True, False, False]]


BODY = ".i 2\n.o 1\n.type {}\n00 1\n01 0\n10 -\n"


@pytest.mark.parametrize(
    "kind, rows, outputs, care",
    [
        # espresso(5): f/fd complement ON (∪ DC), r/dr complement OFF (∪ DC): every row has a value.
        ("f", 4, [1, 0, 0, 0], [1, 1, 1, 1]),
        ("fd", 4, [1, 0, 0, 0], [1, 1, 0, 1]),
        ("r", 4, [1, 0, 1, 1], [1, 1, 1, 1]),
        ("dr", 4, [1, 0, 0, 1], [1, 1, 0, 1]),
        # fr/fdr: rows in no set are free, so only the rows the cubes mention are kept.
        ("fr", 3, [1, 0, 0], [1, 1, 0]),
        ("fdr", 3, [1, 0, 0], [1, 1, 0]),
    ],
)
def test_type_decides_what_unmentioned_rows_are(kind, rows, outputs, care):
    table = parse_pla(BODY.format(kind))
    assert table.n_rows == rows and table.is_complete == (rows == 4)
    assert table.outputs[:, 0].tolist() == outputs
    assert table.care[:, 0].astype(int).tolist() == care


def test_default_type_is_fd():
    assert parse_pla(".i 2\n.o 1\n00 1\n01 0\n10 -\n") == parse_pla(BODY.format("fd"))


def test_fr_cubes_with_dashes_expand_to_their_minterms():
    text = ".i 4\n.o 1\n.type fr\n1-0- 1\n0000 0\n"
    table = parse_pla(text)
    assert ["".join(map(str, r)) for r in table.inputs] == ["1000", "1001", "1100", "1101", "0000"]
    assert table.outputs[:, 0].tolist() == [1, 1, 1, 1, 0]
    full = parse_pla(text, complete=True)
    assert full.is_complete and full.care[:, 0].sum() == 5
    assert full.complete() == table.complete()


def test_partial_reading_of_a_type_that_defines_every_row_is_refused():
    with pytest.raises(FormatError, match="x.pla:3: .type fd gives all 2\\^2 rows a value"):
        parse_pla(".i 2\n.o 1\n.type fd\n00 1\n", "x.pla", complete=False)


def test_dc_set_wins_over_the_on_set_as_in_espresso():
    table = parse_pla(".i 1\n.o 1\n1 1\n- -\n")
    assert table.care[:, 0].tolist() == [False, False]


def test_espresso_character_aliases():
    aliased = parse_pla(".i 2\n.o 3\n.type fdr\n2- 432\n11 1~~\n")
    plain = parse_pla(".i 2\n.o 3\n.type fdr\n-- 10-\n11 1~~\n")
    assert aliased == plain


def test_wide_sampled_table_beyond_62_inputs_round_trips():
    rng = np.random.default_rng(3)
    inputs = rng.integers(0, 2, (50, 300), dtype=np.uint8)
    table = TruthTable(inputs, rng.integers(0, 2, (50, 2), dtype=np.uint8))
    assert parse_pla(format_pla(table)) == table
    text = ".i 70\n.o 1\n.type fr\n" + "1" * 68 + "-- 1\n"
    assert parse_pla(text).inputs[:, -2:].tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]


def test_complete_table_over_too_many_inputs_is_refused_before_allocating():
    with pytest.raises(
        FormatError,
        match=f"big.pla:1: a complete table over 40 inputs has 2\\^40 "
        f"rows; the limit is 2\\^{MAX_COMPLETE_INPUTS}",
    ):
        parse_pla(".i 40\n.o 1\n" + "-" * 40 + " 1\n", "big.pla")
    with pytest.raises(FormatError, match="big.pla:1: a complete table over 40"):
        parse_pla(".i 40\n.o 1\n.type fr\n", "big.pla", complete=True)


def test_too_many_minterms_are_refused_before_expanding():
    text = ".i 40\n.o 1\n.type fr\n" + "0000" + "-" * 36 + " 1\n"
    with pytest.raises(FormatError, match="x.pla:4: the cubes cover 68719476736 minterms"):
        parse_pla(text, "x.pla")


def test_conflicting_cubes_name_both_lines():
    text = ".i 3\n.o 2\n.ob p q\n.type fr\n1-1 11\n# a comment\n\n-01 10\n111 01\n"
    with pytest.raises(FormatError) as info:
        parse_pla(text, "c.pla")
    assert (
        str(info.value) == "c.pla:8: conflicting cubes: output q of input 101 is 1 on line 5 "
        "and 0 on line 8"
    )


@pytest.mark.parametrize(
    "text, message",
    [
        (".o 1\n0 1\n", "t.pla:2: a cube before .i and .o"),
        (".i 2\n", "t.pla:1: missing .o"),
        ("", "t.pla:1: missing .i"),
        (
            ".i 2\n.o 1\n01 1\n011 1\n",
            "t.pla:4: cube has 4 characters, expected 3 (2 inputs + 1 outputs)",
        ),
        (".i 2\n.o 1\n0x 1\n", "t.pla:3: bad character 'x' in the input part (expected 0, 1 or -)"),
        (".i 2\n.o 1\n0~ 1\n", "t.pla:3: bad character '~' in the input part (expected 0, 1 or -)"),
        (
            ".i 2\n.o 1\n01 5\n",
            "t.pla:3: bad character '5' in the output part (expected 0, 1, -, ~, 2, 3 or 4)",
        ),
        (
            ".i 2\n.o 1\n01 é\n",
            "t.pla:3: bad character 'é' in the output part (expected 0, 1, -, ~, 2, 3 or 4)",
        ),
        (".i 2\n.o 1\n01\n", "t.pla:3: the file ends before the output part of this cube"),
        (".i 2\n.o 1\n01\n.e\n", "t.pla:4: expected the output part of the cube on line 3"),
        (".i 2\n.o 1\n01\n110\n", "t.pla:4: output part has 3 characters, expected 1"),
        (".i two\n", "t.pla:1: .i needs one integer >= 0, not 'two'"),
        (".i 2\n.o 0\n", "t.pla:2: .o needs one integer >= 1, not '0'"),
        (".i 2\n.i 3\n", "t.pla:2: duplicate .i (first on line 1)"),
        (".i 2\n.o 1\n.p many\n", "t.pla:3: .p needs one integer >= 0, not 'many'"),
        (".i 2\n.o 1\n.type fx\n", "t.pla:3: .type must be one of f, fd, r, dr, fr, fdr, not 'fx'"),
        (".i 2\n.o 1\n00 1\n.type fr\n", "t.pla:4: .type must come before the first cube"),
        (".i 2\n.o 1\n.ilb a\n", "t.pla:3: .ilb has 1 names for 2 signals"),
        (".i 2\n.o 1\n.ilb a a\n", "t.pla:3: duplicate name 'a' in .ilb"),
        (
            ".i 2\n.o 2\n.phase 01\n",
            "t.pla:3: .phase with a 0 (minimise the complement of an output) is not supported",
        ),
        (".mv 3 1 2 2\n", "t.pla:1: .mv (multiple-valued variables) is not supported"),
        (".i 2\n.o 1\n.model x\n", "t.pla:3: unknown directive '.model'"),
    ],
)
def test_malformed_files_report_file_and_line(text, message):
    with pytest.raises(FormatError) as info:
        parse_pla(text, "t.pla")
    assert str(info.value) == message


def test_harmless_directives_are_accepted():
    text = ".i 2\n.o 2\n.name adder\n.phase 11\n.p 99\n00 10\n.end\nignored after the end\n"
    table = parse_pla(text)
    assert table.name == "adder" and table.outputs[0].tolist() == [1, 0]


def test_output_part_may_follow_on_the_next_line_and_spaces_split_cubes():
    assert parse_pla(".i 4\n.o 2\n01 10\n  11\n0000|01\n") == parse_pla(
        ".i 4\n.o 2\n0110 11\n0000 01\n"
    )


def test_zero_inputs_and_empty_tables():
    constant = TruthTable(np.zeros((1, 0), np.uint8), [[1, 0]])
    assert parse_pla(format_pla(constant)) == constant
    empty = TruthTable(np.zeros((0, 3), np.uint8), np.zeros((0, 1), np.uint8))
    assert parse_pla(format_pla(empty)) == empty and parse_pla(format_pla(empty)).n_rows == 0


def test_writer_lists_a_complete_table_in_canonical_order_as_type_fd():
    table = TruthTable(
        [[1, 1], [0, 0], [1, 0], [0, 1]],
        [[1], [0], [1], [0]],
        [[True], [True], [False], [True]],
        ("a", "b"),
        ("f",),
    )
    assert format_pla(table) == (
        ".i 2\n.o 1\n.ilb a b\n.ob f\n.type fd\n.p 4\n00 0\n01 0\n10 -\n11 1\n.e\n"
    )


def test_repeated_rows_of_a_sample_are_kept_and_counted():
    table = parse_pla(".i 2\n.o 2\n.type fr\n01 1-\n11 00\n01 -1\n01 11\n")
    assert table.n_rows == 4 and table.distinct_rows() == 2
    assert table.care.tolist() == [[True, False], [True, True], [False, True], [True, True]]
    assert "4  (partial, of 2^2; 2 distinct, repeats count as rows)" in table.summary()
    assert ".type fr\n.p 4\n01 1-\n11 00\n01 -1\n01 11\n" in format_pla(table)


def test_writer_merges_the_repeated_rows_of_a_complete_table():
    table = TruthTable(
        [[0, 1], [1, 1], [0, 1], [0, 0], [1, 0]],
        [[1, 0], [0, 0], [0, 1], [0, 0], [0, 0]],
        [[True, False], [True, True], [False, True], [True, True], [True, True]],
    )
    assert ".type fd\n.p 4\n00 00\n01 11\n10 00\n11 00\n" in format_pla(table)


def test_names_that_cannot_be_written_are_refused(tmp_path):
    table = TruthTable([[0]], [[1]], input_names=("a b",))
    target = tmp_path / "t.pla"
    target.write_text("old")
    with pytest.raises(BtfsynthError, match="name 'a b' cannot be written"):
        write_table(table, target)
    assert target.read_text() == "old" and len(list(tmp_path.iterdir())) == 1


def test_files_round_trip_through_the_dispatcher(tmp_path):
    table = read_table(DATA / "pla_espresso_fd.pla")
    exporters.write_table(table, tmp_path / "out.pla")
    assert exporters.read_table(tmp_path / "out.pla") == table
    with pytest.raises(FormatError, match="nowhere.pla: no such file"):
        read_table(tmp_path / "nowhere.pla")


@st.composite
def tables(draw, complete: bool):
    n = draw(st.integers(0, 6 if complete else 12))
    m = draw(st.integers(1, 4))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    if complete:
        rows = 1 << n
        inputs = ((np.arange(rows)[:, None] >> np.arange(n - 1, -1, -1)) & 1).astype(np.uint8)
        inputs = inputs[rng.permutation(rows)]
    else:
        points = draw(st.integers(0, min(40, 1 << n)))
        pick = rng.choice(1 << n, size=points, replace=False)
        if points and draw(st.booleans()):  # a sample drawn with replacement repeats rows
            pick = pick[rng.integers(0, points, points + draw(st.integers(1, 10)))]
        rows = len(pick)
        inputs = ((pick[:, None] >> np.arange(n - 1, -1, -1)) & 1).astype(np.uint8)
    dc = draw(st.floats(0, 1))
    care = rng.random((rows, m)) >= dc
    value = rng.integers(0, 2, (1 << n, m), dtype=np.uint8)  # repeats of a row agree
    outputs = value[row_numbers(inputs)] if rows else np.zeros((0, m), np.uint8)
    names = tuple(f"in{j}" for j in range(n)), tuple(f"out{k}" for k in range(m))
    return TruthTable(inputs, outputs, care, *names)


@settings(max_examples=80, deadline=None)
@given(tables(complete=True))
def test_complete_tables_round_trip(table):
    back = parse_pla(format_pla(table))
    assert back == table and back.is_complete


@settings(max_examples=80, deadline=None)
@given(table=tables(complete=False))
def test_partial_tables_round_trip_in_row_order(table, tmp_path_factory):
    path = tmp_path_factory.mktemp("pla") / "t.pla"
    write_table(table, path)
    back = read_table(path)
    assert back == table
    if not table.is_complete:  # every row, repeats included, in order, with its own care
        assert np.array_equal(back.inputs, table.inputs)
        assert np.array_equal(back.care, table.care)
        assert np.array_equal(back.outputs, table.outputs * table.care)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                ".i 2",
                ".o 1",
                ".o 2",
                ".type fr",
                ".type fd",
                ".type fdr",
                ".p 3",
                ".ilb a b",
                ".ob f",
                ".e",
                "01 1",
                "1- 0",
                "-- -",
                "10 ~1",
                "0",
                "11",
                "1-1 1",
                "# note",
                "",
                "x1 1",
                ".i 2 3",
            ]
        ),
        max_size=8,
    )
)
def test_any_line_mix_gives_a_table_or_a_located_format_error(lines):
    try:
        table = parse_pla("\n".join(lines), "f.pla")
    except FormatError as exc:
        assert str(exc).startswith("f.pla:")
    else:
        assert parse_pla(format_pla(table)) == table


def test_byte_order_mark_is_skipped(tmp_path):
    path = tmp_path / "bom.pla"
    path.write_bytes("\ufeff.i 2\n.o 1\n11 1\n.e\n".encode())
    table = read_table(path)
    assert table.outputs[:, 0].tolist() == [0, 0, 0, 1]


@pytest.mark.parametrize(
    "text",
    ["", ".i 2\n.o 1\n.ilb a a\n", ".i 2\n.o 1\n1x 1\n", "11 1\n", ".i 2\n.o 1\n11\n"],
)
def test_every_read_error_names_the_file(tmp_path, text):
    path = tmp_path / "bad.pla"
    path.write_text(text)
    with pytest.raises(FormatError) as info:
        read_table(path)
    assert str(info.value).startswith(f"{path}:")


def test_streamed_writer_matches_format_pla(tmp_path):
    """write_table streams blocks of rows; the file is format_pla's text, canonical or not."""
    rng = np.random.default_rng(3)
    inputs = rng.permutation(1 << 17).astype(np.int64)
    bits = ((inputs[:, None] >> np.arange(16, -1, -1)) & 1).astype(np.uint8)
    table = TruthTable(bits, bits[:, :1] ^ bits[:, 1:2])
    write_table(table, tmp_path / "t.pla")
    text = (tmp_path / "t.pla").read_text()
    assert text == format_pla(table) and ".type fd" in text
    assert read_table(tmp_path / "t.pla").outputs[:, 0].tolist() == (
        table.complete().outputs[:, 0].tolist()
    )
