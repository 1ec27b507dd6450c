"""What an ASN is told about their own registration reaches their phone through the outbox:
a decision always, a seat after waiting only while "Daftar tunggu" is on in /pengaturan."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import SERVICES_KEY, BotApplication
from bot.dispatcher import Dispatcher
from bot.local_api import LocalBotApi
from db import registration
from db.models import NotificationKind, OutboxMessage, OutboxState
from tests.e2e.conftest import Clock
from tests.utils.employees import make_employees
from tests.utils.events import configure, make_event
from tests.utils.office_time import wita
from tests.utils.phones import linked_phone

HR = 9001


async def test_an_asn_who_turned_off_waitlist_news_still_hears_decisions_but_not_the_promotion(
    api: LocalBotApi, bot: BotApplication, session: AsyncSession, clock: Clock
) -> None:
    event = await make_event(
        session, "PRIMA-01", title="Pelayanan Prima", starts_at=wita(2026, 12, 14, 9), quota=1
    )
    await configure(session, event, requires_approval=True)
    maria, yohanes = await make_employees(session, 2)
    ids = {
        e.id: (
            await registration.register(session, event_id=event.id, employee_id=e.id, now=clock.now)
        ).registration_id
        for e in (maria, yohanes)
    }
    await linked_phone(session, api, maria, user_id=901)
    phone = await linked_phone(session, api, yohanes, user_id=902)
    await phone.send("/pengaturan")
    await phone.wait_replies()
    await phone.press("✅ Daftar tunggu")
    (settings,) = await phone.wait_replies()
    assert "⬜ Daftar tunggu" in settings.button_texts
    dispatcher = Dispatcher(bot.bot_data[SERVICES_KEY], bot.bot, worker_id="test", rate=30)

    for employee in (maria, yohanes):
        await registration.decide(
            session, registration_id=ids[employee.id], approve=True, actor_telegram_id=HR, now=clock.now
        )
    assert await dispatcher.drain() == 2
    (approved,) = await phone.wait_replies()
    assert "disetujui, tetapi kuota sudah penuh" in approved.plain_text
    assert "daftar tunggu (urutan ke-1)" in approved.plain_text

    clock.advance(timedelta(minutes=5))
    cancelled = await registration.cancel(
        session, registration_id=ids[maria.id], employee_id=maria.id, now=clock.now, cutoff=timedelta(days=1)
    )
    assert [p.employee_id for p in cancelled.promoted] == [yohanes.id]
    assert await dispatcher.drain() == 1
    assert phone.history[-1] == approved  # nothing new: the promotion was not sent
    skipped = await session.scalar(
        select(OutboxMessage.state).where(
            OutboxMessage.chat_id == 902, OutboxMessage.kind == NotificationKind.WAITLIST
        )
    )
    assert skipped is OutboxState.SKIPPED
