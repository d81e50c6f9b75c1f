"""Speed of the RRR iteration: nanoseconds per edge·item·iteration (method.md §9).

Cases: the 2×2 multiplier (4-4-4-4, 16 items) and a 32-32-32-32-32-32 network on 256 random
items of a planted AND/OR circuit. For each, the numba kernel (serial and, where it applies,
threaded) and the plain numpy reference are timed from the same states in the same run, so the
ratio holds even on a busy machine. The threaded line also gives the memory traffic this implies
(kernels.STREAM_BYTES per edge·item·iteration, for a state larger than the caches) against the
bandwidth a plain numba streaming loop reaches on the same threads in the same run.
Run: ``python benchmarks/rrr_speed.py [--iters N]``.
"""

from __future__ import annotations

import argparse
import time

import numba
import numpy as np
from numba import njit, prange

from btfsynth.network import ThresholdNetwork
from btfsynth.rrr import reference
from btfsynth.rrr.kernels import STREAM_BYTES
from btfsynth.rrr.lanes import Lanes
from btfsynth.rrr.layout import initial_state, make_problem
from btfsynth.rrr.solve import Params, advance
from btfsynth.tasks import multiplier, planted_andor

TIMING = Params(beta=0.2, gamma=1e-3, gap_stop=0.0)  # never stops early


def kernel_seconds(problem, state, iters: int, parallel: bool) -> tuple[float, float]:
    """Best of three (wall, CPU) timings of ``iters`` kernel iterations from ``state``. CPU time
    (all threads of this process) is the steadier figure on a shared machine."""
    best = (np.inf, np.inf)
    for _ in range(3):
        lanes = alone(problem, state)
        wall, cpu = time.perf_counter(), time.process_time()
        advance(lanes, TIMING, iters, 1, parallel)
        best = min(best, (time.perf_counter() - wall, time.process_time() - cpu))
    return best


def alone(problem, state) -> Lanes:
    """A batch of one restart from ``state`` that never stops at a checkpoint."""
    lanes = Lanes.create(problem, 1)
    lanes.place(0, state)
    lanes.limit[:] = 2**62
    return lanes


def reference_seconds(problem, state, iters: int) -> float:
    s = state.copy()
    tick = time.perf_counter()
    for _ in range(iters):
        s, _, _ = reference.rrr_step(problem, s, 0.2, 1e-3)
    return time.perf_counter() - tick


@njit(parallel=True)
def stream(a, b):
    for i in prange(len(a)):
        a[i] += 0.5 * b[i]


def stream_bandwidth() -> float:
    """Bytes per second of a read-read-write loop over two 256 MB arrays (best of three)."""
    a, b = np.ones(32_000_000), np.ones(32_000_000)
    stream(a, b)
    best = np.inf
    for _ in range(3):
        tick = time.perf_counter()
        stream(a, b)
        best = min(best, time.perf_counter() - tick)
    return 24 * len(a) / best


def warmed_state(problem, iters: int):
    """A state after ``iters`` iterations: timing the random start alone would overweight the
    unconverged blocks that need two root solves."""
    lanes = alone(problem, initial_state(problem, 1))
    advance(lanes, TIMING, iters, 1, False)
    return lanes.state


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iters", type=int, default=200, help="kernel iterations per timing")
    args = parser.parse_args()
    cases = [
        ("2x2 multiplier 4-4-4-4, N=16", multiplier(2).dataset, [4, 4, 4, 4], 20 * args.iters),
        (
            "planted AND/OR 32x6 layers, N=256",
            planted_andor([32] * 6, items=256, seed=1).dataset,
            [32] * 6,
            args.iters,
        ),
    ]
    print(f"numba threads: {numba.get_num_threads()}")
    bandwidth = stream_bandwidth()
    for name, data, widths, iters in cases:
        problem = make_problem(ThresholdNetwork.layered(widths), data, 3.0)
        state = warmed_state(problem, 100)
        work = problem.n_items * problem.n_edges
        ref_iters = max(1, min(20, iters // 20))
        ref = reference_seconds(problem, state, ref_iters) / ref_iters
        print(f"{name}: {problem.n_edges} edges x {problem.n_items} items")
        print(f"  numpy reference      {1e9 * ref / work:9.1f} ns per edge*item*iteration")
        for parallel in (False, True):
            if parallel and numba.get_num_threads() == 1:
                continue
            wall, cpu = kernel_seconds(problem, state, iters, parallel)
            label = f"numba {'threaded' if parallel else 'serial  '}"
            print(
                f"  {label}       {1e9 * wall / iters / work:9.2f} ns per edge*item*iteration "
                f"wall, {1e9 * cpu / iters / work:.2f} ns CPU "
                f"({ref * iters / wall:.0f}x the reference)"
            )
            if parallel and problem.n_items * problem.n_edges * STREAM_BYTES > 2**25:
                rate = STREAM_BYTES * work * iters / wall
                print(
                    f"  memory traffic {rate / 1e9:.1f} GB/s ({STREAM_BYTES} bytes per "
                    f"edge*item*iteration); a streaming loop reaches {bandwidth / 1e9:.1f} GB/s"
                )


if __name__ == "__main__":
    main()
