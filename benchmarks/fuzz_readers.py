"""Fuzz every reader with malformed files: one located error or a valid result, nothing else.

The corpus is deterministic (``--seed``): seed files of every format (the small files in
tests/data, and files our writers make from random netlists, tables and networks) mutated by
byte flips, truncation, huge numbers, duplicated, dropped, swapped and spliced lines, junk
tokens and deep nesting, plus the hostile headers of issue 10 (tiny files that declare huge
sizes). Each file is read in a forked child process under a watchdog (killed after
``--time-limit`` seconds) and an address-space limit, with tracemalloc measuring its peak and
``wait4`` its maximum resident set. A sample (``--cli``) also goes through the real command
(``btfsynth info``/``stats``/``verify``), which must exit 0/1, or 2 with exactly one stderr
line naming the file and no traceback.

    python benchmarks/fuzz_readers.py [--count 10000] [--seed 0] [--cli 300] [--jobs 2]

The printed counts of tracebacks, files over 10 s or 500 MB, errors without the file name or
on several lines, and bad CLI runs must all be 0. ``--keep DIR`` keeps the files.
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
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from btfsynth.dataset import Dataset
from btfsynth.errors import BtfsynthError
from btfsynth.exporters import aiger, blif, boolearn, netjson, pla, read_netlist, verilog
from btfsynth.learn import LearnResult
from btfsynth.netlist import Kind, Netlist, Signal
from btfsynth.network import ThresholdNetwork
from btfsynth.truthtable import TruthTable

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
MB = 1 << 20

READERS: dict[str, tuple[str, Callable]] = {
    "pla": (".pla", pla.read_table),
    "dat": (".dat", boolearn.read_table),
    "dataset": (".dat", boolearn.read_dataset),
    "wth": (".wth", boolearn.read_widths),
    "net": (".net", boolearn.read_network),
    "sol": (".sol", boolearn.read_network),
    "blif": (".blif", read_netlist),
    "v": (".v", read_netlist),
    "aag": (".aag", read_netlist),
    "aig": (".aig", read_netlist),
    "netjson": (".json", read_netlist),
    "model": (".json", ThresholdNetwork.load),
    "result": (".json", LearnResult.load),
}
"""Reader name: (file extension, the function that reads a path)."""

CLI = {"pla": "info", "dat": "info", "blif": "stats", "v": "stats", "aag": "stats",
       "aig": "stats", "netjson": "stats", "model": "verify", "result": "verify"}  # fmt: skip
"""The command that reads each kind of file (verify checks it against mult:2)."""

HUGE = ["1000000", "999999999", "2147483648", "4294967296", "18446744073709551616", "-1",
        "1" + "0" * 400, "9" * 5000, "1e400", "NaN", "Infinity", "0"]  # fmt: skip

VOCAB = {
    "pla": ".i .o .p .ilb .ob .type fr fd .e .phase .mv 0 1 - ~ 2 3 4 #".split(),
    "blif": ".model .inputs .outputs .names .end .latch .subckt .conn 0 1 - \\ # =".split(),
    "v": "module endmodule input output wire assign ( ) { } [ ] : ; , ~ & | ^ ? = 1'b0 "
    "8'hff \\esc and nand not buf reg always /* */ // (* *) `define".split(),
    "aag": "aag aig 0 1 2 3 i0 o0 c l0 b0".split(),
    "json": '{ } [ ] , : " null true false 0 -1 1.5 "gates" "outputs" "kind" "fanins" '
    '"edges" "nodes" "inputs" "network" "and" "threshold" "weights"'.split(),
    "boolearn": "0 1 2 3 -1 0.5 1e9 nan inf x".split(),
}


VOCAB_OF = {"aig": "aag", "netjson": "json", "model": "json", "result": "json"}


def vocab(kind: str) -> list[str]:
    """Tokens of the format of ``kind`` (the boolearn formats share their number words)."""
    return VOCAB.get(VOCAB_OF.get(kind, kind), VOCAB["boolearn"])


# -- seeds ----------------------------------------------------------------------------------------


def random_netlist(rng: random.Random) -> Netlist:
    """A small valid netlist over every gate kind (inverted fan-ins, constants, names)."""
    nl = Netlist(name=rng.choice(["top", "m", "a b"]))
    for j in range(rng.randint(1, 5)):
        nl.add_input(rng.choice(["x", "in", "a[", "b"]) + str(j))
    for _ in range(rng.randint(1, 12)):
        kind = rng.choice([k for k in Kind if k is not Kind.INPUT])
        arity = {Kind.CONST0: 0, Kind.CONST1: 0, Kind.BUF: 1, Kind.NOT: 1}.get(
            kind, rng.choice([1, 3]) if kind is Kind.MAJ else rng.randint(1, 4)
        )
        fanins = [Signal(rng.randrange(len(nl.gates)), rng.random() < 0.3) for _ in range(arity)]
        extra: dict = {}
        if kind is Kind.THRESHOLD:
            extra = {
                "weights": [rng.randint(-3, 3) for _ in fanins],
                "threshold": rng.randint(-2, 3),
            }
        if kind is Kind.SOP:
            cubes = ["".join(rng.choice("01-") for _ in fanins) for _ in range(rng.randint(1, 3))]
            extra = {"cover": cubes, "onset": rng.random() < 0.5}
        nl.add_gate(kind, fanins, **extra)
    for k in range(rng.randint(1, 3)):
        nl.add_output(Signal(rng.randrange(len(nl.gates)), rng.random() < 0.3), f"y{k}")
    return nl


def random_table(rng: random.Random) -> TruthTable:
    n, m = rng.randint(1, 5), rng.randint(1, 3)
    gen = np.random.default_rng(rng.randrange(1 << 30))
    outputs = gen.integers(0, 2, (1 << n, m), dtype=np.uint8)
    care = gen.random((1 << n, m)) < 0.9
    table = TruthTable.from_outputs(outputs, care)
    if rng.random() < 0.5:  # a partial table
        table = table.sample(rng.randint(1, 1 << n), seed=rng.randrange(1 << 30))
    return table


def random_network(rng: random.Random) -> ThresholdNetwork:
    widths = [rng.randint(1, 4) for _ in range(rng.randint(2, 4))]
    return ThresholdNetwork.layered(widths, seed=rng.randrange(1 << 30))


def seeds(rng: random.Random, per_kind: int = 12) -> dict[str, list[bytes]]:
    """Valid files of every kind: tests/data's small ones and files our writers make."""
    out: dict[str, list[bytes]] = {kind: [] for kind in READERS}
    for path in sorted(DATA.glob("*")) + sorted(DATA.glob("*/*")) + sorted(DATA.glob("*/*/*")):
        ext = path.suffix.lower()
        if not path.is_file() or path.stat().st_size > 4096:
            continue
        kinds = {".pla": ["pla"], ".dat": ["dat", "dataset"], ".wth": ["wth"],
                 ".sol": ["sol", "net"], ".net": ["net"], ".blif": ["blif"], ".v": ["v"],
                 ".aag": ["aag"], ".aig": ["aig"]}.get(ext, [])  # fmt: skip
        for kind in kinds:
            out[kind].append(path.read_bytes())
    for _ in range(per_kind):
        nl = random_netlist(rng)
        out["blif"].append(blif.format_blif(nl).encode())
        out["v"].append(verilog.format_verilog(nl).encode())
        out["aag"].append(aiger.format_aiger(nl))
        out["aig"].append(aiger.format_aiger(nl, binary=True))
        out["netjson"].append(netjson.format_json(nl).encode())
        table = random_table(rng)
        out["pla"].append(pla.format_pla(table).encode())
        if not table.has_dont_cares:
            text = boolearn.format_dat(Dataset.from_table(table)).encode()
            out["dat"].append(text)
            out["dataset"].append(text)
        net = random_network(rng)
        out["wth"].append(boolearn.format_widths(net.metadata["widths"]).encode())
        out["net"].append(boolearn.format_network(net).encode())
        out["sol"].append(boolearn.format_network(net).encode())
        out["model"].append(json.dumps(net.to_dict(), indent=1).encode())
        result = LearnResult(net, net, True, 10, 0.5, 1, 1.0, None, {"sigma": 3.0}, [{"i": 1}])
        out["result"].append(json.dumps(result.to_dict(), indent=1).encode())
    return out


