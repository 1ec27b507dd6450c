"""The scheduled jobs as the running bot runs them: when a priority event's registration
deadline passes, its seats are given by merit and every registrant is told the result."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import SERVICES_KEY, BotApplication
from bot.dispatcher import Dispatcher
from bot.local_api import BotMessage, LocalBotApi, Phone
from db import accounts, registration, reminders
from db.models import Allocation, NotificationKind
from tests.e2e.conftest import BotFactory, Clock
from tests.utils.employees import make_employees
from tests.utils.events import configure, make_event
from tests.utils.learning import learned
from tests.utils.office_time import wita
from tests.utils.phones import linked_phone


async def _told(phone: Phone, clock: Clock, text: str) -> BotMessage:
    """The message reaching the phone that says `text`.  The other jobs' messages (a JP nudge)
    share the outbox and may come first; the dispatcher then sends the next one to that chat a
    second later by the services' clock, so the test's clock moves on while we wait."""
    for _ in range(10):
        try:
            (message,) = await phone.wait_replies(timeout=2)
        except TimeoutError:
            clock.advance(timedelta(seconds=2))
            continue
        if text in message.plain_text:
            return message
    raise AssertionError(f"no message saying {text!r} reached the phone")


async def test_seats_are_given_by_merit_at_the_deadline_and_everyone_is_told(
    api: LocalBotApi, start_bot: BotFactory, session: AsyncSession, clock: Clock
) -> None:
    event = await make_event(
        session, "PKP-01", title="Pelatihan Kepemimpinan Pengawas", starts_at=wita(2026, 12, 14), quota=1
    )
    await configure(session, event, allocation=Allocation.PRIORITY)
    early, late = await make_employees(session, 2)
    # The early registrant already has 30 JP this year; the late one none: fairness decides.
    await learned(session, early, "Seminar", on=wita(2026, 3, 1).date(), jp=30)
    for employee in (early, late):
        result = await registration.register(
            session, event_id=event.id, employee_id=employee.id, now=clock.now
        )
        assert result.awaiting_allocation
        clock.advance(timedelta(minutes=5))
    early_phone = await linked_phone(session, api, early, user_id=801)
    late_phone = await linked_phone(session, api, late, user_id=802, lang="en")

    clock.now = event.registration_deadline + timedelta(minutes=1)
    await start_bot(jobs=True)
    seat = await _told(late_phone, clock, "you got a seat")
    assert "Pelatihan Kepemimpinan Pengawas" in seat.plain_text
    waiting = await _told(early_phone, clock, "daftar tunggu (urutan ke-1)")
    assert "Alasan peringkat Anda ada di /pendaftaran" in waiting.plain_text


async def test_an_h1_reminder_reaches_the_phone_in_office_time_unless_turned_off(
    api: LocalBotApi, bot: BotApplication, session: AsyncSession, clock: Clock
) -> None:
    event = await make_event(session, "PRIMA-01", title="Pelayanan Prima", starts_at=wita(2026, 12, 14, 9))
    maria, yohanes = await make_employees(session, 2)
    maria_phone = await linked_phone(session, api, maria, user_id=811)
    yohanes_phone = await linked_phone(session, api, yohanes, user_id=812)
    await accounts.toggle_notification(
        session, telegram_user_id=812, chat_id=812, language="id", kind=NotificationKind.EVENT_REMINDER
    )
    for employee in (maria, yohanes):
        await registration.register(session, event_id=event.id, employee_id=employee.id, now=clock.now)
    services = bot.bot_data[SERVICES_KEY]
    await reminders.derive(session, now=clock.now, timezone=services.settings.timezone)

    dispatcher = Dispatcher(services, bot.bot, worker_id="test", rate=30)
    clock.now = wita(2026, 12, 13, 7, 1)
    assert await dispatcher.drain() == 4  # H-7 (already due) and H-1, for both
    (first,) = await maria_phone.wait_replies()
    assert "H-7: Pelayanan Prima" in first.plain_text
    clock.advance(timedelta(seconds=2))  # one message per chat per second: the next one waited
    assert await dispatcher.drain() == 1
    (second,) = await maria_phone.wait_replies()
    assert "Besok (H-1): Pelayanan Prima" in second.plain_text
    assert "Senin, 14 Desember 2026, 09.00 WITA" in second.plain_text
    assert yohanes_phone.history == []
