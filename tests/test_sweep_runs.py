"""``btfsynth sweep``: learner runs over a grid, on a local pool or Dask, resumable."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from btfsynth.cli.main import main
from btfsynth.errors import BtfsynthError, FormatError
from btfsynth.exporters.sources import read_items
from btfsynth.sweep import DaskCluster, LocalPool, jobs_of, read_lines, read_spec, summary_lines

SPEC = """
data = "mult:2"
widths = "4-4-4-4"
sigma = [3, 5]
max_iter = 1500
seeds = 3
"""


def lines_of(path) -> list[str]:
    """The recorded runs without their seconds, in a fixed order."""
    runs = [{k: v for k, v in r.items() if k != "seconds"} for r in read_lines(path)]
    return sorted(json.dumps(r, sort_keys=True) for r in runs)


@pytest.fixture(scope="module")
def spec(tmp_path_factory):
    path = tmp_path_factory.mktemp("sweep") / "s.toml"
    path.write_text(SPEC)
    return path


@pytest.fixture(scope="module")
def local_lines(spec, tmp_path_factory):
    out = tmp_path_factory.mktemp("local") / "r.jsonl"
    result = CliRunner().invoke(main, ["sweep", str(spec), "-o", str(out), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    return out


def test_a_grid_is_every_combination_with_the_seeds_last():
    jobs = jobs_of({"data": "mult:2", "widths": ["4-4-4-4", "4-8-4"], "sigma": [3, 5],
                    "seeds": {"start": 10, "count": 2}})  # fmt: skip
    assert len(jobs) == 8 and [j.seed for j in jobs[:2]] == [10, 11]
    assert {(j.widths, j.sigma) for j in jobs} == {(w, s) for w in ("4-4-4-4", "4-8-4")
                                                   for s in (3.0, 5.0)}  # fmt: skip
    groups = [{"widths": "4-4-4-4", "seeds": [1, 2]}, {"widths": "4-2-4"}]
    runs = jobs_of({"data": "mult:2", "max_iter": 100, "runs": groups})
    assert [(j.widths, j.seed, j.max_iter) for j in runs] == [
        ("4-4-4-4", 1, 100), ("4-4-4-4", 2, 100), ("4-2-4", 0, 100)]  # fmt: skip


@pytest.mark.parametrize(
    "text, message",
    [
        ('data = "mult:2"\nwidths = "4-4-4-4"\nsigm = 3\n', "unknown key 'sigm'"),
        ('data = "mult:2"\nwidths = [4, 4]\n', "widths are written like"),
        ('widths = "4-4-4-4"\n', "every run needs 'data'"),
        ('data = "mult:2"\nwidths = "4-4-4-4"\nseeds = true\n', "seeds must be"),
    ],
)
def test_bad_specs_are_one_line_errors(tmp_path, text, message):
    path = tmp_path / "s.toml"
    path.write_text(text)
    with pytest.raises(BtfsynthError, match=message):
        read_spec(path)


def test_toml_syntax_errors_name_the_line(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('data = "mult:2"\nwidths = \n')
    with pytest.raises(FormatError, match=rf"{path}:2: "):
        read_spec(path)
    result = CliRunner().invoke(main, ["sweep", str(path), "-o", str(tmp_path / "r.jsonl")])
    assert result.exit_code == 2 and f"{path}:2:" in result.output


def test_a_rerun_skips_recorded_runs_and_a_cut_last_line(spec, local_lines, tmp_path):
    out = tmp_path / "r.jsonl"
    out.write_text(local_lines.read_text() + '{"data": "mult:2", "wid')  # killed mid-write
    before = lines_of(local_lines)
    assert len(before) == 6 and len(read_lines(out)) == 6
    result = CliRunner().invoke(main, ["sweep", str(spec), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "6 already in" in result.output and "0 runs in" in result.output
    assert lines_of(out) == before and out.read_text().endswith("}\n")


def test_the_summary_groups_by_settings(local_lines):
    result = CliRunner().invoke(main, ["sweep", "--summary", str(local_lines)])
    assert result.exit_code == 0, result.output
    head, *rows = result.output.strip().splitlines()
    assert head.split()[:3] == ["sigma", "runs", "solved"] and len(rows) == 2
    assert rows[0].split()[:2] == ["3", "3"] and rows[1].split()[:2] == ["5", "3"]
    assert summary_lines(read_lines(local_lines)) == result.output.strip().splitlines()


def test_a_local_dask_cluster_gives_the_local_pool_lines(spec, local_lines, tmp_path):
    pytest.importorskip("distributed", reason="needs btfsynth[cluster]")
    out = tmp_path / "d.jsonl"
    result = CliRunner().invoke(main, ["sweep", str(spec), "-o", str(out), "--cluster", "local:2"])
    assert result.exit_code == 0, result.output
    assert lines_of(out) == lines_of(local_lines)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_scheduler_and_worker_in_their_own_processes_give_the_same_lines(
    spec, local_lines, tmp_path
):
    pytest.importorskip("distributed", reason="needs btfsynth[cluster]")
    port = free_port()
    env = {**os.environ, "NUMBA_NUM_THREADS": "1"}
    scheduler = subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
         "--port", str(port), "--no-dashboard"], env=env, stderr=subprocess.DEVNULL)  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_worker", f"tcp://127.0.0.1:{port}",
         "--nthreads", "1", "--no-dashboard"], env=env, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        out = tmp_path / "t.jsonl"
        address = f"tcp://127.0.0.1:{port}"
        result = CliRunner().invoke(main, ["sweep", str(spec), "-o", str(out), "--cluster",
                                           address, "-q"])  # fmt: skip
        assert result.exit_code == 0, result.output
        assert lines_of(out) == lines_of(local_lines)
    finally:
        for process in (worker, scheduler):
            process.terminate()
            process.wait(20)


def _kill_a_worker_after_the_first_run(kill):
    """A ``done`` callback recording lines, which kills one worker when the first comes."""
    got = []

    def done(job, line):
        if not got:
            kill()
        got.append(line)

    return got, done


def test_a_local_worker_killed_mid_sweep_loses_no_run(spec):
    jobs = read_spec(spec)

    def kill():
        victim = multiprocessing.active_children()[0]
        os.kill(victim.pid, signal.SIGKILL)
        time.sleep(0.2)

    got, done = _kill_a_worker_after_the_first_run(kill)
    LocalPool(read_items, 2).run(jobs, done)
    assert sorted((r["sigma"], r["seed"]) for r in got) == sorted((j.sigma, j.seed) for j in jobs)


def test_a_dask_worker_killed_mid_sweep_loses_no_run(spec):
    distributed = pytest.importorskip("distributed", reason="needs btfsynth[cluster]")
    jobs = read_spec(spec)

    def kill():
        pids = distributed.get_client().run(os.getpid)
        os.kill(next(iter(pids.values())), signal.SIGKILL)

    got, done = _kill_a_worker_after_the_first_run(kill)
    DaskCluster(read_items, "local:2").run(jobs, done)
    assert sorted((r["sigma"], r["seed"]) for r in got) == sorted((j.sigma, j.seed) for j in jobs)


def test_learn_restarts_on_a_dask_cluster_give_the_local_answer():
    pytest.importorskip("distributed", reason="needs btfsynth[cluster]")
    from btfsynth.rrr import learn
    from btfsynth.tasks import multiplier

    table = multiplier(2).table
    local = learn(table, [4, 4, 4, 4], restarts=6, seed=1, jobs=2)
    dask = learn(table, [4, 4, 4, 4], restarts=6, seed=1, cluster="local:2")
    assert (dask.seed, dask.solved, dask.iterations) == (local.seed, local.solved, local.iterations)
    assert (dask.network.weights == local.network.weights).all()
    reported = [r for r in dask.runs if r["seed"] <= dask.seed]
    assert [r["seed"] for r in reported] == list(range(1, dask.seed + 1))  # every lower seed ran
    assert dask.params["cluster"] == "local:2"


def test_a_bad_cluster_address_is_one_line(tmp_path):
    result = CliRunner().invoke(main, ["learn", "mult:2", "--restarts", "2", "--cluster", "udp:x",
                                       "-o", str(tmp_path / "r.json")])  # fmt: skip
    assert result.exit_code == 2 and "--cluster takes tcp://HOST:PORT" in result.output
    assert not (tmp_path / "r.json").exists()


def test_synth_on_a_dask_cluster_gives_the_local_circuit():
    pytest.importorskip("distributed", reason="needs btfsynth[cluster]")
    from btfsynth.budget import Budget
    from btfsynth.passes import and2_count
    from btfsynth.synth import synth
    from btfsynth.tasks import multiplier

    work = Budget(iterations=60_000)
    local = synth(multiplier(2).table, budget=work, hidden=(4, 4), jobs=2)
    dask = synth(multiplier(2).table, budget=work, hidden=(4, 4), cluster="local:2")
    assert [(t.label, t.iterations) for t in dask.tried] == [
        (t.label, t.iterations) for t in local.tried
    ]
    assert and2_count(dask.netlist) == and2_count(local.netlist)
