"""Circuits made from the bare truth table, without learning: the baselines that ``--compare``
and ``synth`` show beside a learned circuit.

* :func:`espresso_netlist` minimises the outputs' covers with espresso (Brayton et al.,
  "Logic Minimization Algorithms for VLSI Synthesis", 1984; through pyeda), given the cared
  rows as its ON-set and OFF-set (an ``fr`` cover): every don't-care output and, in a sampled
  table, every row the table lacks are don't-cares. A complete table's outputs are minimised
  together (shared cubes); a sampled table's one by one, since espresso derives the don't-care
  set as the complement of the ON- and OFF-sets, which for many outputs of a sparse sample of
  a wide input space grows beyond reach (8 outputs of 205 rows over 32 inputs: 16 s, 32:
  hours). One SOP gate per output over the shared
  cubes; lowered and optimised by the same optimiser as a learned circuit, it is the fair
  two-level baseline.
* :func:`tree_netlist` grows one decision tree per output (CART, Breiman et al. 1984, through
  scikit-learn, an optional extra) on the cared rows, and writes each tree as the SOP of the
  paths to its 1-leaves: the classic learned baseline for sampled tables.
"""

from __future__ import annotations

import numpy as np

from .errors import BtfsynthError
from .netlist import Kind, Netlist
from .truthtable import TruthTable

_PCN = np.array([1, 2], dtype=np.int64)
"""espresso's positional cube notation of an input bit: 0 → 1 (01), 1 → 2 (10); 3 is a dash."""


def espresso_netlist(table: TruthTable) -> Netlist:
    """One SOP gate per output: espresso's minimised cover of the table's cared rows."""
    from pyeda.boolalg.espresso import FTYPE, RTYPE, espresso

    n, m = table.n_inputs, table.n_outputs
    netlist = Netlist(name=table.name or "espresso")
    signals = [netlist.add_input(name) for name in table.input_names]
    if n == 0 or m == 0:
        for k, name in enumerate(table.output_names):
            ones = table.outputs[:, k][table.care[:, k]]
            netlist.add_output(netlist.add_const(bool(len(ones) and ones[0])), name)
        return netlist
    # Each row is one cube: 1 where the output is a cared 1, 0 where a cared 0, 2 elsewhere.
    parts = np.where(table.care, table.outputs, 2)
    codes = _PCN[table.inputs].tolist()
    groups = [list(range(m))] if table.is_complete else [[k] for k in range(m)]
    cubes: list[list[str]] = [[] for _ in range(m)]
    for group in groups:
        rows = [(tuple(i), tuple(o)) for i, o in zip(codes, parts[:, group].tolist()) if min(o) < 2]
        for ins, outs in sorted(
            espresso(n, len(group), rows, intype=FTYPE | RTYPE) if rows else ()
        ):
            cube = "".join("-" if c == 3 else str(c - 1) for c in ins)
            for k, on in zip(group, outs):
                if on == 1:
                    cubes[k].append(cube)
    for k, name in enumerate(table.output_names):
        gate = (
            netlist.add_gate(Kind.SOP, signals, cover=tuple(cubes[k]))
            if cubes[k]
            else netlist.add_const(False)
        )
        netlist.add_output(gate, name)
    return netlist


def has_trees() -> bool:
    """Whether scikit-learn (the optional ``baselines`` extra) is installed."""
    try:
        import sklearn  # noqa: F401
    except ImportError:
        return False
    return True


def tree_netlist(table: TruthTable, seed: int = 0) -> Netlist:
    """One decision tree per output, fully grown on the output's cared rows (so right on every
    one of them), as the SOP of the paths to its 1-leaves."""
    if not has_trees():
        raise BtfsynthError(
            "the decision-tree baseline needs scikit-learn: pip install scikit-learn"
        )
    from sklearn.tree import DecisionTreeClassifier

    netlist = Netlist(name=table.name or "tree")
    signals = [netlist.add_input(name) for name in table.input_names]
    for k, name in enumerate(table.output_names):
        cared = table.care[:, k]
        x, y = table.inputs[cared], table.outputs[cared, k]
        if len(np.unique(y)) < 2:
            netlist.add_output(netlist.add_const(bool(len(y) and y[0])), name)
            continue
        tree = DecisionTreeClassifier(random_state=seed).fit(x, y).tree_
        cubes = _paths(tree, table.n_inputs)
        gate = netlist.add_gate(Kind.SOP, signals, cover=tuple(cubes)) if cubes else None
        netlist.add_output(gate if gate is not None else netlist.add_const(False), name)
    return netlist


def _paths(tree, n: int) -> list[str]:
    """The cubes of the paths from the root to the leaves that predict 1 (inputs are 0/1, so
    each split ``x_j <= 0.5`` sends 0 left and 1 right)."""
    cubes, stack = [], [(0, ["-"] * n)]
    while stack:
        node, cube = stack.pop()
        left, right = tree.children_left[node], tree.children_right[node]
        if left < 0:  # a leaf
            if int(np.argmax(tree.value[node][0])) == 1:
                cubes.append("".join(cube))
            continue
        j = tree.feature[node]
        for child, bit in ((left, "0"), (right, "1")):
            stack.append((child, [*cube[:j], bit, *cube[j + 1 :]]))
    return sorted(cubes)
