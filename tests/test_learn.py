"""btfsynth.rrr.learn, its result file, restarts, snapping and the ``learn`` command."""

from __future__ import annotations

import importlib
import json
import re

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import third_party

from btfsynth import LearnResult, learn
from btfsynth.cli.main import main
from btfsynth.dataset import Dataset
from btfsynth.errors import BtfsynthError, FormatError
from btfsynth.exporters import boolearn, write_table
from btfsynth.exporters.model import read_network_json, read_result, result_to_dict, write_result
from btfsynth.network import ThresholdNetwork
from btfsynth.rrr.lanes import batch_size
from btfsynth.rrr.snap import snap
from btfsynth.rrr.solve import Params, solve
from btfsynth.tasks import from_spec, majority, multiplier

SOLVING_SEED = 12  # solves the 2x2 multiplier in 649 iterations


@pytest.fixture(scope="module")
def mult_result() -> LearnResult:
    return learn(multiplier(2).table, [4, 4, 4, 4], seed=SOLVING_SEED)


def test_multiplier_solves_and_snaps_to_an_exact_pm1_network(mult_result):
    table = multiplier(2).table
    assert mult_result.solved and mult_result.train_accuracy == 1.0
    net = mult_result.network
    assert np.array_equal(net.predict(table.inputs), table.outputs)
    assert all(net.metadata["snapped"]) and len(net.metadata["snapped"]) == 12
    for n in net.btf_nodes:
        _, w = net.node_weights(n)
        support = np.count_nonzero(w)
        assert support % 2 == 1
        np.testing.assert_allclose(np.abs(w[w != 0]), np.sqrt(net.fan_in(n) / support))
    assert np.array_equal(mult_result.raw_network.predict(table.inputs), table.outputs)
    assert not np.array_equal(mult_result.raw_network.weights, net.weights)


def test_history_is_geometric_and_ends_at_the_stop(mult_result):
    its = [row["iteration"] for row in mult_result.history]
    assert its[0] == 1 and its[-1] == mult_result.iterations
    assert all(b > a for a, b in zip(its, its[1:]))
    assert len(its) < 40  # geometric, not every iteration
    last = mult_result.history[-1]
    assert last["min_gap"] < 0.01 and last["test_accuracy"] is None
    assert set(last) >= {"gap", "gap_w", "gap_x", "gap_y", "min_gap", "train_accuracy"}


def test_result_round_trips_through_json(mult_result, tmp_path):
    path = tmp_path / "model.json"
    write_result(mult_result, path)
    data = json.loads(path.read_text())
    for key in (
        "solved",
        "iterations",
        "seconds",
        "seed",
        "train_accuracy",
        "test_accuracy",
        "params",
        "history",
        "network",
        "raw_network",
    ):
        assert key in data
    assert data["test_accuracy"] is None and data["params"]["sigma"] == 3.0
    back = read_result(path)
    assert back.solved and back.iterations == mult_result.iterations
    assert np.array_equal(back.network.weights, mult_result.network.weights)
    assert read_network_json(path).n_edges == 60  # the network key reads as a network


def test_loading_a_broken_result_names_the_file(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"format": "btfsynth-learn-result", "solved": true}')
    with pytest.raises(FormatError, match="bad.json.*missing the key"):
        read_result(path)


def test_same_seed_same_trajectory():
    data = multiplier(2).dataset
    net = ThresholdNetwork.layered([4, 4, 4, 4])
    params = Params(max_iter=300)
    a, b = solve(net, data, params, 3), solve(net, data, params, 3)
    assert [c.gap for c in a.history] == [c.gap for c in b.history]
    assert np.array_equal(a.weights, b.weights)
    assert [c.gap for c in solve(net, data, params, 4).history] != [c.gap for c in a.history]


def test_parallel_restarts_match_serial_ones():
    table = multiplier(2).table
    kw = dict(max_iter=400, restarts=3, seed=5, stop_at_first=False)
    serial = learn(table, [4, 4, 4, 4], jobs=1, **kw)
    parallel = learn(table, [4, 4, 4, 4], jobs=2, **kw)
    strip = [{k: v for k, v in r.items() if k != "seconds"} for r in serial.runs]
    assert strip == [{k: v for k, v in r.items() if k != "seconds"} for r in parallel.runs]
    assert [r["seed"] for r in serial.runs] == [5, 6, 7]


