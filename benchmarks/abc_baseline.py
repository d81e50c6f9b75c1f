"""ABC as the baseline of the size benchmarks: Debian's ``berkeley-abc`` (or ``abc``) on PATH.

A bare ABC loads no abc.rc, so its ``resyn2`` alias is spelled out here.
"""

from __future__ import annotations

import re
import shutil
import subprocess

ABC = shutil.which("berkeley-abc") or shutil.which("abc")
RESYN2 = (
    "balance; rewrite; refactor; balance; rewrite; rewrite -z; balance; refactor -z; "
    "rewrite -z; balance"
)


def abc_ands(script: str) -> int | None:
    """The AND count ABC prints after ``script`` (None without ABC or without a count)."""
    if ABC is None:
        return None
    out = subprocess.run([ABC, "-c", f"{script}; print_stats"], capture_output=True, text=True)
    found = re.search(r"and\s*=\s*(\d+)", out.stdout)
    return int(found.group(1)) if found else None
