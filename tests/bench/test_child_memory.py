"""The bench's peak RSS of a child is the child's own: Linux keeps a process's `ru_maxrss`
across `exec`, so a child started by a large harness (100,000 employees populated, a server
holding every message) reported the harness's peak as its own (498 MB for a bot of about
200 MB in the full run of 2026-12-04)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bench.child import peak_rss_mb

#: Held by this process while it starts the child: far more than the child needs.
BALLAST_MB = 400


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ru_maxrss across exec is Linux's")
def test_a_child_reports_its_own_peak_not_its_parent_s() -> None:
    ballast = bytearray(BALLAST_MB * 2**20)
    ballast[:: 2**12] = b"\1" * len(ballast[:: 2**12])  # touch every page: resident
    assert peak_rss_mb() >= BALLAST_MB

    reported = subprocess.run(
        [sys.executable, "-c", "from bench.child import peak_rss_mb; print(peak_rss_mb())"],
        capture_output=True,
        text=True,
        check=True,
    )
    del ballast

    assert float(reported.stdout) < BALLAST_MB / 2
