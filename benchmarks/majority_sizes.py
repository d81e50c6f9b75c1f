"""AND2 counts of majority gates as btfsynth writes them, against ABC in the same run.

For MAJ3 … MAJ11 it prints the AND2 count of each lowering that ``btfsynth.passes.aig`` tries
(the ordered BDD and the pruned Batcher sorting network), the one it keeps, and two ABC
baselines: ABC from the bare truth table (``read_pla; strash; resyn2``, the size an engineer
gets without btfsynth) and ABC's ``resyn2`` run on btfsynth's own AIGER. Then a learned MAJ9
(``learn maj:9 --widths 9-1 --sigma 9``) through ``compile``. ABC is Debian's ``berkeley-abc``;
without it the ABC columns are left out.

    python benchmarks/majority_sizes.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from btfsynth import compile_network, learn
from btfsynth.cli.compare import ABC, RESYN2, abc_ands
from btfsynth.exporters import write_netlist, write_table
from btfsynth.netlist import Kind, Netlist
from btfsynth.passes import and2_count
from btfsynth.passes.aig import AigBuilder
from btfsynth.tasks import majority


def built(n: int, construction: str) -> int:
    """AND2 gates one construction adds for MAJ-n over fresh inputs."""
    builder = AigBuilder(Netlist())
    ins = [builder.input(f"x{j}") for j in range(n)]
    if construction == "bdd":
        builder.bdd(ins, [1] * n, n // 2 + 1)
    else:
        builder.at_least(ins, n // 2 + 1)
    return sum(g.kind is Kind.AND for g in builder.netlist.gates)


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="majsizes"))
    print(f"ABC: {ABC or 'not found (ABC columns left out)'}")
    heads = ("BDD", 6), ("sorter", 8), ("kept", 6), ("ABC table", 11), ("ABC on ours", 13)
    print(" " * 8 + "".join(f"{h:>{w}}" for h, w in heads) + f"{'kept/ABC':>10}")
    for n in (3, 5, 7, 9, 11):
        nl = Netlist()
        x = [nl.add_input(f"x{j}") for j in range(n)]
        nl.add_output(nl.add_gate(Kind.MAJ, x), "m")
        pla, aig = folder / f"maj{n}.pla", folder / f"maj{n}.aig"
        write_table(majority(n).table, pla)
        write_netlist(nl, aig)
        table = abc_ands(f"read_pla {pla}; strash; {RESYN2}")
        ours = abc_ands(f"read {aig}; {RESYN2}")
        kept = and2_count(nl)
        ratio = f"{kept / table:.2f}" if table else "-"
        cells = [built(n, "bdd"), built(n, "sorter"), kept, table, ours]
        row = "".join(f"{'-' if c is None else c:>{w}}" for c, (_, w) in zip(cells, heads))
        print(f"MAJ{n:<5}{row}{ratio:>10}")
    result = learn(majority(9).table, [9, 1], sigma=9.0, seed=1)
    netlist = compile_network(result.network).netlist
    print(
        f"learned MAJ9 (seed 1, solved {result.solved}): compile writes {and2_count(netlist)} AND2"
    )


if __name__ == "__main__":
    main()
