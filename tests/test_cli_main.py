"""The command group: every registered verb imports and documents itself."""

import pytest
from click.testing import CliRunner

from btfsynth.cli.main import COMMANDS, main


def test_help_lists_every_verb():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_verb_has_its_own_help(name):
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: main " + name in result.output or f"Usage: btfsynth {name}" in result.output


def test_unknown_verb_is_a_usage_error():
    result = CliRunner().invoke(main, ["synthesise"])
    assert result.exit_code == 2 and "No such command" in result.output
