"""Circuits made from the bare truth table, without learning: the baselines ``--compare`` shows.

:func:`espresso_netlist` minimises each output's cover with espresso (Brayton et al., "Logic
Minimization Algorithms for VLSI Synthesis", 1984; through pyeda) and returns one SOP gate per
output; lowered and optimised by the same optimiser as a learned circuit, it is the fair
two-level baseline. Don't-care outputs (care mask) are don't-cares for espresso.
"""

from __future__ import annotations

from pyeda.boolalg.expr import AndOp, Complement, OrOp
from pyeda.inter import espresso_tts, exprvars, truthtable

from .errors import BtfsynthError
from .netlist import Kind, Netlist
from .truthtable import TruthTable, row_numbers

ESPRESSO_INPUTS = 16
"""Widest table given to espresso (its input is the whole 2^n-row table)."""


def espresso_netlist(table: TruthTable) -> Netlist:
    """One SOP gate per output, the espresso cover of a complete ``table``."""
    n = table.n_inputs
    if not table.is_complete or n > ESPRESSO_INPUTS:
        raise BtfsynthError(
            f"espresso needs a complete table of at most {ESPRESSO_INPUTS} inputs "
            f"({n} inputs, {table.n_rows} rows)"
        )
    order = row_numbers(table.inputs)
    xs = exprvars("x", n)  # pyeda's point index has x[0] as its least significant bit
    variable = {str(xs[n - 1 - j]): j for j in range(n)}  # our first input is the MSB
    netlist = Netlist(name=table.name or "espresso")
    signals = [netlist.add_input(name) for name in table.input_names]
    for k, name in enumerate(table.output_names):
        marks = ["-"] * (1 << n)
        for row, value, care in zip(order, table.outputs[:, k], table.care[:, k]):
            if care:
                marks[row] = str(int(value))
        (cover,) = espresso_tts(truthtable(xs, "".join(marks)))
        netlist.add_output(_sop(netlist, signals, cover, variable), name)
    return netlist


def _sop(netlist: Netlist, signals: list, expression, variable: dict[str, int]):
    """The SOP gate of an espresso result (a constant when it is one)."""
    if expression.is_zero() or expression.is_one():
        return netlist.add_const(expression.is_one())
    terms = expression.xs if isinstance(expression, OrOp) else (expression,)
    cubes = []
    for term in terms:
        cube = ["-"] * len(signals)
        for literal in term.xs if isinstance(term, AndOp) else (term,):
            negative = isinstance(literal, Complement)
            cube[variable[str(~literal if negative else literal)]] = "0" if negative else "1"
        cubes.append("".join(cube))
    return netlist.add_gate(Kind.SOP, signals, cover=tuple(cubes))
