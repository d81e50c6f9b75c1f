"""Atomic writes killed half-way: their temporary files are cleaned up by the next write."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

from btfsynth.files import remove_stale_temps, temp_prefix, write_text

SLOW_WRITER = textwrap.dedent(
    """
    import sys, time
    from btfsynth.files import atomic_write

    def slow_lines():
        yield "module half;\\n"
        print("writing", flush=True)
        while True:
            time.sleep(0.5)
            yield "  // still thinking\\n"

    with atomic_write(sys.argv[1]) as handle:
        for line in slow_lines():
            handle.write(line)
            handle.flush()
    """
)


def dead_pid() -> int:
    """The pid of a process that has just ended."""
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    return int(done.stdout)


def temps(folder, name: str) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(temp_prefix(name)))


def test_sigkill_mid_write_leaves_a_temp_file_that_the_next_write_removes(tmp_path):
    out = tmp_path / "circuit.v"
    out.write_text("old\n")
    writer = subprocess.Popen(
        [sys.executable, "-c", SLOW_WRITER, str(out)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout.readline() == "writing\n"
        os.kill(writer.pid, signal.SIGKILL)
        assert writer.wait(10) == -signal.SIGKILL
    finally:
        writer.kill()
        writer.stdout.close()
    left = temps(tmp_path, "circuit.v")
    assert len(left) == 1 and left[0].startswith(f".circuit.v.tmp-{writer.pid}-")
    assert out.read_text() == "old\n"  # the output itself is untouched
    write_text(out, "module full;\n")
    assert out.read_text() == "module full;\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["circuit.v"]


def test_only_stale_temps_of_the_same_output_are_removed(tmp_path):
    dead, alive = dead_pid(), os.getppid()
    names = [
        f".out.blif.tmp-{dead}-abc123",  # stale: removed
        f".out.blif.tmp-{alive}-def456",  # a running writer's: kept
        f".other.blif.tmp-{dead}-abc123",  # another output's: kept
        f".out.blif.tmp-{dead}",  # not our pattern: kept
        "out.blif.tmp-1-x",  # not hidden, not ours: kept
    ]
    for name in names:
        (tmp_path / name).write_text("partial")
    assert remove_stale_temps(tmp_path / "out.blif") == [names[0]]
    write_text(tmp_path / "out.blif", "done")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*names[1:], "out.blif"])


def test_a_long_name_still_gets_a_valid_temporary_name(tmp_path):
    out = tmp_path / ("x" * 250 + ".v")
    write_text(out, "ok")
    assert out.read_text() == "ok" and len(list(tmp_path.iterdir())) == 1
