"""Quiet hours end to end: the bot comes back at 23.30 WITA after a day down; the H-1 reminder
due at 07.00 waits for 06.00, while the message telling the ASN their event moved goes out at
once (the dispatcher reads QUIET_HOURS from the settings)."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import SERVICES_KEY, BotApplication
from bot.dispatcher import Dispatcher
from bot.local_api import LocalBotApi
from bot.settings import Settings
from db import outbox
from db.models import NotificationKind
from tests.e2e.conftest import Clock
from tests.utils.employees import make_employees
from tests.utils.office_time import wita
from tests.utils.phones import linked_phone

CHAT = 611


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The bot as deployed: QUIET_HOURS left at its default."""
    return Settings(_env_file=None, database_url=database_url, telegram_bot_token="123456:TEST-TOKEN")


async def test_an_overdue_reminder_waits_for_the_morning_and_a_service_message_does_not(
    api: LocalBotApi, bot: BotApplication, session: AsyncSession, clock: Clock
) -> None:
    (maria,) = await make_employees(session, 1)
    phone = await linked_phone(session, api, maria, user_id=CHAT)
    for kind, text in (
        (NotificationKind.EVENT_REMINDER, "Besok: Pelayanan Prima"),
        (NotificationKind.EVENT_CHANGE, "Jadwal Pelayanan Prima berubah"),
    ):
        await outbox.enqueue(session, chat_id=CHAT, kind=kind, text=text, due_at=wita(2026, 12, 13, 7))
    await session.commit()
    services = bot.bot_data[SERVICES_KEY]
    assert services.settings.quiet_hours == "21-6"
    dispatcher = Dispatcher(services, bot.bot, worker_id="test", rate=30)

    clock.now = wita(2026, 12, 13, 23, 30)
    assert await dispatcher.drain() == 1
    (changed,) = await phone.wait_replies()
    assert changed.plain_text == "Jadwal Pelayanan Prima berubah"

    clock.now = wita(2026, 12, 14, 5, 59)
    assert await dispatcher.drain() == 0
    clock.now = wita(2026, 12, 14, 6, 0)
    assert await dispatcher.drain() == 1
    (reminder,) = await phone.wait_replies()
    assert reminder.plain_text == "Besok: Pelayanan Prima"
