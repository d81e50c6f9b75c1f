"""The learn command's progress display: in place on a terminal, throttled lines elsewhere."""

from __future__ import annotations

import io
import re

from btfsynth.cli.progress import ProgressDisplay, rate_text, seconds_text
from btfsynth.rrr.solve import Progress


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def report(worker: int, iteration: int, **kw) -> Progress:
    fields = dict(seed=10 + worker, max_iter=1000, gap=0.5, min_gap=0.25, train_accuracy=0.75)
    fields.update(rate=12_345.0, run_seconds=3.0, restarts=8, done=2, started=4, seconds=61.0)
    return Progress(iteration=iteration, worker=worker, **{**fields, **kw})


def test_plain_lines_show_every_worker_at_a_modest_rate():
    out, clock = io.StringIO(), Clock()
    display = ProgressDisplay(out, tty=False, plain_seconds=5.0, clock=clock)
    for step in range(100):  # 10 s of reports every 0.1 s from two workers
        clock.now = step * 0.1
        display(report(1 + step % 2, step, best_gap=0.125))
    display.close()
    lines = out.getvalue().splitlines()
    assert len(lines) == 2  # at 0 s and at 5 s
    assert "\x1b" not in out.getvalue() and "\r" not in out.getvalue()
    last = lines[-1]
    assert last.startswith("progress: restarts 2/8 done, 0 solved, best gap 0.1250, 1m01s")
    assert "worker 1: seed 11 iter 50/1000 gap 0.5000 min 0.2500 train 75.0%" in last
    assert "worker 2: seed 12 iter 49/1000" in last and last.endswith("12.3k it/s 3.0 s")


def screen(text: str) -> list[str]:
    """What a terminal shows after ``text`` (carriage return, newline, cursor up, erase to the
    end of the line: the sequences the display uses)."""
    rows, row, col = [""], 0, 0
    for token in re.findall(r"\x1b\[\d*[AK]|[\r\n]|[^\x1b\r\n]+", text):
        if token == "\r":
            col = 0
        elif token == "\n":
            row, col = row + 1, 0
            rows += [""] * (row + 1 - len(rows))
        elif token.endswith("A"):
            row -= int(token[2:-1] or 1)
        elif token.endswith("K"):
            rows[row] = rows[row][:col]
        else:
            rows[row] = rows[row][:col] + token + rows[row][col + len(token) :]
            col += len(token)
    return rows


def test_a_terminal_gets_one_block_redrawn_in_place(monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    out, clock = io.StringIO(), Clock()
    display = ProgressDisplay(out, tty=True, clock=clock)
    for step in range(40):
        clock.now = step * 0.2
        display(report(1 + step % 2, step))
    display.close()
    text = out.getvalue()
    assert text.count("\x1b[2A") >= 30  # back over the header and two worker lines
    shown = screen(text)
    assert len(shown) == 4 and shown[-1] == ""  # three lines, the cursor below them
    assert shown[0].startswith("restarts 2/8 done, 0 solved")
    assert shown[1].startswith("worker 1: seed 11 iter 38/1000 gap")
    assert shown[2].startswith("worker 2: seed 12 iter 39/1000 gap")
    assert max(map(len, shown)) == 59  # cut to the terminal's width: no line wraps


def test_short_numbers():
    assert rate_text(950) == "950 it/s" and rate_text(1.25e6) == "1.2M it/s"
    assert seconds_text(12.34) == "12.3 s" and seconds_text(3725) == "1h02m"


def test_the_evaluation_bar_draws_on_a_terminal_and_clears():
    import io

    from btfsynth.cli.progress import Bar

    stream = io.StringIO()
    bar = Bar(stream, enabled=True)
    bar.start -= 1.0  # as if the check had been running for a second
    bar(50, 200)
    assert "evaluating" in stream.getvalue() and "25.0%" in stream.getvalue()
    bar.close()
    assert stream.getvalue().endswith("\r" + " " * 72 + "\r")
    quiet = Bar(io.StringIO(), enabled=False)
    quiet.start -= 1.0
    quiet(50, 200)
    assert quiet.stream.getvalue() == ""
