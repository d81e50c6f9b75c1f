"""Throughput of many restarts of a small network: restarts as lanes against runs one by one.

The 2×2 multiplier (4-4-4-4, σ 3, β 0.2, γ 1e-3, gap 0.01), ``--restarts`` restarts of up to
``--max-iter`` iterations each, all run (no stop at the first solution). In the same run:

* unbatched: the first ``--alone`` seeds one at a time (a batch of one: the path before
  restarts became lanes), on one thread: the in-run baseline;
* batched, one core: every seed through solve.Batch (lanes.batch_size restarts side by side),
  on one thread;
* batched, ``--jobs`` workers (one thread each): the search ``btfsynth learn --restarts``
  runs, with its solve count (the method's gap criterion) and the 95 % binomial interval of
  the reference's 36 %; per core by wall time (starting the workers included, and whatever
  else the machine runs) and per CPU second (this process and its workers).

Throughput is iterations (of one restart) per second per core. The reference C code is not on
this machine: without ``--reference`` its figure is the documented one (docs/method.md §7, §9:
17–21 ns per edge·item·iteration on one core for a rule-30 network of fan-in 17–33, 18 of
50 solved), not measured in this run; with ``--max-iter 10000`` a second line estimates its
rate on the 2×2 itself from issue #14's side-by-side run (:func:`side_by_side_rate`). With
``--reference 'CMD'`` the command (a shell template; ``{seed}`` is replaced by each seed) is
run once per seed, one at a time on one core, in the same run, and its CPU time is compared
with ours for the same restarts (its iteration count is taken to equal ours: same method, same
budget, a success rate in the same interval).
Run: ``python benchmarks/restarts_speed.py [--restarts 100] [--jobs 2] [--reference 'CMD']``.
"""

from __future__ import annotations

import argparse
import math
import resource
import subprocess
import time

import numba

from btfsynth.network import ThresholdNetwork
from btfsynth.rrr.lanes import batch_size
from btfsynth.rrr.restarts import search_restarts
from btfsynth.rrr.solve import Params, solve_many
from btfsynth.tasks import multiplier

C_NS = (17.0, 21.0)  # documented, method.md §9
C_SOLVED = (18, 50)  # documented, method.md §7
C_MEAN_SOLVED = 4_800  # documented, method.md §7: mean iterations of the solving restarts
C_SIDE_BY_SIDE = (40, 7.6)  # issue #14: 40 restarts of the 2x2 in 7.6 s, C code, one core


def side_by_side_rate(max_iter: int) -> float:
    """The C code's iterations per second on the 2×2 multiplier from issue #14's side-by-side
    run on this machine type (40 restarts of up to 1e4 iterations in 7.6 s, one core), taking
    its iterations from its documented outcome: 36 % solve at a mean 4 800 iterations, the rest
    run to the limit. An estimate from figures, not a measurement of this run."""
    p = C_SOLVED[0] / C_SOLVED[1]
    restarts, seconds = C_SIDE_BY_SIDE
    return restarts * (p * C_MEAN_SOLVED + (1 - p) * max_iter) / seconds


