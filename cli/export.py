"""``btfsynth export``: write a netlist or a learned model as Verilog, BLIF, DOT, AIGER, JSON,
SVG or PNG.

A netlist is read by extension (:func:`btfsynth.exporters.read_netlist`); a model (a learner
result JSON with a ``network`` key, or a network JSON with ``"format": "btfsynth-network"``) is
compiled first with :func:`btfsynth.compile.compile_network`. SVG and PNG are rendered from the
DOT drawing by graphviz's ``dot`` program.
"""

from __future__ import annotations

import importlib
import os
import shutil

import click

from btfsynth.errors import BtfsynthError
from btfsynth.exporters import EXPORT_FORMATS, is_table_file
from btfsynth.exporters.dot import INSTALL_DOT, rendered
from btfsynth.exporters.sources import read_circuit, read_table_or_task
from btfsynth.files import check_output, write_bytes
from btfsynth.netlist import Netlist
from btfsynth.truthtable import TruthTable

FORMATS = ("verilog", "blif", "dot", "aiger", "json", "svg", "png")
MODULES = {"json": "netjson"}
"""The --format names that are not the name of their module in btfsynth.exporters."""


def load_source(path: str) -> Netlist:
    """A netlist file, or the compiled netlist of a model JSON."""
    circuit = read_circuit(path)
    if isinstance(circuit, Netlist):
        return circuit
    try:
        from btfsynth.compile import compile_network
    except ImportError:
        raise BtfsynthError(
            f"{path} is a model: exporting it needs the compiler (btfsynth.compile), which this "
            "installation lacks; compile it elsewhere with 'btfsynth compile'"
        ) from None
    return compile_network(circuit).netlist


def render(dot_text: str, fmt: str, path: str) -> None:
    """Render DOT text to SVG or PNG with graphviz, writing ``path`` atomically."""
    write_bytes(path, rendered(dot_text, fmt))


def write(netlist: Netlist, fmt: str, output: str, name: str, testbench: str | None,
          table: TruthTable | None) -> None:  # fmt: skip
    """Write ``netlist`` to ``output`` in ``fmt`` (and the Verilog testbench, if asked)."""
    if fmt == "verilog":
        from btfsynth.exporters import verilog

        verilog.write_netlist(netlist, output, name, testbench=testbench, table=table)
    elif fmt in ("svg", "png"):
        from btfsynth.exporters.dot import format_dot

        render(format_dot(netlist, name), fmt, output)
    else:
        module = MODULES.get(fmt, fmt)
        writer = importlib.import_module(f"btfsynth.exporters.{module}")
        options = {"binary": not output.lower().endswith(".aag")} if fmt == "aiger" else {}
        writer.write_netlist(netlist, output, source=name, **options)


def _format_of(ext: str) -> str | None:
    """The --format an output extension names (:data:`btfsynth.exporters.EXPORT_FORMATS`)."""
    module = EXPORT_FORMATS.get(ext)
    return next((name for name, m in MODULES.items() if m == module), module)


def _same_folder(filename: str | None, path: str) -> bool:
    """True when the failing file ``filename`` lies beside ``path`` (its temporary file)."""
    folder = os.path.dirname(os.path.realpath(path))
    return filename is not None and os.path.dirname(os.path.realpath(filename)) == folder


@click.command("export")
@click.argument("source")
@click.option("-o", "--output", required=True, help="File to write.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Output format; by default from the extension of OUTPUT (.v .blif .dot .aig .aag "
    ".json .svg .png). AIGER is ASCII for .aag, binary otherwise.",
)
@click.option(
    "--testbench",
    default=None,
    help="(verilog) Also write a self-checking testbench (run it with iverilog) to this file.",
)
@click.option(
    "--table",
    default=None,
    help="(with --testbench) Truth table file or task spec the testbench checks; "
    "default: every row of the netlist's own truth table.",
)
def export(source: str, output: str, fmt: str | None, testbench: str | None, table: str | None):
    """Write the netlist (or compiled model) in SOURCE to OUTPUT."""
    ext = os.path.splitext(output)[1].lower()
    fmt = fmt or _format_of(ext)
    if fmt is None:
        known = " ".join(sorted(EXPORT_FORMATS))
        raise BtfsynthError(
            f"{output}: cannot tell the format from {ext or 'no extension'!r} "
            f"(known: {known}); give --format"
        )
    if (testbench or table) and fmt != "verilog":
        raise BtfsynthError("--testbench and --table apply to --format verilog only")
    if table is not None and testbench is None:
        raise BtfsynthError("--table names the rows a testbench checks: give --testbench too")
    if fmt in ("svg", "png") and shutil.which("dot") is None:
        raise BtfsynthError(INSTALL_DOT.format(fmt=fmt.upper()))
    sources = (source, table) if table is not None and is_table_file(table) else (source,)
    check_output(output, sources)
    if testbench is not None:
        if os.path.realpath(testbench) == os.path.realpath(output) or (
            os.path.exists(testbench)
            and os.path.exists(output)
            and os.path.samefile(testbench, output)
        ):
            raise BtfsynthError(f"{testbench}: --testbench and -o name the same file")
        check_output(testbench, sources)
    netlist = load_source(source)
    truth = read_table_or_task(table) if table is not None else None
    try:
        write(netlist, fmt, output, os.path.basename(source), testbench, truth)
    except OSError as exc:
        bench = testbench and not _same_folder(exc.filename, output)
        written = testbench if bench and _same_folder(exc.filename, testbench) else output
        raise BtfsynthError(f"{written}: cannot write: {exc.strerror or exc}") from None
    click.echo(f"wrote {output} ({fmt}, {netlist.n_inputs} inputs, {netlist.n_outputs} outputs)")
    if testbench:
        click.echo(f"wrote {testbench} (testbench: iverilog -o tb {output} {testbench} && vvp tb)")
