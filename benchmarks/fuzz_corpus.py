"""The corpus of benchmarks/fuzz_readers.py and tests/test_fuzz_readers.py: seed files of every
format, the mutations that break them, and the hostile files of issue 10.

Seeds are the small files in tests/data and files our writers make from random netlists,
tables and networks. Mutations: byte flips, truncation, huge numbers, duplicated, dropped,
swapped and spliced lines, junk tokens of the format, deep nesting. Everything is drawn from a
:class:`random.Random`, so a seed gives the same corpus every time.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np

from btfsynth import LearnResult
from btfsynth.dataset import Dataset
from btfsynth.exporters import aiger, blif, boolearn, model, netjson, pla, read_netlist, verilog
from btfsynth.netlist import Kind, Netlist, Signal
from btfsynth.network import ThresholdNetwork
from btfsynth.truthtable import TruthTable

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
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
    "model": (".json", model.read_network_json),
    "result": (".json", model.read_result),
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
        out["model"].append(json.dumps(model.network_to_dict(net), indent=1).encode())
        result = LearnResult(net, net, True, 10, 0.5, 1, 1.0, None, {"sigma": 3.0}, [{"i": 1}])
        out["result"].append(json.dumps(model.result_to_dict(result), indent=1).encode())
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