def binomial_interval(p: float, n: int, z: float = 1.96) -> tuple[int, int]:
    """The 95 % range of successes in n trials of probability p, n p ± 1.96 sqrt(n p (1 − p))
    rounded outwards (36 % of 100 gives 26–46, the issue's interval)."""
    half = z * math.sqrt(p * (1 - p) * n)
    return math.floor(n * p - half), math.ceil(n * p + half)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--restarts", type=int, default=100)
    parser.add_argument("--max-iter", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--alone", type=int, default=20, help="seeds of the unbatched baseline")
    parser.add_argument("--reference", help="shell command of the reference C code, {seed}")
    args = parser.parse_args()
    data = multiplier(2).dataset
    net = ThresholdNetwork.layered([4, 4, 4, 4])
    params = Params(sigma=3, beta=0.2, gamma=1e-3, max_iter=args.max_iter, gap_stop=0.01)
    seeds = list(range(args.restarts))
    work = data.n_items * net.n_edges
    numba.set_num_threads(1)
    solve_many(net, data, Params(max_iter=5), seeds[:2])  # compile outside the timings
    print(
        f"2x2 multiplier 4-4-4-4, {args.restarts} restarts of up to {args.max_iter} iterations; "
        f"{net.n_edges} edges x {data.n_items} items; "
        f"batch of {batch_size(data.n_items, net.n_edges)}"
    )

    def timed(label: str, chosen: list[int], capacity: int | None) -> float:
        tick, cpu = time.perf_counter(), time.process_time()
        runs = solve_many(net, data, params, chosen, capacity=capacity)
        wall, cpu = time.perf_counter() - tick, time.process_time() - cpu
        its = sum(run.iterations for run in runs)
        rate = its / cpu
        print(
            f"  {label:<28} {rate:9.0f} it/s per core ({1e9 / rate / work:5.2f} ns per "
            f"edge*item*iteration CPU; {len(chosen)} restarts, {its} iterations, {wall:.1f} s)"
        )
        return rate

    alone = timed("unbatched, 1 thread", seeds[: args.alone], 1)
    batched = timed("batched, 1 thread", seeds, None)
    tick, cpu = time.perf_counter(), time.process_time() + children_cpu()
    search = search_restarts(net, data, params, seeds, args.jobs, False, keep_runs=True)
    wall, cpu = time.perf_counter() - tick, time.process_time() + children_cpu() - cpu
    its = sum(run.iterations for run in search.runs)
    solved = sum(run.solved for run in search.runs)
    cores = min(args.jobs, len(seeds))
    per_core = its / wall / cores
    print(
        f"  batched, {args.jobs} jobs {'':<17} {per_core:9.0f} it/s per core (wall: {wall:.1f} s "
        f"for {its} iterations on {cores} cores, worker start included; {its / cpu:.0f} "
        f"it/s per CPU second, workers included)"
    )
    print(f"batching: {batched / alone:.2f}x the unbatched throughput per core (same run)")
    lo, hi = binomial_interval(C_SOLVED[0] / C_SOLVED[1], len(seeds))
    inside = "inside" if lo <= solved <= hi else "OUTSIDE"
    print(
        f"solved {solved} of {len(seeds)} (gap criterion); the reference's "
        f"{C_SOLVED[0]}/{C_SOLVED[1]} = 36 % gives {lo}-{hi}: {inside}"
    )
    if args.reference:
        cpu = children_cpu()
        tick = time.perf_counter()
        for seed in seeds:
            command = args.reference.format(seed=seed)
            subprocess.run(["taskset", "-c", "0", "sh", "-c", command], check=True)
        ref_cpu, ref_wall = children_cpu() - cpu, time.perf_counter() - tick
        ref_rate = its / ref_cpu  # the same restarts: taken to be the same iterations
        print(
            f"reference C code, measured in this run: {ref_rate:.0f} it/s per core "
            f"({ref_wall:.1f} s)"
        )
        print(
            f"  batched 1 thread {batched / ref_rate:.1f}x, {args.jobs} jobs per core "
            f"{per_core / ref_rate:.1f}x, unbatched {alone / ref_rate:.1f}x the reference"
        )
    else:
        slow, fast = (1e9 / (ns * work) for ns in C_NS[::-1]), (1e9 / (ns * work) for ns in C_NS)
        slow, fast = min(slow), max(fast)
        print(
            f"reference C code: NOT measured here (not on this machine); documented "
            f"{C_NS[0]:.0f}-{C_NS[1]:.0f} ns per edge*item*iteration on one core = "
            f"{slow:.0f}-{fast:.0f} it/s"
        )
        for label, rate in (
            ("batched, 1 thread", batched),
            (f"batched, {args.jobs} jobs", per_core),
        ):
            print(
                f"  {label}: {rate / fast:.1f}-{rate / slow:.1f}x the documented reference per core"
            )
        print(f"  unbatched: {alone / fast:.1f}-{alone / slow:.1f}x")
        if args.max_iter == 10_000:
            c_rate = side_by_side_rate(args.max_iter)
            print(
                f"reference C code on the 2x2 itself, estimated from issue #14's side-by-side run "
                f"(40 restarts in 7.6 s) and its documented iteration counts: {c_rate:.0f} it/s "
                f"({1e9 / c_rate / work:.1f} ns)"
            )
            print(
                f"  batched, 1 thread: {batched / c_rate:.1f}x; batched, {args.jobs} jobs: "
                f"{per_core / c_rate:.1f}x; unbatched: {alone / c_rate:.1f}x"
            )


if __name__ == "__main__":
    main()
