"""Success rate of RRR on the 2×2 multiplier (method.md §7: the C code solves 18 of 50).

Widths 4-4-4-4, σ = 3, β = 0.2, γ = 1e-3, gap_stop 0.01, 1e4 iterations per seed. Every solved
run is snapped and must give the exact table with every node a ±1 pattern.
Run: ``python benchmarks/mult2x2_success.py [--seeds 100] [--jobs 2]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from btfsynth.network import ThresholdNetwork
from btfsynth.rrr.restarts import search_restarts
from btfsynth.rrr.snap import snap
from btfsynth.rrr.solve import Params
from btfsynth.tasks import multiplier


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--max-iter", type=int, default=10_000)
    args = parser.parse_args()
    table = multiplier(2).table
    data = multiplier(2).dataset
    net = ThresholdNetwork.layered([4, 4, 4, 4])
    params = Params(sigma=3, beta=0.2, gamma=1e-3, max_iter=args.max_iter, gap_stop=0.01)
    tick = time.perf_counter()
    seeds = list(range(args.seeds))
    runs = search_restarts(net, data, params, seeds, args.jobs, False, keep_runs=True).runs
    seconds = time.perf_counter() - tick
    solved = [run for run in runs if run.solved]
    exact = 0
    for run in solved:
        weights, flags = snap(net, run.weights, run.codes, data.targets)
        snapped = net.with_weights(weights)
        exact += all(flags) and np.array_equal(snapped.predict(table.inputs), table.outputs)
    iters = [run.iterations for run in solved]
    print(
        f"2x2 multiplier, 4-4-4-4, {args.max_iter} iterations: {len(solved)} of {len(runs)} "
        f"seeds solve (mean {np.mean(iters) if iters else float('nan'):.0f} iterations); "
        f"{exact} of {len(solved)} snap to an exact all-±1 network; {seconds:.1f} s wall"
    )


if __name__ == "__main__":
    main()
