"""`python -m bench.profile` sums a profile of the bot by layer: every second lands in one."""

from __future__ import annotations

import cProfile
import random
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bench import profile
from bench.charts import TEXTS, status
from bot.documents.charts import reference_chart
from messages import Renderer


def test_a_profile_is_summed_by_layer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    renderer = Renderer(ZoneInfo("Asia/Makassar"))
    one = status(random.Random(1))
    profiler = cProfile.Profile()
    profiler.enable()
    reference_chart(one, **TEXTS)
    renderer.label("chart.title", "id")
    profiler.disable()
    path = tmp_path / "bot.prof"
    profiler.dump_stats(path)

    shares = dict(profile.shares(str(path)))
    profile.main([str(path)])

    assert shares["chart"] > 0
    assert shares["chart"] == max(shares.values())
    assert "| chart |" in capsys.readouterr().out
    assert profile.layer("/x/site-packages/sqlalchemy/orm/query.py:all") == "database"
    assert profile.layer("/x/site-packages/telegram/_bot.py:send_message") == "telegram (PTB)"
