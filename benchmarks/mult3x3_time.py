"""Wall time to the first solution of the 3×3 multiplier, over several base seeds.

6-12-12-12-6, σ 3, β 0.2, γ 1e-4, gap 0.01, up to 1e6 iterations per restart (method.md §5),
as ``btfsynth learn mult:3 --widths 6-12-12-12-6 --gamma 1e-4 --max-iter 1000000 --seed S
--restarts R --jobs J`` runs it: restarts S, S+1, ... on J cores (a 3×3 restart runs on two
threads, lanes.restart_threads, so J // 2 at a time), the reported run the solving restart of
the lowest seed, after every lower seed has finished. The
base seeds are 0, 10, 20, ... so that no two searches share a restart. Every solution is
snapped, compiled (btfsynth.compile, proven equal to the network) and checked on all 64 rows.

The reference C code is not on this machine: its figure is the documented one (method.md §7:
4 of 4 runs solve within 1e6 iterations, at 270k–775k; about 3 minutes per solved run), not
measured in this run. With ``--reference 'CMD'`` (a shell template, ``{seed}`` replaced by each
base seed) the command is timed in the same run, after ours, one seed at a time.
Run: ``python benchmarks/mult3x3_time.py [--seeds 10] [--jobs 2] [--restarts 10]``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import time

import numpy as np

from btfsynth import learn
from btfsynth.compile import compile_network
from btfsynth.tasks import multiplier


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--restarts", type=int, default=10)
    parser.add_argument("--max-iter", type=int, default=1_000_000)
    parser.add_argument("--reference", help="shell command of the reference C code, {seed}")
    args = parser.parse_args()
    table = multiplier(3).table
    learn(table, [6, 12, 12, 12, 6], max_iter=3, jobs=1)  # compile the kernels first
    times, exact = [], 0
    print(
        f"3x3 multiplier 6-12-12-12-6, gamma 1e-4, {args.max_iter} iterations per restart, "
        f"up to {args.restarts} restarts, --jobs {args.jobs}"
    )
    for k in range(args.seeds):
        seed = 10 * k
        tick = time.perf_counter()
        result = learn(
            table, [6, 12, 12, 12, 6], sigma=3, beta=0.2, gamma=1e-4, max_iter=args.max_iter,
            gap_stop=0.01, restarts=args.restarts, jobs=args.jobs, seed=seed,
        )  # fmt: skip
        seconds = time.perf_counter() - tick
        proven = False
        if result.solved:
            netlist = compile_network(result.network, table).netlist
            proven = bool(np.array_equal(netlist.evaluate(table.inputs), table.outputs))
            exact += proven
            times.append(seconds)
        else:
            times.append(float("inf"))
        started = len(result.runs)
        print(
            f"  seed {seed:3d}: {'solved' if result.solved else 'NOT solved'} by restart seed "
            f"{result.seed} at {result.iterations} iterations, {seconds:6.1f} s wall "
            f"({started} restarts started); compiled and exact on 64 rows: {proven}",
            flush=True,
        )
    median = statistics.median(times)
    print(
        f"median wall time to the first solution: {median:.1f} s over {args.seeds} seeds "
        f"(--jobs {args.jobs}); {exact} of {sum(np.isfinite(times))} solutions compiled and exact"
    )
    print(
        "reference C code: NOT measured here (not on this machine); documented about 180 s per "
        f"solved run on one core (method.md §7): {180 / median:.1f}x"
    )
    if args.reference:
        ref = []
        for k in range(args.seeds):
            tick = time.perf_counter()
            subprocess.run(["sh", "-c", args.reference.format(seed=10 * k)], check=True)
            ref.append(time.perf_counter() - tick)
        print(f"reference C code, measured in this run: median {statistics.median(ref):.1f} s")


if __name__ == "__main__":
    main()