def test_restarts_on_two_threads_each_match_serial_ones():
    """A 3×3 restart runs on two threads (lanes.restart_threads): --jobs 4 gives two workers of
    two threads, --jobs 2 one restart at a time on two threads; every run is the one its
    seed gives on one core."""
    table = multiplier(3).table
    kw = dict(max_iter=60, restarts=3, seed=2, stop_at_first=False)
    runs = [learn(table, [6, 12, 12, 12, 6], jobs=jobs, **kw).runs for jobs in (1, 2, 4)]
    strip = [[{k: v for k, v in r.items() if k != "seconds"} for r in rs] for rs in runs]
    assert strip[0] == strip[1] == strip[2]
    assert [r["seed"] for r in runs[0]] == [2, 3, 4]


def test_restarts_stop_at_the_first_solution():
    result = learn(
        multiplier(2).table, [4, 4, 4, 4], seed=SOLVING_SEED - 1, restarts=5, max_iter=1000
    )
    seeds = [r["seed"] for r in result.runs]
    assert result.solved and result.seed == SOLVING_SEED
    # the restarts run side by side in one batch: the later ones stop when the solution is in
    later = [r for r in result.runs if r["seed"] > SOLVING_SEED]
    assert all(r["stopped"] == "superseded" and not r["solved"] for r in later)
    assert seeds == sorted(seeds) and seeds[0] == SOLVING_SEED - 1


def test_ctrl_c_keeps_the_best_weights_so_far():
    calls = []

    def progress(p):
        calls.append(p.iteration)
        if len(calls) == 6:
            raise KeyboardInterrupt

    # a gap criterion no run meets: the run goes on until Ctrl-C
    kw = dict(seed=0, gap_stop=1e-300, max_iter=10**7, progress=progress)
    result = learn(multiplier(2).table, [4, 4, 4, 4], **kw)
    assert result.interrupted and not result.solved
    assert result.iterations == calls[-1] and result.history
    assert result.train_accuracy > 0.5


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_time_budget_stops_every_run_and_keeps_the_best_weights(jobs):
    # a gap criterion no run meets: the runs go on until the budget ends
    kw = dict(seed=0, gap_stop=1e-300, max_iter=10**8, restarts=4, jobs=jobs)
    result = learn(multiplier(2).table, [4, 4, 4, 4], seconds=1.0, **kw)
    assert result.out_of_time and not result.interrupted and not result.solved
    assert result.history and result.train_accuracy > 0.5
    stopped = [run["stopped"] for run in result.runs if run.get("stopped")]
    assert stopped and set(stopped) == {"budget"}
    assert read_result_back(result).out_of_time


def test_compiling_the_kernels_does_not_use_up_a_parallel_budget(monkeypatch):
    # a cold cache compiles in the parent before the workers start; with a budget shorter
    # than the compile, no restart would ever start
    import time

    from btfsynth.rrr import workers

    def slow_warm_up(*args):
        time.sleep(1.5)

    monkeypatch.setattr(workers.jit, "is_cold", lambda: True)
    monkeypatch.setattr(workers.jit, "mark_warm", lambda: None)
    monkeypatch.setattr(workers, "warm_up", slow_warm_up)
    kw = dict(seed=0, gap_stop=1e-300, max_iter=10**8, restarts=2, jobs=2)
    result = learn(multiplier(2).table, [4, 4, 4, 4], seconds=1.0, **kw)
    assert result.out_of_time and result.iterations > 0 and result.history


def read_result_back(result: LearnResult) -> LearnResult:
    from btfsynth.exporters.model import _result

    data = json.loads(json.dumps(result_to_dict(result)))
    return _result(data, "x.json", json.dumps(data))


def test_test_set_is_scored_at_every_checkpoint():
    table = multiplier(2).table
    train, test = table.split(12)
    result = learn(train, [4, 4, 4, 4], seed=1, max_iter=200, test=test)
    assert all(row["test_accuracy"] is not None for row in result.history)
    assert 0 <= result.test_accuracy <= 1


def test_generative_problem_learns_binary_codes():
    words = np.array([[0, 0, 1, 1], [1, 0, 1, 0], [0, 1, 1, 1], [1, 1, 0, 0]])
    data = Dataset(np.zeros((4, 0)), words, 2, "hypercube")
    result = learn(data, [2, 4, 4], seed=0, gamma=1e-3, beta=0.3, max_iter=3000, restarts=3)
    codes = np.array(result.codes)
    assert codes.shape == (4, 2) and set(np.unique(codes)) <= {0, 1}
    if result.solved:
        assert len({tuple(c) for c in codes}) == 4
        assert np.array_equal(result.network.predict(codes), words)


