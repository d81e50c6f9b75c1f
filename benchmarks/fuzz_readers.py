"""Fuzz every reader with malformed files: one located error or a valid result, nothing else.

The corpus (benchmarks/fuzz_corpus.py) is deterministic (``--seed``): seed files of every
format (the small files in tests/data, and files our writers make from random netlists,
tables and networks) mutated by byte flips, truncation, huge numbers, duplicated, dropped,
swapped and spliced lines, junk tokens and deep nesting, plus the hostile headers of issue 10
(tiny files that declare huge sizes). Each file is read in a forked child process, twice:
once plainly, timed against ``--time-limit``, once under tracemalloc for its peak memory. A
watchdog kills a child that runs over four times the limit, an address-space limit
(RLIMIT_AS) stops runaway allocation, and ``wait4`` gives the child's maximum resident set.
A sample (``--cli``) also goes through the real command (``btfsynth info``/``stats``/
``verify``), which must exit 0/1, or 2 with exactly one stderr line naming the file and no
traceback; an exit 2 for a file that read fine (``verify`` refusing a model of another shape
than ``mult:2``) is the command's own check and is counted apart.

    python benchmarks/fuzz_readers.py [--count 10000] [--seed 0] [--cli 300] [--jobs 2]

The printed counts of tracebacks, killed children, files over the time limit or 500 MB,
errors without the file name or on several lines, and bad CLI runs must all be 0.
``--keep DIR`` keeps the files.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import select
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import tracemalloc
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from fuzz_corpus import CLI, READERS, corpus, hostile

from btfsynth.errors import BtfsynthError

MB = 1 << 20


# -- reading ------------------------------------------------------------------------------------


def _attempt(kind: str, path: str) -> tuple[str, str]:
    try:
        READERS[kind][1](path)
        return "accepted", ""
    except BtfsynthError as exc:
        return "refused", str(exc)
    except BaseException as exc:  # noqa: BLE001 - everything else is what we count
        text = f"{type(exc).__name__}: {exc!s:.300}\n" + traceback.format_exc(limit=-4)[-1500:]
        return "traceback", text


def read_one(kind: str, path: str) -> dict:
    """Read ``path`` with the reader of ``kind``: accepted, refused (with the message) or
    traceback, with the seconds (of a plain read) and the tracemalloc peak (of a second,
    traced read: tracing slows Python code down several times)."""
    start = time.perf_counter()
    status, message = _attempt(kind, path)
    seconds = time.perf_counter() - start
    tracemalloc.start()
    _attempt(kind, path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"status": status, "message": message, "seconds": seconds, "peak": peak}


def _resident() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _virtual() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _start(kind: str, path: str, headroom: int) -> tuple[int, int, float, int]:
    """Fork a child that reads ``path`` and writes its result (JSON) to a pipe."""
    rfd, wfd = os.pipe()
    base = _resident()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(rfd)
        code = 0
        try:
            limit = _virtual() + headroom
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            data = json.dumps(read_one(kind, path)).encode()
            while data:
                data = data[os.write(wfd, data) :]
        except BaseException:  # noqa: BLE001
            code = 3
        os._exit(code)
    os.close(wfd)
    return pid, rfd, time.perf_counter(), base


def read_all(files: list[tuple[str, str]], jobs: int, limit: float, headroom: int) -> list[dict]:
    """Results for (kind, path) pairs, ``jobs`` children at a time; a child still running
    after ``limit`` seconds is killed and its file counted as over the time limit."""
    results: list[dict] = [{} for _ in files]
    running: dict[int, tuple[int, int, float, int, bytearray]] = {}  # rfd -> index, pid, ...
    todo = iter(range(len(files)))
    pending = True
    while running or pending:
        while pending and len(running) < jobs:
            index = next(todo, None)
            if index is None:
                pending = False
                break
            pid, rfd, start, base = _start(*files[index], headroom)
            running[rfd] = (index, pid, start, base, bytearray())
        if not running:
            break
        now = time.perf_counter()
        wait = max(0.0, min(start + limit for _, _, start, _, _ in running.values()) - now)
        ready, _, _ = select.select(list(running), [], [], wait)
        for rfd in list(running):
            index, pid, start, base, buffer = running[rfd]
            timed_out = rfd not in ready and time.perf_counter() - start > limit
            if rfd in ready:
                chunk = os.read(rfd, 1 << 16)
                if chunk:
                    buffer.extend(chunk)
                    continue
            elif not timed_out:
                continue
            if timed_out:
                os.kill(pid, signal.SIGKILL)
            _, status, usage = os.wait4(pid, 0)
            os.close(rfd)
            del running[rfd]
            result = json.loads(buffer) if buffer and not timed_out else {}
            if not result:
                what = "timeout" if timed_out else f"child died (status {status})"
                result = {"status": what, "message": what, "seconds": limit, "peak": 0}
            result["rss"] = max(0, usage.ru_maxrss * 1024 - base)
            results[index] = result
    return results


def run_cli(kind: str, path: str) -> str | None:
    """Run the command that reads ``path``; None when it behaves, else what is wrong."""
    command = [sys.executable, "-m", "btfsynth.cli.main", CLI[kind], path]
    if CLI[kind] == "verify":
        command.append("mult:2")
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return "over 60 s"
    err = done.stderr.strip().splitlines()
    if "Traceback" in done.stderr:
        return "traceback: " + (err[-1] if err else "")
    if done.returncode in (0, 1):
        return None
    if done.returncode != 2:
        return f"exit status {done.returncode}"
    if len(err) != 1 or not err[0].startswith(f"error: {path}"):
        return f"stderr not one line naming the file: {done.stderr[:200]!r}"
    return None


def summarise(
    files: list[tuple[str, str]], results: list[dict], sizes: list[int], limit: float = 10.0
) -> dict:
    """The counts the script prints (and the test asserts)."""
    counts: Counter = Counter()
    worst: dict = {"seconds": (0.0, ""), "memory": (0, "")}
    problems: list[str] = []
    for (kind, path), result, size in zip(files, results, sizes):
        status, message = result["status"], result["message"]
        counts[status if status in ("accepted", "refused", "traceback") else "other"] += 1
        memory = max(result["peak"], result["rss"])
        if result["seconds"] > worst["seconds"][0]:
            worst["seconds"] = (result["seconds"], f"{kind} {path} ({size} bytes)")
        if memory > worst["memory"][0]:
            worst["memory"] = (memory, f"{kind} {path} ({size} bytes)")
        bad = []
        if status not in ("accepted", "refused"):
            bad.append(status)
        if result["seconds"] > limit:
            counts["over 10 s"] += 1
            bad.append("over 10 s")
        if memory > 500 * MB or "out of memory" in message:
            counts["over 500 MB"] += 1
            bad.append("over 500 MB")
        if status == "refused" and not message.startswith(f"{path}:"):
            counts["without the file name"] += 1
            bad.append("no file name")
        if status == "refused" and "\n" in message:
            counts["on several lines"] += 1
            bad.append("several lines")
        if status == "refused" and not re.match(re.escape(path) + r":\d+: ", message):
            counts["without a line number"] += 1
        if bad:
            problems.append(f"{', '.join(bad)}: {kind} {path}: {message[:2000]}")
    return {"counts": counts, "worst": worst, "problems": problems}


LABELS = [
    ("accepted", "accepted"),
    ("refused", "refused (one located error)"),
    ("traceback", "tracebacks"),
    ("other", "killed by the watchdog or died"),
    ("over 10 s", "files over the time limit"),
    ("over 500 MB", "files over 500 MB"),
    ("without the file name", "errors without the file name"),
    ("on several lines", "errors on more than one line"),
    ("without a line number", "refused without a line number (info)"),
]
"""The counts printed, in order (all but the first two and the last must be 0)."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="files to generate")
    parser.add_argument("--seed", type=int, default=0, help="seed of the corpus")
    parser.add_argument("--cli", type=int, default=300, help="files also run through the CLI")
    parser.add_argument("--jobs", type=int, default=2, help="files read at a time")
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds per file")
    parser.add_argument("--keep", help="folder to keep the files in (default: a temporary one)")
    args = parser.parse_args()
    started = time.perf_counter()
    folder = Path(args.keep or tempfile.mkdtemp(prefix="btfsynth-fuzz-"))
    folder.mkdir(parents=True, exist_ok=True)
    made = corpus(args.count, args.seed)
    files, sizes = [], []
    for k, (kind, data) in enumerate(made):
        path = folder / f"{k:05d}-{kind}{READERS[kind][0]}"
        path.write_bytes(data)
        files.append((kind, str(path)))
        sizes.append(len(data))
    # The watchdog allows for the second, traced read; the plain read alone must fit the limit.
    results = read_all(files, args.jobs, 4 * args.time_limit, headroom=1536 * MB)
    summary = summarise(files, results, sizes, args.time_limit)
    counts, worst = summary["counts"], summary["worst"]
    sample = [f for f in files if f[0] in CLI]
    sample = sample[: len(hostile())] + random.Random(args.seed).sample(
        sample[len(hostile()) :], max(0, min(args.cli, len(sample)) - len(hostile()))
    )
    status = {path: result["status"] for (_, path), result in zip(files, results)}
    cli_bad, cli_after = [], []  # cli_after: the file read fine, the command refused the pair
    with ThreadPoolExecutor(args.jobs) as pool:
        for (kind, path), problem in zip(sample, pool.map(lambda f: run_cli(*f), sample)):
            after = status[path] == "accepted" and str(problem).startswith("stderr not one")
            if problem:
                (cli_after if after else cli_bad).append(f"cli {kind} {path}: {problem}")
    for line in summary["problems"][:40] + cli_bad[:40] + cli_after[:5]:
        print(line)
    under = sum(size < 1024 for size in sizes)
    print(
        f"{'files:':<40}{len(files)} ({under} under 1 KB), "
        f"{len(READERS)} readers: {', '.join(READERS)}"
    )
    for key, label in LABELS:
        print(f"{label + ':':<40}{counts[key]}")
    print(f"{'slowest file:':<40}{worst['seconds'][0]:.2f} s  {worst['seconds'][1]}")
    print(f"{'largest peak:':<40}{worst['memory'][0] / MB:.1f} MB  {worst['memory'][1]}")
    print(
        f"{'cli runs:':<40}{len(sample)} ({', '.join(sorted(set(CLI.values())))}), "
        f"bad: {len(cli_bad)}"
    )
    print(f"{'cli exit 2 after a good read (info):':<40}{len(cli_after)}")
    print(f"{'wall time:':<40}{time.perf_counter() - started:.0f} s")
    bad = sum(
        counts[k]
        for k in (
            "traceback",
            "other",
            "over 10 s",
            "over 500 MB",
            "without the file name",
            "on several lines",
        )
    )
    return 1 if bad or cli_bad else 0


if __name__ == "__main__":
    sys.exit(main())