def hostile() -> list[tuple[str, bytes]]:
    """Tiny files that declare huge sizes, and the other cases reported in issue 10."""
    deep = 100_000
    return [
        ("aig", b"aig 1000000 1000000 0 1 0\n2\n"),
        ("aig", b"aig 1000000000 1000000000 0 1 0\n2\n"),
        ("aig", b"aig 262144 262144 0 1 0\n2\n"),
        ("aig", b"aig 2 1 0 1 1\n4\n\x02\x01\n"),  # junk after the AND section
        ("aig", b"aig 9 1 0 1 1\n2\n\x02\x02"),  # M != I + L + A
        ("aig", b"aig 2000000000 0 0 0 2000000000\n\x02\x02"),
        ("aag", b"aag 1000000000 1000000000 0 0 0\n2\n"),
        ("aag", b"aag 5 0 0 1000000000 0\n2\n"),
        ("v", b"module m(input [999999:0] x, output y); assign y = x[0]; endmodule\n"),
        ("v", b"module m(output [2147483646:0] y); assign y = 0; endmodule\n"),
        ("v", b"module m(input a, output y); assign y = {1000000000{a}}; endmodule\n"),
        ("v", b"module m(output y); assign y = 999999999'b0; endmodule\n"),
        (
            "v",
            b"module m(input a, output y); assign {" * 1
            + b"{" * 3000
            + b"y"
            + b"}" * 3000
            + b"} = a; endmodule\n",
        ),
        (
            "v",
            b"module m(input a, output y); assign y = "
            + b"(" * deep
            + b"a"
            + b")" * deep
            + b"; endmodule\n",
        ),
        ("v", b"module m(input [99999999999999999999:0] a, output y); endmodule\n"),
        ("pla", b".i 26\n.o 1\n" + b"-" * 26 + b" 1\n.e\n"),
        ("pla", b".i 24\n.o 1\n.type fr\n" + b"-" * 24 + b" 1\n.e\n"),
        ("pla", b".i 20\n.o 100000\n.type fd\n.e\n"),
        ("pla", b".i 1000000000\n.o 1\n.type fr\n.e\n"),
        ("pla", b".i 3\n.o 1000000000\n.type fr\n.e\n"),
        ("pla", b".i " + b"9" * 5000 + b"\n.o 1\n"),
        (
            "blif",
            b".model m\n.inputs "
            + b" ".join(b"i%d" % k for k in range(300_000))
            + b"\n.outputs y\n.names y\n1\n.end\n",
        ),
        (
            "netjson",
            b'{"format": "btfsynth-netlist", "gates": ['
            + b",".join([b'{"kind": "input"}'] * 300_000)
            + b'], "outputs": []}',
        ),
        ("netjson", b"[" * deep + b"]" * deep),
        (
            "netjson",
            b'{"format": "btfsynth-netlist", "gates": [{"kind": "threshold", "fanins": [],'
            b' "weights": [], "threshold": 1' + b"0" * 400 + b'}], "outputs": []}',
        ),
        (
            "model",
            b'{"format": "btfsynth-network", "nodes": 3, "inputs": 1, "outputs": 1, '
            b'"edges": [[2, 1, 1' + b"0" * 400 + b"]]}",
        ),
        (
            "model",
            b'{"format": "btfsynth-network", "nodes": 3, "inputs": 1, "outputs": 1, '
            b'"edges": [[2, 1, 1e400]]}',
        ),
        (
            "model",
            b'{"format": "btfsynth-network", "nodes": 16777216, "inputs": 16777000, '
            b'"outputs": 1, "edges": [[16777215, 0, 1.0]]}',
        ),
        ("model", b'{"network": ' + b"[" * deep + b"]" * deep + b"}"),
        ("result", b'{"format": "btfsynth-learn-result", "network": 5}'),
        ("result", b'{"format": "btfsynth-learn-result", "iterations": Infinity}'),
        ("dat", b"1000000000000000000\n2 3\n2 1\n0 1 0 1\n"),
        ("dat", b"500\n2 1\n1048576 1\n" + b"0 0\n" * 500),
        ("dataset", b"0\n2 1000000000\n2 1000000000\n"),
        ("wth", b"2\n100000 100000 100000\n"),
        ("net", b"16777216 16777000 1 1\n16777215 0 1.0\n"),
        ("sol", b"4 3 1 3\n3 0 1e400\n3 1 1\n3 2 1\n"),
    ]


