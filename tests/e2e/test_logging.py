"""`asn-bot -v` logs nothing personal and no secret: with every logger at DEBUG (ours,
python-telegram-bot's, the HTTP clients', the database drivers'), an ASN links with NIP and
contact, registers for a training and receives an announcement, and the log holds no NIP,
phone number, name, username or bot token — though it does hold the API calls."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot import logs
from bot.cli import Cli
from bot.local_api import LocalBotApi
from bot.settings import Settings
from db.announcements import Audience
from tests.e2e.conftest import TOKEN
from tests.utils.employees import MARIA_NIP, make_employee
from tests.utils.events import make_event
from tests.utils.office_time import wita
from tests.utils.phones import press, say

ME = 515151
PERSONAL = (
    MARIA_NIP,
    "6281234567890",
    "081234567890",
    "812-3456-7890",
    "Maria",
    "Goreti",
    "Bria",
    "maria_bria",
    TOKEN,
    TOKEN.split(":")[1],
    "Pengumuman untuk Ibu",
)


@pytest.fixture
def verbose_logging(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Logging as `asn-bot -v` configures it, then every logger turned up to DEBUG."""
    root = logging.getLogger()
    levels = {name: logging.getLogger(name).level for name in [*logging.root.manager.loggerDict, *logs.NOISY]}
    caplog.set_level(logging.DEBUG)
    logs.configure(verbose=True, secrets=[TOKEN])
    for name in levels:
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield caplog
    for handler in root.handlers:
        for redactor in [f for f in handler.filters if isinstance(f, logs.Redactor)]:
            handler.removeFilter(redactor)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.mark.usefixtures("bot")
async def test_a_whole_story_at_debug_logs_nothing_personal(
    api: LocalBotApi, settings: Settings, session: AsyncSession, verbose_logging: pytest.LogCaptureFixture
) -> None:
    await make_employee(session)
    await make_event(session, "PP-01", title="Pelatihan Pelayanan Prima", starts_at=wita(2026, 12, 14))
    phone = api.user(
        user_id=ME, first_name="Maria", last_name="Bria", username="maria_bria", language_code="id"
    )

    await say(phone, "/start")
    await say(phone, MARIA_NIP)
    await phone.share_contact("+62 812-3456-7890")
    (linked,) = await phone.wait_replies()
    assert "Maria Goreti Bria" in linked.plain_text
    await say(phone, "/pelatihan")
    await press(phone, "1. Pelatihan Pelayanan Prima")
    (registered,) = await press(phone, "📝 Daftar")
    assert "terdaftar" in registered.plain_text
    cli = Cli(settings.model_copy(update={"telegram_api_base_url": api.base_url}))
    text = "Pengumuman untuk Ibu Maria Goreti Bria, NIP 198609262015052001, HP 081234567890"
    assert await cli.send_broadcast(text=text, audience=Audience(), at=None, dry_run=False) == 0
    (announcement,) = await phone.wait_replies()
    assert announcement.plain_text == text

    logged = verbose_logging.text
    assert "sendMessage" in logged  # PTB's DEBUG lines were captured
    assert "getUpdates" in logged
    for personal in PERSONAL:
        assert personal not in logged, personal
    for record in verbose_logging.records:
        for personal in PERSONAL:
            assert personal not in record.getMessage(), (record.name, personal)


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        (
            "Calling Bot API endpoint `sendMessage` with parameters `{'chat_id': 5, 'text': 'Halo Maria'}`",
            "chat_id",
        ),
        (
            'Webhook received data: b\'{"message":{"from":{"first_name":"Maria","username":"mb"}}}\'',
            "message",
        ),
        (
            "Set Bot API URL: https://api.telegram.org/bot987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawq",
            "api.",
        ),
        ("Contact(first_name='Maria', phone_number='6281234567890', user_id=5)", "user_id=5"),
        ("[SQL: INSERT INTO employees (nip, name) VALUES (?, ?)]\n[parameters: ('x', 'Maria')]", "INSERT"),
        ("NIP 198609262015052001, HP +62 812-3456-7890 / 0812 3456 7890, @maria_bria", "NIP"),
    ],
)
def test_the_redactor_keeps_the_shape_and_drops_the_person(line: str, kept: str) -> None:
    redacted = logs.Redactor().redact(line)
    assert kept in redacted
    for personal in ("Maria", "6281234567890", "198609262015052001", "812-3456", "3456 7890", "maria_bria"):
        assert personal not in redacted
    assert "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawq" not in redacted


def test_update_ids_and_times_are_left_alone() -> None:
    line = "error while handling update 123456789 (message) at 2026-12-07 10:00"
    assert logs.Redactor().redact(line) == line
