"""The learner of this checkout against another checkout of btfsynth (an earlier commit), in the
same run: solve rate and speed, so that a change of the kernels' arithmetic (such as single
precision) is judged by what the method needs, not only by its speed.

For this checkout and for ``--baseline DIR`` (e.g. ``git worktree add /tmp/old 9004807``),
each in a subprocess of its own (``PYTHONPATH`` the checkout, a numba cache of its own, one
thread), alternating so that both see the same machine:

* 2×2 multiplier, 4-4-4-4, σ 3, β 0.2, γ 1e-3, gap 0.01: seeds 0 … N−1 of up to 1e4 iterations
  each (solve.solve_many): how many solve, and iterations per second;
* 3×3 multiplier, 6-12-12-12-6, γ 1e-4: one restart (seed 0) run ``--warm`` iterations, then
  its rate over the next ``--iters`` (the phase where a 3×3 search spends its time).

The solve counts come with the 95 % binomial interval of the reference's 36 % (method.md §7).
Run: ``python benchmarks/kernel_ab.py --baseline DIR [--seeds 300] [--rounds 2]``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = """
import json, sys, time
import numba
numba.set_num_threads(1)
from btfsynth.network import ThresholdNetwork
from btfsynth.rrr.lanes import Lanes
from btfsynth.rrr.layout import initial_state, make_problem
from btfsynth.rrr.solve import Params, advance, solve_many
from btfsynth.tasks import multiplier
seeds, warm, iters = map(int, sys.argv[1:4])
net2 = ThresholdNetwork.layered([4, 4, 4, 4])
data2 = multiplier(2).dataset
solve_many(net2, data2, Params(max_iter=5), [0])  # compile outside the timings
tick = time.perf_counter()
runs = solve_many(net2, data2, Params(max_iter=10_000), list(range(seeds)))
seconds2 = time.perf_counter() - tick
problem = make_problem(ThresholdNetwork.layered([6, 12, 12, 12, 6]), multiplier(3).dataset, 3.0)
lanes = Lanes.create(problem, 1)
lanes.place(0, initial_state(problem, 0))
lanes.limit[:] = 2**62
params = Params(beta=0.2, gamma=1e-4, gap_stop=0.0)
advance(lanes, params, warm, 1, False)
tick = time.perf_counter()
advance(lanes, params, iters, 1, False)
seconds3 = time.perf_counter() - tick
print(json.dumps({
    "solved": sum(r.solved for r in runs), "rate2": sum(r.iterations for r in runs) / seconds2,
    "rate3": iters / seconds3,
}))
"""


def measure(checkout: Path, cache: Path, args) -> dict:
    env = {**os.environ, "PYTHONPATH": str(checkout), "NUMBA_CACHE_DIR": str(cache)}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(args.seeds), str(args.warm), str(args.iters)],
        env=env, capture_output=True, text=True, check=True, cwd=checkout,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def interval(n: int, p: float = 0.36) -> tuple[int, int]:
    half = 1.96 * math.sqrt(n * p * (1 - p))
    return math.floor(n * p - half), math.ceil(n * p + half)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, type=Path, help="another btfsynth checkout")
    parser.add_argument("--seeds", type=int, default=300)
    parser.add_argument("--warm", type=int, default=30_000)
    parser.add_argument("--iters", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=2, help="alternating runs of each")
    args = parser.parse_args()
    here = Path(__file__).resolve().parent.parent
    versions = {"this checkout": here, "baseline": args.baseline.resolve()}
    best: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as caches:
        for name, path in versions.items():  # compile each version's kernels first
            measure(path, Path(caches) / name, argparse.Namespace(seeds=1, warm=1, iters=1))
        for _ in range(args.rounds):
            for name, path in versions.items():
                got = measure(path, Path(caches) / name, args)
                if name in best:
                    assert got["solved"] == best[name]["solved"], "a version is not deterministic"
                    got = {k: max(v, best[name][k]) for k, v in got.items()}
                best[name] = got
    lo, hi = interval(args.seeds)
    print(
        f"2x2 multiplier, seeds 0-{args.seeds - 1} of up to 10000 iterations, one thread; "
        f"3x3 multiplier seed 0, {args.iters} iterations after {args.warm}; best of {args.rounds}"
    )
    for name, got in best.items():
        inside = "inside" if lo <= got["solved"] <= hi else "OUTSIDE"
        print(
            f"  {name:<14} 2x2: solved {got['solved']:4d} of {args.seeds} ({inside} the "
            f"reference's 36 %: {lo}-{hi}), {got['rate2']:8.0f} it/s;  "
            f"3x3: {got['rate3']:6.0f} it/s"
        )
    new, old = best["this checkout"], best["baseline"]
    print(
        f"ratio: 2x2 {new['rate2'] / old['rate2']:.2f}x, 3x3 {new['rate3'] / old['rate3']:.2f}x "
        f"the baseline's speed (same run)"
    )


if __name__ == "__main__":
    main()
