"""Size limits on what btfsynth reads from files, in one place.

Every reader checks the sizes a file declares against these caps *before* it allocates
anything for them, and refuses a file that exceeds one with a ``file:line`` error naming the
environment variable that raises it. The caps keep a small hostile file (a 28-byte AIGER header
declaring a million inputs, a Verilog ``input [999999:0] x``, a PLA of one all-dash cube over
26 inputs) from taking gigabytes or minutes: any file under 1 KB reads in well under 500 MB and
10 s. Sizes a file lists explicitly (one line per gate, per row) are bounded by the file's own
length instead; a count that the bytes left in the file cannot back (a binary AIGER declaring
more ANDs than half its remaining bytes) is refused before the loop that would read them.

=====================  ==========  =============================  ==================================
limit                  default     environment variable           what it bounds
=====================  ==========  =============================  ==================================
``inputs``             2^18        ``BTFSYNTH_MAX_INPUTS``        primary inputs of a netlist, input
                                                                  nodes of a threshold network
``gates``              2^24        ``BTFSYNTH_MAX_GATES``         gates of a netlist (signals), BTF
                                                                  nodes and edges of a network
``expansion``          256         ``BTFSYNTH_MAX_EXPANSION``     signals a reader may create per
                                                                  byte of file (above 2^16) where a
                                                                  few characters stand for many
                                                                  (Verilog vectors, replications)
``table_rows``         2^21        ``BTFSYNTH_MAX_TABLE_ROWS``    truth-table rows a file implies
                                                                  without listing them (``.type fd``
                                                                  tables, minterms of ``-`` cubes)
``table_cells``        2^26        ``BTFSYNTH_MAX_TABLE_CELLS``   those rows × (inputs + outputs);
                                                                  ``.dat`` items × classes
=====================  ==========  =============================  ==================================

Memory and time per signal, measured with tracemalloc on a 200 000-AND netlist (peak while
reading / kept by the netlist afterwards; seconds without tracing, on this 2-core machine):

=================  ===================  ====================  ==============
format             peak bytes / gate    kept bytes / gate     µs / gate
=================  ===================  ====================  ==============
binary AIGER       320                  280                   5
(implicit input)   320                  150                   3
ASCII AIGER        800                  300                   13
BLIF               840                  360                   12
netlist JSON       960                  340                   14
Verilog            1 400                360                   26
=================  ===================  ====================  ==============

So a 28-byte binary AIGER header declaring the default 2^18 inputs reads in under a second and
about 80 MB, and a 1 KB Verilog file may expand to at most 2^16 + 256 K signals (the worst one
found, ten 6000-bit vector assignments, takes 4 s and 200 MB through ``btfsynth stats``). A
file at the default gate cap needs some 5-20 GB: only a file of hundreds of megabytes can ask
for that.
A truth table takes about ``n + 3m`` bytes per row of n inputs and m outputs while it is read
(plus about 50 bytes per minterm a ``-`` cube expands to in a partial table, to put the rows
in file order), so the table caps hold a table that a file implies near 250 MB.

Complete tables built in memory (tasks such as ``mult:12``, :meth:`TruthTable.complete`) are
bounded separately by :data:`MAX_COMPLETE_INPUTS`; the caps here are for files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .errors import BtfsynthError, FormatError

MAX_COMPLETE_INPUTS = 26
"""Complete tables are refused above 2**26 rows (about 1.7 GB of input bits at 26 inputs)."""

EXPANSION_FLOOR = 1 << 16
"""Signals any file may expand to, however short (the ``expansion`` cap adds per byte)."""


@dataclass(frozen=True)
class Limits:
    """The caps in force (see the module docstring)."""

    inputs: int = 1 << 18
    gates: int = 1 << 24
    expansion: int = 256
    table_rows: int = 1 << 21
    table_cells: int = 1 << 26


ENVIRONMENT = {
    "inputs": "BTFSYNTH_MAX_INPUTS",
    "gates": "BTFSYNTH_MAX_GATES",
    "expansion": "BTFSYNTH_MAX_EXPANSION",
    "table_rows": "BTFSYNTH_MAX_TABLE_ROWS",
    "table_cells": "BTFSYNTH_MAX_TABLE_CELLS",
}
"""The environment variable that overrides each cap."""


def current() -> Limits:
    """The caps: the defaults, overridden by the environment variables that are set.

    Read on every call (a few dictionary lookups), so a test or a long-lived process can change
    them; a value that is not a positive integer is an error naming the variable.
    """
    values = {}
    for key, var in ENVIRONMENT.items():
        text = os.environ.get(var)
        if text is None or not text.strip():
            continue
        try:
            value = int(text.strip().replace("_", ""))
        except ValueError:
            value = 0
        if value < 1:
            raise BtfsynthError(f"{var} must be a positive integer, not {text!r}")
        values[key] = value
    return Limits(**values)


def too_many(what: str, count: int, key: str, path, line: int | None) -> FormatError:
    """The error for a declared ``count`` of ``what`` beyond the cap ``key``."""
    cap = getattr(current(), key)
    return FormatError(
        f"{count} {what} exceed the limit of {cap} (set {ENVIRONMENT[key]} to raise it)",
        path,
        line,
    )


def check(what: str, count: int, key: str, path, line: int | None) -> None:
    """Refuse a declared ``count`` of ``what`` beyond the cap ``key`` (e.g. ``"inputs"``)."""
    if count > getattr(current(), key):
        raise too_many(what, count, key, path, line)


def check_backed(what: str, count: int, each: int, left: int, path, line: int | None) -> None:
    """Refuse a declared ``count`` of items that take at least ``each`` bytes apiece when only
    ``left`` bytes of the file remain: the count is wrong (or the file truncated), and nothing
    should be allocated for it."""
    if count * each > left:
        raise FormatError(
            f"the header declares {count} {what}, but only {left} bytes follow "
            f"(each takes at least {each}): truncated file or wrong count",
            path,
            line,
        )


def check_table(what: str, rows: int, width: int, path, line: int | None) -> None:
    """Refuse a truth table whose file implies ``rows`` rows of ``width`` cells (inputs plus
    outputs) that it does not list, beyond the ``table_rows`` and ``table_cells`` caps;
    ``what`` says where the rows come from."""
    caps = current()
    if rows > caps.table_rows:
        raise FormatError(
            f"{what}; at most {caps.table_rows} rows not listed in the file are allowed "
            f"(set {ENVIRONMENT['table_rows']} to raise it)",
            path,
            line,
        )
    if rows * width > caps.table_cells:
        raise FormatError(
            f"{what}; that makes {rows * width} table cells ({rows} rows × {width} inputs and "
            f"outputs) not listed in the file, beyond the limit of {caps.table_cells} "
            f"(set {ENVIRONMENT['table_cells']} to raise it)",
            path,
            line,
        )


class Budget:
    """The signals a reader may still create from a file of ``size`` bytes: at most the
    ``gates`` cap, and at most :data:`EXPANSION_FLOOR` plus ``expansion`` per byte, so that a
    short file cannot expand a few characters (a vector width, a replication count) into
    millions of signals. :meth:`spend` is called before each allocation."""

    def __init__(self, size: int, path) -> None:
        caps = current()
        self.path = path
        self.left = min(caps.gates, EXPANSION_FLOOR + caps.expansion * size)
        self.size = size

    def spend(self, count: int, what: str, line: int | None) -> None:
        """Take ``count`` signals from the budget, or refuse the file at ``line``."""
        if count > self.left:
            caps = current()
            raise FormatError(
                f"{what} would make more signals than a {self.size}-byte file may expand to "
                f"({EXPANSION_FLOOR} + {caps.expansion} per byte, at most {caps.gates}; set "
                f"{ENVIRONMENT['expansion']} or {ENVIRONMENT['gates']} to raise it)",
                self.path,
                line,
            )
        self.left -= count
