"""``--budget``: one syntax for wall time and for amounts of work."""

import pytest

from btfsynth.budget import Budget, parse_budget
from btfsynth.errors import BtfsynthError


@pytest.mark.parametrize(
    ("text", "budget"),
    [
        ("60", Budget(seconds=60.0)),
        ("60s", Budget(seconds=60.0)),
        ("500ms", Budget(seconds=0.5)),
        ("1.5m", Budget(seconds=90.0)),
        ("2min", Budget(seconds=120.0)),
        ("1h", Budget(seconds=3600.0)),
        ("2e6it", Budget(iterations=2_000_000)),
    ],
)
def test_budgets_parse(text, budget):
    assert parse_budget(text) == budget


@pytest.mark.parametrize("text", ["", "s", "-5s", "1.5it", "0it", "10 parsecs", "1e400x"])
def test_bad_budgets_are_refused(text):
    with pytest.raises(BtfsynthError):
        parse_budget(text)
