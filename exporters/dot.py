"""Graphviz DOT drawings of netlists (write only).

Inputs sit on the top rank, outputs on the bottom rank, every gate is a node labelled with its
kind (and name, when it has one) in a shape of its own, and complemented edges are dashed with
a hollow dot at the head. ``dot -Tsvg`` renders the result (see ``btfsynth export``).
"""

from __future__ import annotations

import os
import shutil
import subprocess

from btfsynth.errors import BtfsynthError
from btfsynth.files import write_text
from btfsynth.netlist import Gate, Kind, Netlist

SHAPES = {
    Kind.CONST0: "plaintext",
    Kind.CONST1: "plaintext",
    Kind.INPUT: "invhouse",
    Kind.BUF: "rarrow",
    Kind.NOT: "invtriangle",
    Kind.AND: "box",
    Kind.OR: "ellipse",
    Kind.XOR: "diamond",
    Kind.MAJ: "hexagon",
    Kind.THRESHOLD: "octagon",
    Kind.SOP: "component",
}
INVERTED = "style=dashed, arrowhead=odot"


def quote(text: str) -> str:
    """A DOT double-quoted string."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _label(g: Gate) -> str:
    kind = g.kind
    if kind in (Kind.CONST0, Kind.CONST1):
        return "1" if kind is Kind.CONST1 else "0"
    if kind is Kind.INPUT:
        return g.name or "input"
    text = kind.value.upper()
    if kind is Kind.THRESHOLD:
        text = f"T ≥ {g.threshold}\nw = {', '.join(map(str, g.weights))}"
    elif kind is Kind.SOP:
        text = f"SOP {len(g.cover)} cube{'s' * (len(g.cover) != 1)}" + (
            "" if g.onset else " (off-set)"
        )
    return f"{text}\n{g.name}" if g.name else text


def format_dot(netlist: Netlist, source: str | None = None) -> str:
    """The DOT digraph of ``netlist``."""
    lines = [
        f"digraph {quote(netlist.name)} {{",
        f"  // written by btfsynth{' from ' + ' '.join(source.split()) if source else ''}",
        "  rankdir=TB;",
        '  node [fontname="Helvetica", fontsize=11];',
        "  edge [arrowsize=0.7];",
    ]
    inputs = [f"g{i}" for i in netlist.inputs]
    for i, g in enumerate(netlist.gates):
        lines.append(f"  g{i} [label={quote(_label(g))}, shape={SHAPES[g.kind]}];")
    for k, name in enumerate(netlist.output_names):
        lines.append(f"  o{k} [label={quote(name)}, shape=house];")
    if inputs:
        lines.append(f"  {{ rank=source; {'; '.join(inputs)}; }}")
    if netlist.outputs:
        lines.append(f"  {{ rank=sink; {'; '.join(f'o{k}' for k in range(netlist.n_outputs))}; }}")
    for i, g in enumerate(netlist.gates):
        for f in g.fanins:
            lines.append(f"  g{f.gate} -> g{i}" + (f" [{INVERTED}];" if f.inverted else ";"))
    for k, s in enumerate(netlist.outputs):
        lines.append(f"  g{s.gate} -> o{k}" + (f" [{INVERTED}];" if s.inverted else ";"))
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_netlist(netlist: Netlist, path: str | os.PathLike, source: str | None = None) -> None:
    """Write ``netlist`` as a DOT file (atomically)."""
    write_text(path, format_dot(netlist, source))


INSTALL_DOT = (
    "rendering {fmt} needs graphviz's 'dot' program, which is not installed: install graphviz "
    "(apt-get install graphviz, brew install graphviz, conda install graphviz) or use --format dot"
)


def rendered(dot_text: str, fmt: str) -> bytes:
    """DOT text rendered to SVG or PNG by graphviz's ``dot``."""
    program = shutil.which("dot")
    if program is None:
        raise BtfsynthError(INSTALL_DOT.format(fmt=fmt.upper()))
    done = subprocess.run([program, f"-T{fmt}"], input=dot_text.encode(), capture_output=True)
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise BtfsynthError(f"graphviz dot failed: {message[0] if message else done.returncode}")
    return done.stdout