def test_class_outputs_are_scored_by_argmax():
    rng = np.random.default_rng(0)
    inputs = rng.integers(0, 2, (12, 3))
    labels = inputs[:, 0] + inputs[:, 1]  # 0, 1 or 2
    data = Dataset(inputs, np.eye(3, dtype=np.uint8)[labels], 3, output_kind="class")
    result = learn(data, [3, 6, 3], seed=0, max_iter=2000, restarts=2)
    assert result.network.output_kind == "class"
    pred = np.argmax(result.network.predict(inputs), 1)
    assert result.train_accuracy == pytest.approx(np.mean(pred == labels))


def test_snap_leaves_nodes_that_would_break_items():
    net = ThresholdNetwork.layered([3, 1])
    weights = np.array([0.1, 2.0, 1.1, 1.0])  # not MAJ3: (-1, +1, +1) gives h = 0 -> False
    inputs = 2.0 * np.array([[(r >> k) & 1 for k in (2, 1, 0)] for r in range(8)]) - 1
    targets = (net.with_weights(weights).forward(inputs)[1][:, 4:] > 0).astype(np.uint8)
    new, flags = snap(net, weights, inputs, targets)
    assert flags == [False] and np.array_equal(new, weights)
    targets[3, 0] = 1  # now MAJ3 is right on every item: the node snaps
    new, flags = snap(net, weights, inputs, targets[:, :])
    assert flags == [True]
    np.testing.assert_allclose(new, [0, 2, 2, 2] / np.sqrt(3))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(widths=[3, 4, 4]), "must start with the 4 inputs"),
        (dict(), "as widths or as a network"),
        (dict(widths=[4, 4], sigma=0), "sigma must be positive"),
        (dict(widths=[4, 4], restarts=0), "restarts must be >= 1"),
    ],
)
def test_bad_arguments_are_clear_errors(kwargs, message):
    with pytest.raises(BtfsynthError, match=message):
        learn(multiplier(2).table, **kwargs)


def test_generative_data_needs_a_code_width():
    data = Dataset(np.zeros((4, 0)), np.eye(4, dtype=np.uint8), 0, "hypercube")
    with pytest.raises(BtfsynthError, match="code width"):
        learn(data, [0, 4])


