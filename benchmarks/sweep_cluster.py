"""A σ × β sweep of the 2×2 multiplier on the local pool and on a local Dask cluster, same run.

σ ∈ {3, 5}, β ∈ {0.1, 0.2, 0.3}, 50 seeds each (300 runs of up to 10^4 iterations, 4-4-4-4,
γ 1e-3; each run compiled at effort fast), first through ``--jobs 2`` and then through
``--cluster local:2`` (issue #16). Prints both throughputs (runs per second of wall time,
cluster start included) and their ratio, checks that both recorded the same lines (seconds
aside), and prints the summary table.

    python benchmarks/sweep_cluster.py [--seeds 50]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from btfsynth.exporters.sources import read_items
from btfsynth.sweep import Appender, jobs_of, read_lines, runner_for, summary_lines


def timed(jobs, cluster, workers, out) -> float:
    append = Appender(out)
    start = time.monotonic()
    runner_for(cluster, workers, read_items).run(jobs, lambda job, line: append(line))
    return time.monotonic() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=50)
    args = parser.parse_args()
    jobs = jobs_of({"data": "mult:2", "widths": "4-4-4-4", "sigma": [3, 5],
                    "beta": [0.1, 0.2, 0.3], "seeds": args.seeds})  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        local, dask = Path(folder) / "local.jsonl", Path(folder) / "dask.jsonl"
        t_local = timed(jobs, None, 2, local)
        t_dask = timed(jobs, "local:2", 2, dask)

        def lines(path):
            runs = [{k: v for k, v in r.items() if k != "seconds"} for r in read_lines(path)]
            return sorted(json.dumps(r, sort_keys=True) for r in runs)

        same = lines(local) == lines(dask)
        print(f"{len(jobs)} runs (2x2 multiplier, sigma x beta x {args.seeds} seeds)")
        print(f"  local pool, --jobs 2:      {t_local:6.1f} s  {len(jobs) / t_local:5.2f} runs/s")
        print(f"  Dask, --cluster local:2:   {t_dask:6.1f} s  {len(jobs) / t_dask:5.2f} runs/s")
        print(f"  Dask / local throughput: {t_local / t_dask:.2f}; same lines: {same}")
        for line in summary_lines(read_lines(dask)):
            print("  " + line)


if __name__ == "__main__":
    main()
