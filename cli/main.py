"""The ``btfsynth`` command: one sub-command per verb, each in its own module of this package.

Commands are imported only when used, so ``btfsynth info`` does not pay for numba
compilation. Every :class:`btfsynth.BtfsynthError` (bad input) becomes a one-line message on
stderr and exit status 2; Ctrl-C exits with status 130 after the command has saved its work.
"""

from __future__ import annotations

import importlib
import signal
import sys

import click

from btfsynth.errors import BtfsynthError

COMMANDS = {
    # name: (module in btfsynth.cli, function, one-line help)
    "gen": ("data", "gen", "Generate a task's truth table (PLA or .dat)."),
    "info": ("data", "info", "Describe a truth table file or task spec."),
    "learn": ("learn", "learn", "Learn a threshold network from a truth table (RRR)."),
    "synth": ("synth", "synth", "Find the best verified circuit for a truth table (no flags)."),
    "compile": ("compile", "compile_", "Compile a learned threshold network into a gate netlist."),
    "stats": ("compile", "stats", "Print gate counts, AND2 count and depth of a netlist."),
    "optimize": ("optimize", "optimize_", "Make a netlist smaller as an AIG, proven equal."),
    "export": ("export", "export", "Write Verilog, BLIF, DOT, AIGER, SVG or PNG."),
    "verify": ("verify", "verify", "Check a netlist against a truth table."),
    "equiv": ("verify", "equiv", "Prove two netlists equivalent or find a counterexample."),
    "eval": ("verify", "eval_", "Evaluate a netlist on input rows."),
    "plot": ("plot", "plot", "Plot a learner result's learning curves (SVG, PNG, PDF)."),
    "report": ("report", "report", "Write a learner result as one self-contained HTML page."),
    "sweep": ("sweep", "sweep", "Run the learner over a grid of settings and seeds (JSON lines)."),
}


class LazyGroup(click.Group):
    """A click group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attr, _ = COMMANDS[name]
        return getattr(importlib.import_module(f"btfsynth.cli.{module}"), attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context):
        signal.signal(signal.SIGTERM, _terminate)
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            fail(ctx, exc.format_message())
        except BtfsynthError as exc:
            fail(ctx, str(exc))
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            fail(ctx, f"{where}{exc.strerror or exc}")
        except MemoryError:
            fail(ctx, "out of memory: the task or file is too large for this machine")
        except RecursionError:
            fail(ctx, "input nested too deeply to read")
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)


def fail(ctx: click.Context, message: str) -> None:
    """One line on stderr, exit status 2: the CLI's answer to bad input."""
    click.echo(f"error: {' '.join(message.split())}", err=True)
    ctx.exit(2)


def _terminate(signum, frame) -> None:
    """SIGTERM unwinds like Ctrl-C, so that no temporary or partial file is left behind."""
    raise KeyboardInterrupt


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="btfsynth")
def main() -> None:
    """Learn exact Boolean circuits from truth tables, compile, verify and export them."""


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