# -- mutations ----------------------------------------------------------------------------------


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def flip(data: bytes, rng: random.Random, kind: str) -> bytes:
    out = bytearray(data or b" ")
    for _ in range(rng.randint(1, 8)):
        pool = b"\x00\n\r\t \\\"'{}[]()0123456789-.:;,#=~\xff\x80" + bytes([rng.randrange(256)])
        out[rng.randrange(len(out))] = pool[rng.randrange(len(pool))]
    return bytes(out)


def truncate(data: bytes, rng: random.Random, kind: str) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def huge(data: bytes, rng: random.Random, kind: str) -> bytes:
    numbers = list(re.finditer(rb"\d+(\.\d+)?", data))
    if not numbers:
        return data + rng.choice(HUGE).encode()
    at = rng.choice(numbers)
    return data[: at.start()] + rng.choice(HUGE).encode() + data[at.end() :]


def dup_line(data: bytes, rng: random.Random, kind: str) -> bytes:
    lines = _lines(data)
    k = rng.randrange(len(lines))
    lines[k:k] = [lines[k]] * rng.choice([1, 2, 5, 50])
    return b"\n".join(lines)


def drop_line(data: bytes, rng: random.Random, kind: str) -> bytes:
    lines = _lines(data)
    del lines[rng.randrange(len(lines))]
    return b"\n".join(lines)


