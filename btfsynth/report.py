"""A learner result as one self-contained HTML page: what ``btfsynth report`` writes.

The page holds a summary, the parameters, the learning curves (:mod:`btfsynth.curves`), the
compiled circuit drawn by graphviz, its gate statistics by kind, one row per BTF node (snapped
to a ±1 pattern or not, the gate it became and why), how the circuit was verified, and the
baselines when they were built. Images are inlined as SVG and the page loads nothing from
the network, so it can be mailed or archived as one file. The pieces are made by the caller
(:class:`Page`); this module only lays them out, escaping every text it is given.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .compile import CompileResult
    from .passes.stats import NetlistStats
    from .rrr import LearnResult

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 70em; color: #222;
       padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { margin-top: 1.6em; font-size: 1.2em; }
table { border-collapse: collapse; margin: 0.5em 0; }
td, th { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; } .ok { color: #176117; } .no { color: #a11; }
pre { background: #f7f7f7; padding: 0.6em; overflow-x: auto; }
.figure { overflow-x: auto; border: 1px solid #eee; padding: 0.5em; }
.figure svg { max-width: 100%; height: auto; }
"""


@dataclass
class Page:
    """The pieces of a report page."""

    title: str
    result: LearnResult
    compiled: CompileResult
    stats: NetlistStats
    curves_svg: str | None
    """The learning curves as SVG text, or None (then ``curves_note`` says why)."""
    circuit_svg: str | None
    """The compiled circuit drawn by graphviz as SVG text, or None (see ``circuit_note``)."""
    curves_note: str = ""
    circuit_note: str = ""
    table_check: str | None = None
    """The verification of the circuit against a truth table, when one was given."""
    baselines: str | None = None
    """The same-run baseline line (espresso, ABC), when built."""


def html_page(page: Page) -> str:
    """The report as HTML text."""
    result, report = page.result, page.compiled.report
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_e(page.title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{_e(page.title)}</h1>",
        _summary(result, page.stats),
        "<h2>Parameters</h2>",
        _table(["parameter", "value"], [(k, json.dumps(v)) for k, v in result.params.items()]),
        "<h2>Learning curves</h2>",
        _figure(page.curves_svg, page.curves_note),
        "<h2>Circuit</h2>",
        _figure(page.circuit_svg, page.circuit_note),
        "<h2>Gates by kind</h2>",
        _table(["kind", "gates"], list(page.stats.by_kind.items())),
        f"<p>{page.stats.and2} AND2 (inverters free), depth {page.stats.depth} gates, "
        f"{page.stats.and2_depth} AND2.</p>",
        "<h2>Nodes</h2>",
        _nodes(result, page.compiled),
        "<h2>Verification</h2>",
        f"<pre>{_e(chr(10).join(report.lines()))}</pre>",
    ]
    if page.table_check:
        parts.append(f"<pre>{_e(page.table_check)}</pre>")
    if page.baselines:
        parts += ["<h2>Baselines</h2>", f"<pre>{_e(page.baselines)}</pre>"]
    parts.append("<script>document.body.dataset.loaded = 'yes';</script></body></html>")
    return "\n".join(parts) + "\n"


def _e(text: object) -> str:
    return html.escape(str(text))


def _table(head: list[str] | None, rows: list) -> str:
    cells = "" if head is None else "<tr>" + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr>"
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table>{cells}{body}</table>"


def _figure(svg: str | None, note: str) -> str:
    if svg is None:
        return f"<p><em>{_e(note)}</em></p>"
    start = svg.find("<svg")  # drop the XML prologue and DOCTYPE: the page has its own
    return f'<div class="figure">{svg[start:]}</div>' + (f"<p>{_e(note)}</p>" if note else "")


def _summary(result: LearnResult, stats: NetlistStats) -> str:
    outcome = "solved" if result.solved else "not solved"
    stopped = " (stopped by the user)" if result.interrupted else ""
    stopped += " (the time budget ended it)" if result.out_of_time else ""
    test = "—" if result.test_accuracy is None else f"{100 * result.test_accuracy:.2f} %"
    rows = [
        ("outcome", f"{outcome}{stopped}"),
        ("reported restart", f"seed {result.seed}, {result.iterations} iterations"),
        ("restarts run", len(result.runs) or 1),
        ("time", f"{result.seconds:.2f} s"),
        ("train accuracy", f"{100 * result.train_accuracy:.2f} %"),
        ("right on every training row", "yes" if result.exact_on_train else "no"),
        ("test accuracy", test),
        ("network", "-".join(map(str, result.network.metadata.get("widths", []))) or "custom"),
        ("circuit", f"{stats.and2} AND2, {stats.inputs} inputs, {stats.outputs} outputs"),
    ]
    return _table(None, rows)


def _nodes(result: LearnResult, compiled: CompileResult) -> str:
    flags = result.network.metadata.get("snapped") or []
    rows = []
    for i, gate in enumerate(compiled.report.nodes):
        snapped = "—" if i >= len(flags) else "yes" if flags[i] else "no"
        exact = "all inputs" if gate.all_inputs else "data-exact"
        rows.append((gate.node, len(gate.support), snapped, gate.kind, exact, gate.reason))
    return _table(["node", "support", "snapped", "gate", "exact on", "why"], rows)
