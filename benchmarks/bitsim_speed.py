"""Speed of the bit-packed evaluator: gate·row evaluations per second.

Two workloads: a 20 000-gate random netlist (AND/OR/XOR with random inversions and MAJ3) on
all 2^20 rows of its 20 inputs, and the EPFL multiplier (AIGER) on 2^16 random rows. Each is
timed three ways: the numba kernel (``btfsynth.sim``, one thread and all threads), the plain
numpy per-gate path, and a straight-line C program generated from the netlist (one uint64
statement per gate inside a loop over words), compiled with ``gcc -O2``. Each figure is the
best of several repeats, of wall-clock and of CPU time: the machine is shared, so the best is
the least disturbed run, and CPU time leaves out the time the process waited for a core.

gcc needs about a minute per workload; ``--c-cache DIR`` keeps the binaries in DIR, named by
the hash of their C source, so a rerun skips compiling identical programs (the timing always
runs afresh).

    python benchmarks/bitsim_speed.py [--repeats 5] [--gates 20000] [--threads N] [--c-cache DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from btfsynth import sim
from btfsynth.netlist import Kind, Netlist, Signal

ROOT = Path(__file__).resolve().parents[1]
EPFL = Path(os.environ.get("BTFSYNTH_SHARED", ROOT.parent / "shared")) / "benchmarks" / "epfl"


def random_netlist(n_inputs: int, n_gates: int, seed: int, window: int = 1024) -> Netlist:
    """Random 2-input AND/OR/XOR and MAJ3 gates with random inversions. The first fan-in of
    each gate is a gate nobody reads yet (so all logic is live and sinks are few), the others
    come from the last ``window`` gates; the sinks are the outputs."""
    rng = np.random.default_rng(seed)
    nl = Netlist(name=f"random{n_gates}")
    unread = [nl.add_input(f"x{j}").gate for j in range(n_inputs)]
    kinds = [Kind.AND, Kind.OR, Kind.XOR, Kind.MAJ]
    for _ in range(n_gates):
        size = len(nl.gates)
        kind = kinds[rng.integers(len(kinds))]
        first = unread.pop(int(rng.integers(len(unread))))
        others = size - 1 - rng.integers(min(window, size), size=2 if kind is Kind.MAJ else 1)
        fanins = [Signal(int(g), bool(rng.integers(2))) for g in [first, *others]]
        unread.append(nl.add_gate(kind, fanins).gate)
    for g in sorted(unread):
        nl.add_output(Signal(g), f"y{g}")
    return nl


def c_expression(g, names: list[str]) -> str:
    ins = [("~" if f.inverted else "") + names[f.gate] for f in g.fanins]
    if g.kind is Kind.AND:
        return " & ".join(ins)
    if g.kind is Kind.OR:
        return " | ".join(ins)
    if g.kind is Kind.XOR:
        return " ^ ".join(ins)
    if g.kind is Kind.MAJ and len(ins) == 3:
        a, b, c = ins
        return f"({a} & {b}) | ({c} & ({a} | {b}))"
    if g.kind in (Kind.BUF, Kind.NOT):
        return ("~" if g.kind is Kind.NOT else "") + ins[0]
    if g.kind in (Kind.CONST0, Kind.CONST1):
        return "0" if g.kind is Kind.CONST0 else "~0ULL"
    raise ValueError(f"no C statement for {g.kind}")


def c_program(nl: Netlist, n_words: int, repeats: int, part: int = 500) -> str:
    """C source: random input planes, eval() with one uint64 statement per gate, best-of timing.

    Gate values live in a static array and the statements are split into functions of
    ``part`` gates, called in order for each word: gcc -O2 needs many minutes for one function
    of 20 000 statements (register allocation), and spills most values to memory anyway."""
    names = [f"v[{i}]" for i in range(len(nl.gates))]
    statements = []
    k = 0
    for i, g in enumerate(nl.gates):
        if g.kind is Kind.INPUT:
            statements.append(f"  v[{i}] = in[{k}L * nw + w];")
            k += 1
        else:
            statements.append(f"  v[{i}] = {c_expression(g, names)};")
    parts = [statements[i : i + part] for i in range(0, len(statements), part)]
    functions = "".join(
        f"static void part{p}(const uint64_t *restrict in, long nw, long w) {{\n"
        + "\n".join(body)
        + "\n}\n"
        for p, body in enumerate(parts)
    )
    calls = "\n".join(f"    part{p}(in, nw, w);" for p in range(len(parts)))
    stores = "\n".join(
        f"    out[{k}L * nw + w] = {'~' if s.inverted else ''}v[{s.gate}];"
        for k, s in enumerate(nl.outputs)
    )
    return f"""#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static uint64_t v[{len(nl.gates)}];
{functions}
static void eval(const uint64_t *restrict in, uint64_t *restrict out, long nw) {{
  for (long w = 0; w < nw; w++) {{
{calls}
{stores}
  }}
}}
int main(void) {{
  long nw = {n_words};
  uint64_t *in = malloc(sizeof(uint64_t) * {max(nl.n_inputs, 1)} * nw);
  uint64_t *out = malloc(sizeof(uint64_t) * {max(nl.n_outputs, 1)} * nw);
  uint64_t x = 88172645463325252ULL;
  for (long i = 0; i < {nl.n_inputs}L * nw; i++) {{
    x ^= x << 13; x ^= x >> 7; x ^= x << 17; in[i] = x;
  }}
  double best = 1e30, best_cpu = 1e30;
  for (int r = 0; r < {repeats}; r++) {{
    struct timespec a, b, ca, cb;
    clock_gettime(CLOCK_MONOTONIC, &a);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ca);
    eval(in, out, nw);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cb);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double t = (b.tv_sec - a.tv_sec) + 1e-9 * (b.tv_nsec - a.tv_nsec);
    double c = (cb.tv_sec - ca.tv_sec) + 1e-9 * (cb.tv_nsec - ca.tv_nsec);
    if (t < best) best = t;
    if (c < best_cpu) best_cpu = c;
  }}
  uint64_t check = 0;
  for (long i = 0; i < {nl.n_outputs}L * nw; i++) check ^= out[i];
  printf("%.9f %.9f %llu\\n", best, best_cpu, (unsigned long long)check);
  return 0;
}}
"""


def time_c(
    nl: Netlist, n_words: int, repeats: int, cache: Path | None = None
) -> tuple[float, float] | None:
    """Best (wall, CPU) seconds of the generated C program's eval(), or None without gcc.
    With ``cache``, the binary is kept there under the hash of its source and reused."""
    gcc = shutil.which("gcc")
    if gcc is None:
        return None
    source = c_program(nl, n_words, repeats)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) if cache is None else cache
        folder.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256(source.encode()).hexdigest()[:16]
        src, exe = Path(tmp) / "eval.c", folder / f"eval-{digest}"
        if exe.exists():
            print(f"  (reusing {exe}, compiled earlier from the same C source)")
        else:
            src.write_text(source)
            t0 = time.perf_counter()
            subprocess.run([gcc, "-O2", "-o", str(src.with_suffix("")), str(src)], check=True)
            os.replace(src.with_suffix(""), exe)
            seconds = time.perf_counter() - t0
            print(f"  (gcc -O2 compiled {len(nl.gates)} statements in {seconds:.1f} s)")
        result = subprocess.run([str(exe)], check=True, capture_output=True, text=True)
        wall, cpu, _ = result.stdout.split()
        return float(wall), float(cpu)


def best_of(repeats: int, fn) -> tuple[float, float]:
    """Best wall-clock and best CPU seconds (all threads of this process) of ``fn()``."""
    wall = cpu = float("inf")
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall = min(wall, time.perf_counter() - t0)
        cpu = min(cpu, time.process_time() - c0)
    return wall, cpu


def measure(
    label: str, nl: Netlist, planes: np.ndarray, repeats: int, threads: int, c_cache: Path | None
) -> None:
    rows = planes.shape[1] * 64
    program = sim.compile_netlist(nl)
    gates = sum(g.kind is not Kind.INPUT for g in nl.gates)
    work = gates * rows
    print(
        f"{label}: {gates} gates, {nl.n_inputs} inputs, {nl.n_outputs} outputs, {rows} rows;"
        f" {program.n_ops} operations, {program.n_slots} slots, block {program.block_words()}"
        " words"
    )
    ref = sim.evaluate_packed_numpy(nl, planes)
    got = sim.evaluate_packed(program, planes, threads=1)
    assert np.array_equal(ref, got), "kernel and numpy path disagree"
    timings = {
        "numpy per-gate path": best_of(
            max(1, repeats // 2), lambda: sim.evaluate_packed_numpy(nl, planes)
        ),
        "numba, 1 thread": best_of(
            repeats, lambda: sim.evaluate_packed(program, planes, threads=1)
        ),
        f"numba, {threads} threads": best_of(
            repeats, lambda: sim.evaluate_packed(program, planes, threads=threads)
        ),
    }
    c_times = time_c(nl, planes.shape[1], repeats, c_cache)
    if c_times is None:
        print("  (gcc not found: no C program)")
    else:
        timings["C program, gcc -O2"] = c_times
    print(f"  {'':22s} {'gate·rows/s (wall)':>20s} {'(CPU time)':>12s}")
    for name, (wall, cpu) in timings.items():
        print(f"  {name:22s} {work / wall:20.3e} {work / cpu:12.3e}")
    np_wall, np_cpu = timings["numpy per-gate path"]
    one_wall, one_cpu = timings["numba, 1 thread"]
    all_wall = timings[f"numba, {threads} threads"][0]
    print(
        f"  numba 1 thread vs numpy: {np_wall / one_wall:.1f}× (wall), {np_cpu / one_cpu:.1f}× "
        f"(CPU); {threads} threads vs numpy: {np_wall / all_wall:.1f}× (wall)"
    )
    if c_times is not None:
        print(
            f"  numba 1 thread vs C: {c_times[0] / one_wall:.2f}× (wall), "
            f"{c_times[1] / one_cpu:.2f}× (CPU)  (above 1: numba faster)"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--gates", type=int, default=20000)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--c-cache", type=Path, help="folder to keep and reuse the C binaries")
    args = parser.parse_args(argv)
    sim.evaluate_rows(random_netlist(4, 20, 0), np.zeros((1, 4), np.uint8))  # compile/load

    nl = random_netlist(20, args.gates, seed=1)
    planes = sim.exhaustive_planes(20)
    measure("random netlist", nl, planes, args.repeats, args.threads, args.c_cache)

    path = EPFL / "multiplier.aig"
    try:
        from btfsynth.exporters import read_netlist

        mult = read_netlist(path)
    except (ImportError, OSError) as exc:
        print(f"EPFL multiplier skipped: {exc}", file=sys.stderr)
        return 0
    rng = np.random.default_rng(2)
    planes = rng.integers(0, 2**64, size=(mult.n_inputs, 2**16 // 64), dtype=np.uint64)
    measure("EPFL multiplier", mult, planes, args.repeats, args.threads, args.c_cache)
    return 0


if __name__ == "__main__":
    sys.exit(main())