def swap_lines(data: bytes, rng: random.Random, kind: str) -> bytes:
    lines = _lines(data)
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[i], lines[j] = lines[j], lines[i]
    return b"\n".join(lines)


def junk(data: bytes, rng: random.Random, kind: str) -> bytes:
    at = rng.randrange(len(data) + 1)
    word = rng.choice(vocab(kind)).encode()
    return data[:at] + rng.choice([b" ", b"\n", b""]) + word + b" " + data[at:]


def nest(data: bytes, rng: random.Random, kind: str) -> bytes:
    depth = rng.choice([10, 500, 1100, 5000, 50_000])
    opener, closer = rng.choice([(b"[", b"]"), (b"{", b"}"), (b"(", b")"), (b"~", b"")])
    at = rng.randrange(len(data) + 1)
    body = opener * depth + (b"0" if rng.random() < 0.5 else b"") + closer * depth
    return data[:at] + body + data[at:]


MUTATIONS = [flip, truncate, huge, dup_line, drop_line, swap_lines, junk, nest]


def mutate(data: bytes, rng: random.Random, kind: str, pool: list[bytes]) -> bytes:
    """One to three mutations of ``data``, or a splice of a line from another seed."""
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        if rng.random() < 0.1 and pool:
            lines, other = _lines(data), _lines(rng.choice(pool))
            lines[rng.randrange(len(lines))] = rng.choice(other)
            data = b"\n".join(lines)
        else:
            data = rng.choice(MUTATIONS)(data, rng, kind)
    return data


def corpus(count: int, seed: int) -> list[tuple[str, bytes]]:
    """``count`` files (kind, bytes): the hostile cases, then mutated seeds, round robin."""
    rng = random.Random(seed)
    pool = seeds(rng)
    files = hostile()
    kinds = sorted(pool)
    while len(files) < count:
        kind = kinds[len(files) % len(kinds)]
        files.append((kind, mutate(rng.choice(pool[kind]), rng, kind, pool[kind])))
    return files


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
