"""Fuzzing every reader: a mutated seed file (byte flips, truncation, huge numbers, repeated,
dropped and spliced lines, junk tokens, deep nesting) reads as a valid result or fails with
one :class:`BtfsynthError` line naming the file; nothing else, and quickly and in little
memory. The corpus and mutations are benchmarks/fuzz_corpus.py's, which
benchmarks/fuzz_readers.py runs the same checks on for 10 000 files; here hypothesis draws
them, a few dozen per reader."""

from __future__ import annotations

import random
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import fuzz_corpus  # noqa: E402
import fuzz_readers  # noqa: E402

SEEDS = fuzz_corpus.seeds(random.Random(0), per_kind=4)
MB = 1 << 20


def check_read(kind: str, path: Path) -> None:
    """The outcome rules for one file: accepted, or one line ``path:...`` in a
    BtfsynthError; within 10 s and 500 MB (files here are small)."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        status, message = fuzz_readers._attempt(kind, str(path))
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert status in ("accepted", "refused"), message
    if status == "refused":
        assert message.startswith(f"{path}:") and "\n" not in message, message
    assert time.perf_counter() - start < 10
    assert peak < 500 * MB


@pytest.mark.parametrize("kind", sorted(fuzz_corpus.READERS))
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_mutated_files_read_or_give_one_located_error(tmp_path, kind, data):
    pool = SEEDS[kind]
    seed = data.draw(st.sampled_from(pool), label="seed file")
    rng = data.draw(st.randoms(use_true_random=False), label="mutations")
    path = tmp_path / f"fuzz{fuzz_corpus.READERS[kind][0]}"
    path.write_bytes(fuzz_corpus.mutate(seed, rng, kind, pool))
    check_read(kind, path)


def test_every_reader_has_seeds():
    assert all(len(SEEDS[kind]) >= 4 for kind in fuzz_corpus.READERS)


def test_hostile_headers_in_child_processes_stay_within_time_and_memory(tmp_path):
    """The issue's hostile files, each read in a forked child under the watchdog, with its
    resident memory measured: no traceback, nothing over 10 s or 500 MB, every error naming
    the file on one line."""
    files, sizes = [], []
    for k, (kind, data) in enumerate(fuzz_corpus.hostile()):
        path = tmp_path / f"{k:02d}-{kind}{fuzz_corpus.READERS[kind][0]}"
        path.write_bytes(data)
        files.append((kind, str(path)))
        sizes.append(len(data))
    results = fuzz_readers.read_all(files, jobs=2, limit=40.0, headroom=1536 * MB)
    summary = fuzz_readers.summarise(files, results, sizes)
    assert not summary["problems"], "\n".join(summary["problems"])
    assert summary["counts"]["refused"] + summary["counts"]["accepted"] == len(files)
