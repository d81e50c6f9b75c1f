"""The 2×2 multiplier of the paper: learn 4-4-4-4 with restarts, then print every snapped node
as the ±1 pattern it took (σ = 3: BUF/NOT, MAJ3, or AND/OR with the bias).
Run: ``python examples/mult2x2.py [--restarts 20] [--jobs 2]``.
"""

from __future__ import annotations

import argparse

import numpy as np

from btfsynth import learn
from btfsynth.tasks import multiplier


def describe(net, node: int) -> str:
    """The node's nonzero weights as signed literals: ``+x1 -n6 +bias`` etc."""
    names = ["bias", *net.input_names] + [f"n{v}" for v in net.btf_nodes]
    src, w = net.node_weights(node)
    return " ".join(f"{'+' if wt > 0 else '-'}{names[s]}" for s, wt in zip(src, w) if wt != 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--restarts", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    table = multiplier(2).table
    result = learn(table, [4, 4, 4, 4], restarts=args.restarts, jobs=args.jobs)
    net = result.network
    print(
        f"solved {result.solved} (seed {result.seed}, {result.iterations} iterations, "
        f"{len(result.runs)} runs); exact: "
        f"{np.array_equal(net.predict(table.inputs), table.outputs)}"
    )
    for node, snapped in zip(net.btf_nodes, net.metadata["snapped"]):
        print(f"  n{node}: sgn({describe(net, node)}){'' if snapped else '  (not snapped)'}")


if __name__ == "__main__":
    main()
