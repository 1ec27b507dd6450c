"""The scheduled jobs as the running bot runs them: when a priority event's registration
deadline passes, its seats are given by merit and every registrant is told the result."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.local_api import LocalBotApi
from db import registration
from db.models import Allocation
from tests.e2e.conftest import BotFactory, Clock
from tests.utils.domain_factories import learned, make_event, wita
from tests.utils.phones import linked_phone
from tests.utils.registration_factories import configure, make_employees


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
    (seat,) = await late_phone.wait_replies(timeout=10)
    assert "you got a seat" in seat.plain_text.lower()
    (waiting,) = await early_phone.wait_replies(timeout=10)
    assert "daftar tunggu nomor 1" in waiting.plain_text
