"""QUIET_HOURS: the office-time night when reminders, digests and nudges wait for the morning."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.settings import SettingsError, load_settings
from db.outbox import QuietHours


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("QUIET_HOURS", raising=False)
    monkeypatch.delenv("BOT_TIMEZONE", raising=False)
    monkeypatch.chdir(tmp_path)


def test_by_default_the_night_is_from_21_to_6_office_time() -> None:
    assert load_settings().quiet == QuietHours(start=21, end=6, timezone=ZoneInfo("Asia/Makassar"))


@pytest.mark.parametrize("value", ["22-5", "22.00-05.00", "22:00 - 05:00"])
def test_quiet_hours_are_written_as_a_range_of_hours(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("QUIET_HOURS", value)
    monkeypatch.setenv("BOT_TIMEZONE", "Asia/Jakarta")
    assert load_settings().quiet == QuietHours(start=22, end=5, timezone=ZoneInfo("Asia/Jakarta"))


def test_empty_quiet_hours_send_at_any_hour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIET_HOURS", "")
    assert load_settings().quiet is None


@pytest.mark.parametrize("value", ["malam", "21", "21-21", "25-6", "21.30-6"])
def test_a_bad_range_names_the_variable(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("QUIET_HOURS", value)
    with pytest.raises(SettingsError, match="QUIET_HOURS"):
        load_settings()
