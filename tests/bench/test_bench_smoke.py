"""The benchmark runs end to end in a tiny size and writes every figure of issue #6: a smoke
test so the bench cannot silently rot, not a timing (the figures of a tiny run mean nothing)."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest

from bench import run

pytestmark = pytest.mark.db  # with TEST_DATABASE_URL, the pg. figures too


def test_a_tiny_run_writes_every_key_as_a_number(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.json"
    postgres = os.environ.get("TEST_DATABASE_URL")
    argv = ["--size", "tiny", "--json", str(out)]
    if postgres:
        argv += ["--database-url", postgres]

    run.main(argv)

    figures = json.loads(out.read_text())
    expected = list(run.KEYS)
    if postgres:
        expected += [f"pg.{key}" for key in run.KEYS if key.startswith(run.PG_SECTIONS)]
    assert list(figures) == expected
    assert all(isinstance(value, float) and math.isfinite(value) for value in figures.values())
    assert figures["broadcast.limited_429s"] >= 0
    assert figures["memory.rss_mb_1k"] > 0
    table = capsys.readouterr().out
    for key in expected:
        assert f"| {key} |" in table
    verdicts = table.count("| met |") + table.count("| **not met** |")
    assert verdicts == len(run.goals()) + (len(run.goals("pg.")) if postgres else 0)
