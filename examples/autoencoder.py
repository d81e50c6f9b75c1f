"""Binary autoencoders of the paper (method.md §5–7): 2^k random words through k nodes.

8-3-8-8 on auto8.dat (γ 1e-4, gap_stop 0.05; the C code solves 10 of 10) and 16-4-16-16 on
auto16.dat within 1e5 iterations. A solved net reproduces every word and gives each word its
own exactly binary bottleneck code.
Run: ``python examples/autoencoder.py [--k 3] [--seeds 10] [--max-iter 100000] [--jobs 2]``.
"""

from __future__ import annotations

import argparse
import os

import numpy as np

from btfsynth import learn
from btfsynth.exporters import boolearn

DATA = os.environ.get("BTFSYNTH_BENCHMARKS", "/work/shared/benchmarks")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=3, help="bottleneck width (3, 4 or 5)")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--max-iter", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    size = 1 << args.k
    data = boolearn.read_dataset(os.path.join(DATA, f"boolearn/autocode/auto{size}.dat"))
    widths = [size, args.k, size, size]
    result = learn(
        data,
        widths,
        gamma=1e-4,
        gap_stop=0.05,
        max_iter=args.max_iter,
        restarts=args.seeds,
        jobs=args.jobs,
        stop_at_first=False,
    )
    print(
        f"autoencoder {'-'.join(map(str, widths))}: "
        f"{sum(r['solved'] for r in result.runs)} of {len(result.runs)} seeds solve within "
        f"{args.max_iter} iterations; iterations of the solved: "
        f"{[r['iterations'] for r in result.runs if r['solved']]}"
    )
    net = result.network
    _, y = net.forward(data.signed_inputs())
    bottleneck = y[:, 1 + size : 1 + size + args.k]
    codes = {tuple(row) for row in bottleneck}
    exact = np.array_equal(net.predict(data.inputs), data.targets)
    print(
        f"reported run (seed {result.seed}): exact reconstruction {exact}, "
        f"{len(codes)} distinct binary codes for {data.n_items} words, "
        f"snapped {sum(net.metadata['snapped'])} of {len(net.metadata['snapped'])} nodes"
    )


if __name__ == "__main__":
    main()
