"""Configuration fails fast, with a message naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import file_url
from bot.settings import SettingsError, load_settings


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "BOT_ADMIN_IDS", "WEBHOOK_URL", "WEBHOOK_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_defaults_follow_the_design() -> None:
    settings = load_settings()
    assert settings.telegram_bot_token is None
    assert settings.telegram_api_base_url == "https://api.telegram.org/bot"
    assert settings.bot_timezone == "Asia/Makassar"
    assert settings.broadcast_rate == 25
    assert settings.database_url.startswith("sqlite+aiosqlite:///")


def test_admin_ids_are_read_from_a_comma_separated_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_ADMIN_IDS", "12345, 67890")
    assert load_settings().bot_admin_ids == frozenset({12345, 67890})


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BROADCAST_RATE", "fast"),
        ("BROADCAST_RATE", "5000"),
        ("BOT_TIMEZONE", "Asia/Kupang"),
        ("TELEGRAM_BOT_TOKEN", "not-a-token"),
        ("DATABASE_URL", "mysql://root@localhost/asn"),
        ("BOT_ADMIN_IDS", "admin"),
        ("TELEGRAM_API_BASE_URL", "api.telegram.org"),
    ],
)
def test_a_bad_value_names_its_variable(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        load_settings()


def test_a_webhook_needs_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.go.id/telegram")
    with pytest.raises(SettingsError, match="WEBHOOK_SECRET"):
        load_settings()


def test_settings_are_also_read_from_a_dotenv_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("TELEGRAM_BOT_TOKEN=42:abc\nBROADCAST_RATE=10\n", encoding="utf-8")
    settings = load_settings()
    assert settings.telegram_bot_token == "42:abc"
    assert settings.broadcast_rate == 10


@pytest.mark.parametrize(
    ("base", "files"),
    [
        ("https://api.telegram.org/bot", "https://api.telegram.org/file/bot"),
        ("http://127.0.0.1:8081/bot/", "http://127.0.0.1:8081/file/bot"),
        ("http://tg.local/api/bot", "http://tg.local/api/file/bot"),
    ],
)
def test_the_file_url_goes_with_the_api_url(base: str, files: str) -> None:
    assert file_url(base) == files
