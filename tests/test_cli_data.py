"""``btfsynth gen`` and ``btfsynth info`` through click's test runner."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

from btfsynth.cli.main import main
from btfsynth.exporters import boolearn, read_table
from btfsynth.tasks import from_spec
from btfsynth.truthtable import all_input_rows, row_numbers


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def assert_one_line_error(result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.mark.parametrize("ext", ["pla", "dat"])
def test_gen_writes_the_task_table(tmp_path, ext):
    out = tmp_path / f"mult.{ext}"
    result = run("gen", "mult:2", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {out}: mult:2, 4 inputs, 4 outputs, 16 rows (complete)\n"
    back = read_table(out)
    expected = from_spec("mult:2").table
    assert np.array_equal(back.inputs, expected.inputs)
    assert np.array_equal(back.outputs, expected.outputs)


def test_gen_passes_items_seed_and_p(tmp_path):
    out = tmp_path / "planted.pla"
    args = ["planted-maj:8-8-4", "--items", "64", "--seed", "3", "--p", "1"]
    result = run("gen", *args[:1], "-o", str(out), *args[1:])
    assert result.exit_code == 0, result.output
    assert "64 rows (partial)" in result.stdout
    expected = from_spec("planted-maj:8-8-4", items=64, seed=3, p=1.0).table
    back = read_table(out)
    assert np.array_equal(back.inputs, expected.inputs)
    assert np.array_equal(back.outputs, expected.outputs)


def test_gen_writes_generative_tasks_as_dat(tmp_path):
    out = tmp_path / "decoder.dat"
    result = run("gen", "decoder:16:16", "--seed", "2", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "16 items of 16 bits, no inputs (hypercube codes of 4 bits)" in result.stdout
    back = boolearn.read_dataset(out, code_width=4)
    expected = from_spec("decoder:16:16", seed=2).dataset
    assert back.is_generative and back.input_kind == "hypercube"
    assert np.array_equal(back.targets, expected.targets)


def test_info_describes_specs_and_files(tmp_path):
    result = run("info", "mult:2")
    assert result.exit_code == 0, result.output
    assert result.stdout == from_spec("mult:2").table.summary() + "\n"
    assert "rows:        16  (complete, of 2^4)" in result.stdout
    out = tmp_path / "ca.dat"
    assert run("gen", "ca:30:8:1", "--items", "100", "-o", str(out)).exit_code == 0
    result = run("info", str(out))
    assert result.exit_code == 0, result.output
    assert "rows:        100  (partial, of 2^8)" in result.stdout


def test_every_command_taking_a_task_spec_takes_its_options(tmp_path):
    spec = ["ca:30:16:1", "--items", "100", "--task-seed", "3"]
    expected = from_spec("ca:30:16:1", items=100, seed=3).table
    result = run("info", *spec)
    assert result.exit_code == 0, result.output
    assert result.stdout == expected.summary() + "\n"
    out = tmp_path / "ca.pla"
    assert run("gen", *spec, "-o", str(out)).exit_code == 0
    assert read_table(out) == expected
    assert run("gen", "ca:30:16:1", "--items", "100", "--seed", "3", "-o", str(out)).exit_code == 0
    assert read_table(out) == expected  # gen's --seed is the task seed
    assert_one_line_error(run("info", str(out), "--items", "5"), "ca.pla: task options (--items)")


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["gen", "mul:2"], ["unknown task 'mul:2'", "mult:N"]),
        (["gen", "mult:0"], ["mult:0", ">= 1"]),
        (["gen", "mult:14"], ["2^28 rows"]),
        (["gen", "mult:2", "--p", "0.3"], ["does not take p"]),
        (["gen", "ca:30:4:1", "--items", "17"], ["only 2^4 = 16 distinct"]),
        (["gen", "decoder:16:16"], ["generative", "write it as .dat"]),
        (["gen", "ca:30:8:1", "--seed", "-3"], ["--seed", "-3 is not in the range"]),
    ],
)
def test_gen_errors_exit_2_without_writing(tmp_path, args, fragments):
    out = tmp_path / "out.pla"
    result = run(*args, "-o", str(out))
    assert_one_line_error(result, *fragments)
    assert list(tmp_path.iterdir()) == []


def test_gen_refuses_unknown_extensions_and_missing_folders(tmp_path):
    assert_one_line_error(run("gen", "mult:2", "-o", str(tmp_path / "m.txt")), "'.txt'", ".pla")
    missing = tmp_path / "no" / "m.pla"
    assert_one_line_error(run("gen", "mult:2", "-o", str(missing)), "no such folder")
    assert list(tmp_path.iterdir()) == []


def test_gen_error_leaves_an_existing_file_alone(tmp_path):
    out = tmp_path / "keep.pla"
    out.write_text("precious\n")
    assert_one_line_error(run("gen", "maj:4", "-o", str(out)), "odd")
    assert out.read_text() == "precious\n"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.pla"]


def test_info_errors_exit_2(tmp_path):
    assert_one_line_error(run("info", "nothing"), "not a truth table")
    assert_one_line_error(run("info", str(tmp_path / "missing.pla")), "missing.pla")
    assert_one_line_error(run("info", "sorter:x"), "expected sorter:N")


def test_usage_errors_exit_2():
    assert run("gen", "mult:2").exit_code == 2  # -o is required
    assert run("gen", "mult:2", "--items", "many", "-o", "x.pla").exit_code == 2


def test_help_lists_the_commands():
    result = run("--help")
    assert result.exit_code == 0
    assert "gen" in result.stdout and "info" in result.stdout


@pytest.mark.parametrize("ext", [".pla", ".dat"])
def test_gen_streams_tables_larger_than_one_block(tmp_path, ext):
    """Writers stream 2^16 rows at a time; a table of two blocks reads back whole."""
    out = tmp_path / f"p17{ext}"
    result = run("gen", "parity:17", "-o", str(out))
    assert result.exit_code == 0, result.output
    back = read_table(out)
    assert back.n_rows == 1 << 17 and back.is_complete
    ones = back.inputs.sum(axis=1) & 1
    order = np.argsort(row_numbers(back.inputs))
    assert np.array_equal(back.outputs[:, 0], ones)
    assert np.array_equal(back.inputs[order], all_input_rows(17))


def test_gen_output_checks(tmp_path):
    assert_one_line_error(run("gen", "mult:2", "-o", str(tmp_path)), str(tmp_path))
    assert_one_line_error(run("gen", "ca:30:8:1", "--items", "0", "-o", str(tmp_path / "c.pla")),
                          "--items")  # fmt: skip
    assert list(tmp_path.iterdir()) == []


def test_analog_data_is_not_a_table_in_user_words(tmp_path):
    path = tmp_path / "analog.dat"
    path.write_text("2\n0 2\n2 1\n0.5 0.25\n1\n0 1\n0\n")
    result = run("info", str(path))
    assert_one_line_error(result, f"{path}:2", "analog inputs", "btfsynth learn")
    assert "read_dataset" not in result.stderr
