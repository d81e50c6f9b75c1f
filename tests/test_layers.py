"""The import rule of docs/architecture.md, read from the sources: the core never imports the
file formats or the commands, the formats never import the commands, and no command imports
another (shared command helpers live in cli/options.py and cli/progress.py)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from btfsynth.cli.main import COMMANDS

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = {"btfsynth": ROOT / "btfsynth", "btfsynth.exporters": ROOT / "exporters",
            "btfsynth.cli": ROOT / "cli"}  # fmt: skip


def modules(package: str) -> dict[str, Path]:
    folder = PACKAGES[package]
    found = {}
    for path in folder.rglob("*.py"):
        parts = path.relative_to(folder).with_suffix("").parts
        name = ".".join((package, *parts)).removesuffix(".__init__")
        found[name] = path
    return found


def imported(name: str, path: Path) -> set[str]:
    """Every module ``name`` imports, lazy imports included, as absolute names."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            out.add(base)
            out |= {f"{base}.{alias.name}" for alias in node.names}
    return out


def test_the_core_imports_neither_formats_nor_commands():
    for name, path in modules("btfsynth").items():
        bad = {
            m for m in imported(name, path) if m.startswith(("btfsynth.exporters", "btfsynth.cli"))
        }
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


STAGES = {  # a stage of the core and the stages it must not import
    "btfsynth.passes": ("btfsynth.sim", "btfsynth.compile", "btfsynth.rrr", "btfsynth.synth"),
    "btfsynth.sim": ("btfsynth.compile", "btfsynth.rrr", "btfsynth.synth"),
    "btfsynth.compile": ("btfsynth.rrr", "btfsynth.synth"),
    "btfsynth.rrr": ("btfsynth.synth",),
}


def test_each_stage_imports_only_the_stages_before_it():
    """data → passes → sim → compile; the learner (rrr) is apart from all three; synth, the
    whole job, comes last."""
    for name, path in modules("btfsynth").items():
        for stage, later in STAGES.items():
            if name.startswith(stage):
                bad = {m for m in imported(name, path) if m.startswith(later)}
                assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_formats_do_not_import_commands():
    for name, path in modules("btfsynth.exporters").items():
        bad = {m for m in imported(name, path) if m.startswith("btfsynth.cli")}
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_no_command_imports_another():
    commands = {f"btfsynth.cli.{module}" for module, _, _ in COMMANDS.values()}
    for name, path in modules("btfsynth.cli").items():
        if name in commands:
            bad = {m for m in imported(name, path) if m in commands - {name}}
            assert not bad, f"{path.relative_to(ROOT)} imports the commands {sorted(bad)}"


def test_the_root_package_imports_learner_compiler_and_checks_on_first_use():
    """``import btfsynth`` stays free of numba; its re-exports are the subpackages' names."""
    code = (
        "import sys, btfsynth\n"
        "assert 'numba' not in sys.modules\n"
        "from btfsynth import compile_network, equivalent, learn, verify\n"
        "from btfsynth.compile import compile_network as c\n"
        "from btfsynth.rrr import learn as l\n"
        "from btfsynth.sim import equivalent as e, verify as v\n"
        "assert (compile_network, equivalent, learn, verify) == (c, e, l, v)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