def test_cli_learns_a_task_and_writes_the_result(tmp_path):
    out = tmp_path / "m.json"
    res = CliRunner().invoke(main, ["learn", "mult:2", "--seed", str(SOLVING_SEED), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "solved after 649 iterations" in res.output
    assert "snapped 12 of 12 nodes" in res.output
    assert json.loads(out.read_text())["solved"] is True


def test_cli_reads_dat_and_net_files_and_splits_train_test(tmp_path):
    net = tmp_path / "m.net"
    boolearn.write_network(ThresholdNetwork.layered([4, 4, 4, 4]), net)
    out = tmp_path / "r.json"
    res = CliRunner().invoke(
        main,
        [
            "learn",
            str(third_party("boolearn/mult/2x2.dat")),
            "--net",
            str(net),
            "--train",
            "12",
            "--max-iter",
            "100",
            "-o",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(out.read_text())
    assert data["test_accuracy"] is not None and data["iterations"] == 100


@pytest.mark.parametrize(
    "args, message",
    [
        (["mult:2", "--widths", "3-4-4"], "must start with the 4 inputs"),
        (["mult:2", "--hidden", "4,x"], "expected integers"),
        (["mult:2", "--train", "99"], "--train 99: DATA has 16 items"),
        (["mult:2", "--hidden", "4", "--widths", "4-4-4"], "at most one of"),
        (["nosuch.pla", "--hidden", "4"], "nosuch.pla"),
    ],
)
def test_cli_bad_input_is_one_line_error(tmp_path, args, message):
    out = tmp_path / "x.json"
    res = CliRunner().invoke(main, ["learn", *args, "-o", str(out)])
    assert res.exit_code == 2
    assert message in res.output and "Traceback" not in res.output
    assert not out.exists()


def test_cli_ctrl_c_writes_the_best_weights_so_far(tmp_path, monkeypatch):
    import btfsynth.cli.learn as command

    real = command.learn_network

    def interrupted(*args, **kwargs):
        def stop(progress):
            if progress.iteration > 50:
                raise KeyboardInterrupt

        return real(*args, **{**kwargs, "progress": stop})

    monkeypatch.setattr(command, "learn_network", interrupted)
    out = tmp_path / "m.json"
    res = CliRunner().invoke(main, ["learn", "mult:2", "-o", str(out)])
    assert res.exit_code == 130 and "interrupted" in res.output
    data = json.loads(out.read_text())
    assert data["solved"] is False and data["interrupted"] is True and data["history"]


def test_unsolved_runs_are_not_snapped():
    result = learn(multiplier(2).table, [4, 4, 4, 4], max_iter=3, seed=1)
    assert not result.solved
    assert not any(result.network.metadata["snapped"])
    assert np.array_equal(result.network.weights, result.raw_network.weights)


def test_a_solution_found_in_parallel_is_no_interruption_and_matches_serial():
    # seeds 25 and 24 solve at 1837 and 3337 iterations, seed 23 only at 6162: side by side
    # they finish first, but 23 comes first in seed order, so it must run on and be the one
    # reported
    kw = dict(seed=23, restarts=3)
    serial = learn(multiplier(2).table, [4, 4, 4, 4], jobs=1, **kw)
    parallel = learn(multiplier(2).table, [4, 4, 4, 4], jobs=2, **kw)
    for result in (serial, parallel):
        assert result.solved and not result.interrupted and result.seed == 23
        assert result.iterations == 6162
        runs = {r["seed"]: r for r in result.runs}
        assert runs[23]["solved"] and runs[23]["iterations"] == 6162, result.runs
    assert np.array_equal(serial.network.weights, parallel.network.weights)
    # in one batch the later seeds run in step with 23 and solve first; in two workers one may
    # lag and be superseded once 23 has solved, which the load decides
    solve_at = {24: 3337, 25: 1837}
    for result in (serial, parallel):
        for run in result.runs:
            if run["seed"] in solve_at:
                solved = run["solved"] and run["iterations"] == solve_at[run["seed"]]
                assert solved or (result is parallel and run["stopped"] == "superseded"), run
    assert all(r["solved"] for r in serial.runs) and len(serial.runs) == 3


def test_many_restarts_keep_a_bounded_window_of_work_in_flight():
    seen = []

    def progress(p):
        seen.append(p)
        if p.done >= 12:
            raise KeyboardInterrupt

    table = multiplier(2).table
    result = learn(table, [4, 1, 4], restarts=100_000, jobs=2, max_iter=40, progress=progress)
    assert result.interrupted and not result.solved
    assert {p.restarts for p in seen} == {100_000}
    window = batch_size(16, 13) + 1  # a batch and one more per worker (4-1-4: 13 edges)
    assert max(p.started - p.done for p in seen) <= 2 * window
    assert max(p.started for p in seen) <= max(p.done for p in seen) + 2 * window
    assert {p.worker for p in seen} <= {1, 2}


def test_unsolved_runs_can_be_exact_and_stop_when_exact_stops_there(tmp_path):
    table = multiplier(2).table  # seed 17: exact from iteration 4238, never solved
    plain = learn(table, [4, 4, 4, 4], seed=17, max_iter=5000)
    assert not plain.solved and plain.exact_on_train and plain.iterations == 5000
    early = learn(table, [4, 4, 4, 4], seed=17, stop_when_exact=True)
    assert not early.solved and early.exact_on_train and not early.interrupted
    assert early.iterations == 4238 and early.runs[0]["exact"]
    assert early.params["stop_when_exact"] is True
    path = tmp_path / "r.json"
    write_result(early, path)
    assert json.loads(path.read_text())["exact_on_train"] is True
    assert read_result(path).exact_on_train
    # restarts: an exact run ends the search like a solved one, with the same seed either way
    for jobs in (1, 2):
        found = learn(table, [4, 4, 4, 4], seed=15, restarts=3, jobs=jobs, stop_when_exact=True)
        assert found.seed == 17 and found.exact_on_train and not found.interrupted


def test_result_files_without_the_exact_flag_still_load(mult_result, tmp_path):
    data = result_to_dict(mult_result)
    del data["exact_on_train"]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data))
    assert read_result(path).exact_on_train  # from its 100% train accuracy
    data["train_accuracy"] = 0.75
    path.write_text(json.dumps(data))
    assert not read_result(path).exact_on_train


def test_cli_says_an_unsolved_network_is_exact_on_the_training_rows(tmp_path):
    out = tmp_path / "m.json"
    res = CliRunner().invoke(
        main, ["learn", "mult:2", "--seed", "17", "--max-iter", "5000", "-q", "-o", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert "not solved after 5000 iterations" in res.output
    assert "above 0.01: not converged; the consensus network is right on every training row" in (
        res.output
    )
    assert json.loads(out.read_text())["exact_on_train"] is True
    res = CliRunner().invoke(
        main, ["learn", "mult:2", "--seed", "17", "--stop-when-exact", "-q", "-o", str(out)]
    )
    assert res.exit_code == 0 and "not solved after 4238 iterations" in res.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["--widths", "4-100000000-4"], "widths 4-100000000-4 needs about "),
        (["--widths", "4-100000-100000-4"], "TB of memory for the RRR state (10001000004 edges"),
        (["--jobs", "100000"], "jobs 100000 is more than 4 per CPU"),
    ],
)
def test_cli_refuses_what_cannot_fit_before_allocating(tmp_path, args, message):
    out = tmp_path / "x.json"
    res = CliRunner().invoke(main, ["learn", "mult:2", *args, "-o", str(out)])
    assert res.exit_code == 2, res.output
    *before, last = res.output.splitlines()  # the paper settings of mult:2, then the error
    assert last.startswith("error: ") and message in last and not out.exists()
    assert all(line.startswith("paper settings for mult:2: ") for line in before)


def test_jobs_are_refused_when_their_states_together_do_not_fit(monkeypatch):
    learn_module = importlib.import_module("btfsynth.rrr.learn")  # the module, not learn()
    from btfsynth.rrr.solve import state_bytes

    one = state_bytes(1 + 12 + 4, 60, 16)  # mult:2 on 4-4-4-4: 60 edges, 16 items
    monkeypatch.setattr(learn_module, "available_memory", lambda: int(1.5 * one))
    with pytest.raises(BtfsynthError, match=r"× 2 jobs\), more than the"):
        learn(multiplier(2).table, [4, 4, 4, 4], restarts=2, jobs=2)
    with pytest.raises(BtfsynthError, match=r"more than the"):  # a batch of two restarts
        learn(multiplier(2).table, [4, 4, 4, 4], restarts=2, jobs=1)
    assert learn(multiplier(2).table, [4, 4, 4, 4], max_iter=5, restarts=1, jobs=1).iterations


def test_learn_takes_the_task_options_of_its_data(tmp_path):
    out = tmp_path / "ca.json"
    args = ["learn", "ca:30:8:1", "--items", "60", "--task-seed", "4", "--train", "20"]
    result = CliRunner().invoke(main, [*args, "--widths", "8-8", "--max-iter", "20", "-q",
                                       "-o", str(out)])  # fmt: skip
    assert result.exit_code in (0, 1), result.output
    saved = read_result(out)
    assert saved.test_accuracy is not None  # 40 rows held out of the 60 drawn


def test_a_bad_learn_result_file_names_the_file_and_the_line(tmp_path):
    result = learn(multiplier(2).table, [4, 4, 4, 4], max_iter=5)
    path = tmp_path / "r.json"
    write_result(result, path)
    data = json.loads(path.read_text())
    data["raw_network"]["edges"][3][2] = "heavy"
    text = json.dumps(data, indent=1)
    path.write_text(text)
    rows = text.splitlines()
    raw = next(k for k, row in enumerate(rows, 1) if '"raw_network"' in row)
    heavy = next(k for k, row in enumerate(rows, 1) if "heavy" in row)
    with pytest.raises(FormatError, match=r"r\.json:(\d+): .*'heavy'") as error:
        read_result(path)
    line = int(str(error.value).split("r.json:")[1].split(":")[0])
    assert raw < line <= heavy  # in the raw network's edges


RRR = ("sigma", "beta", "gamma", "gap_stop", "max_iter")


@pytest.mark.parametrize(
    "args, line, values",
    [
        (["mult:3", "--max-iter", "3"], "widths 6-12-12-12-6, σ 3, β 0.2, γ 0.0001, gap 0.01",
         (3, 0.2, 1e-4, 0.01, 3)),
        (["autoencoder:3", "--gamma", "0.002", "--max-iter", "4"],
         "widths 8-3-8-8, σ 3, β 0.2, gap 0.05", (3, 0.2, 0.002, 0.05, 4)),
        (["decoder:16:16", "--max-iter", "2", "--sigma", "5"],
         "widths 4-16-16, β 0.5, γ 0.0001, gap 0.01", (5, 0.5, 1e-4, 0.01, 2)),
        (["mult:3", "--widths", "6-8-6", "--max-iter", "3", "--beta", "0.3"],
         "σ 3, γ 0.0001, gap 0.01", (3, 0.3, 1e-4, 0.01, 3)),
        (["planted-andor:8-8-4", "--items", "50", "--max-iter", "2", "--train", "30"],
         "widths 8-8-4, σ 3, β 0.2, γ 0.001, gap 0.1", (3, 0.2, 1e-3, 0.1, 2)),
    ],
)  # fmt: skip
def test_cli_takes_the_papers_settings_for_every_option_not_given(tmp_path, args, line, values):
    out = tmp_path / "r.json"
    res = CliRunner().invoke(main, ["learn", *args, "-q", "-o", str(out)])
    assert res.exit_code == 0, res.output
    spec = args[0]
    assert f"paper settings for {spec}: {line}\n" in res.output
    params = json.loads(out.read_text())["params"]
    assert tuple(params[name] for name in RRR) == values
    widths = args[args.index("--widths") + 1] if "--widths" in args else line.split(",")[0]
    want = ThresholdNetwork.layered([int(w) for w in widths.removeprefix("widths ").split("-")])
    assert read_result(out).network.n_edges == want.n_edges


def test_cli_with_every_setting_given_prints_no_paper_settings(tmp_path):
    out = tmp_path / "r.json"
    given = ["--sigma", "3", "--beta", "0.25", "--gamma", "0.01", "--gap-stop", "0.2",
             "--max-iter", "3"]  # fmt: skip
    res = CliRunner().invoke(main, ["learn", "mult:3", *given, "-q", "-o", str(out)])
    assert res.exit_code == 0 and "paper settings for mult:3: widths 6-12-12-12-6\n" in res.output
    res = CliRunner().invoke(
        main, ["learn", "mult:3", "--hidden", "8", *given, "-q", "-o", str(out)]
    )
    assert res.exit_code == 0 and "paper settings" not in res.output
    assert tuple(json.loads(out.read_text())["params"][name] for name in RRR) == (
        3, 0.25, 0.01, 0.2, 3)  # fmt: skip


@pytest.mark.parametrize("spec", ["maj:7", "sorter:4", "parity:5", "adder:2", "mult:4"])
def test_cli_says_the_paper_has_no_network_for_a_task_and_points_to_synth(tmp_path, spec):
    out = tmp_path / "r.json"
    res = CliRunner().invoke(main, ["learn", spec, "-o", str(out)])
    assert res.exit_code == 2 and not out.exists()
    assert res.output == (
        f"error: the paper gives no network for {spec}; give one with --hidden, --widths or "
        "--net, or let btfsynth synth search for one\n"
    )


def test_cli_uses_the_generic_settings_without_paper_ones(tmp_path):
    out = tmp_path / "r.json"
    res = CliRunner().invoke(main, ["learn", "maj:7", "--widths", "7-3-1", "-q", "-o", str(out),
                                    "--max-iter", "5"])  # fmt: skip
    assert res.exit_code == 0 and "paper settings" not in res.output, res.output
    generic = Params()
    params = json.loads(out.read_text())["params"]
    assert [params[name] for name in RRR[:4]] == [getattr(generic, n) for n in RRR[:4]]
    pla = tmp_path / "maj3.pla"
    write_table(majority(3).table, pla)
    res = CliRunner().invoke(main, ["learn", str(pla), "--widths", "3-1", "-q", "-o", str(out)])
    assert res.exit_code == 0 and "paper settings" not in res.output, res.output
    params = json.loads(out.read_text())["params"]
    assert [params[name] for name in RRR] == [getattr(generic, name) for name in RRR]


def test_cli_help_shows_the_generic_defaults_and_says_task_specs_use_the_papers():
    text = " ".join(CliRunner().invoke(main, ["learn", "--help"]).output.split())
    for option, default in (("--sigma", "3"), ("--beta", "0.2"), ("--gamma", "0.001"),
                            ("--max-iter", "10000"), ("--gap-stop", "0.01")):  # fmt: skip
        found = re.search(rf"{option} \w+ [^[]*\[default: ([^;]+); task specs: the paper's\]", text)
        assert found and found.group(1) == default, option
    assert "For a task spec the paper's settings are the defaults" in text


def test_the_papers_settings_through_the_api():
    task = from_spec("mult:2")
    result = learn(task.dataset, task.widths, **task.paper.rrr(), seed=SOLVING_SEED)
    assert result.solved and result.iterations == 649
    assert {name: result.params[name] for name in RRR} == task.paper.rrr()
    assert from_spec("mult:3").paper.rrr()["gamma"] == 1e-4
