"""After an event, each attendee is asked for a rating through the outbox, when the event
ends — unless they turned evaluation requests off in /pengaturan."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import SERVICES_KEY, BotApplication
from bot.dispatcher import Dispatcher
from bot.local_api import LocalBotApi
from db import accounts, outbox, registration
from db.attempts import Policy
from db.models import NotificationKind
from tests.e2e.conftest import Clock
from tests.utils.employees import make_employees
from tests.utils.events import make_event
from tests.utils.office_time import wita
from tests.utils.phones import linked_phone


async def test_attendees_are_asked_to_rate_when_the_event_ends_unless_they_opted_out(
    api: LocalBotApi, bot: BotApplication, session: AsyncSession, clock: Clock
) -> None:
    event = await make_event(
        session, "PRIMA-01", title="Pelayanan Prima", starts_at=wita(2026, 12, 14), hours=8
    )
    maria, yohanes = await make_employees(session, 2)
    await linked_phone(session, api, maria, user_id=501)
    await linked_phone(session, api, yohanes, user_id=502, lang="en")
    await accounts.toggle_notification(
        session, telegram_user_id=502, chat_id=502, language="en", kind=NotificationKind.EVALUATION
    )
    for employee in (maria, yohanes):
        await registration.register(session, event_id=event.id, employee_id=employee.id, now=clock.now)
    code = await registration.issue_checkin_code(session, event_id=event.id)

    clock.now = wita(2026, 12, 14, 10)
    timezone = bot.bot_data[SERVICES_KEY].settings.timezone
    for employee in (maria, yohanes):
        await registration.check_in(
            session,
            employee_id=employee.id,
            telegram_user_id=employee.id,
            policy=Policy(),
            code=code,
            now=clock.now,
            timezone=timezone,
        )
        # Checking in twice asks only once.
        await registration.check_in(
            session,
            employee_id=employee.id,
            telegram_user_id=employee.id,
            policy=Policy(),
            code=code,
            now=clock.now,
            timezone=timezone,
        )

    dispatcher = Dispatcher(bot.bot_data[SERVICES_KEY], bot.bot, worker_id="test", rate=30)
    assert await dispatcher.drain() == 0  # not before the event ends
    clock.advance(timedelta(hours=8))
    assert await dispatcher.drain() == 2
    maria_phone, yohanes_phone = api.phone(501), api.phone(502)
    (request,) = await maria_phone.wait_replies()
    assert "Pelayanan Prima sudah selesai" in request.plain_text
    assert "/pendaftaran" in request.plain_text
    assert yohanes_phone.history == []


async def test_a_request_queued_before_the_stars_existed_still_says_where_to_rate(
    api: LocalBotApi, bot: BotApplication, session: AsyncSession, clock: Clock
) -> None:
    (maria,) = await make_employees(session, 1)
    await linked_phone(session, api, maria, user_id=503)
    # as `_request_evaluation` queued it before the rating stars: the title only
    await outbox.enqueue(
        session,
        chat_id=503,
        kind=NotificationKind.EVALUATION,
        template="reg_rate_request",
        context={"title": "Pelayanan Prima"},
        due_at=clock.now,
        dedupe_key="evaluation:old",
    )
    await session.commit()

    dispatcher = Dispatcher(bot.bot_data[SERVICES_KEY], bot.bot, worker_id="test", rate=30)
    assert await dispatcher.drain() == 1
    (request,) = await api.phone(503).wait_replies()
    assert "Berikan penilaian 1–5 (dan saran bila ada) lewat /pendaftaran" in request.plain_text
    assert "bintang" not in request.plain_text
    assert request.inline_keyboard is None
