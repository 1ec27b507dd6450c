"""`/hapus_data` gives back what an erased chat could never use: every registration for an
event not started yet is cancelled as the ASN would cancel it, the seat going to the head of
the waitlist at once; what is under way or over stays with HR's record."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from db import erasure
from db.models import Employee, Event, RegistrationStatus, TelegramAccount
from tests.utils.employees import make_employees
from tests.utils.events import make_event
from tests.utils.office_time import wita
from tests.utils.registrations import register, seats_taken, statuses

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
MARIA_TG = 424242
Status = RegistrationStatus


async def _link(session: AsyncSession, employee: Employee) -> None:
    session.add(
        TelegramAccount(telegram_user_id=MARIA_TG, chat_id=MARIA_TG, employee_id=employee.id, language="id")
    )
    await session.commit()


async def _full_training(session: AsyncSession, code: str, starts_at: datetime) -> Event:
    return await make_event(
        session, code, starts_at=starts_at, quota=1, seats_taken=1, title=f"Pelatihan {code}"
    )


async def test_upcoming_registrations_are_listed_before_anything_happens(session: AsyncSession) -> None:
    maria, colleague = await make_employees(session, 2)
    await _link(session, maria)
    soon = await _full_training(session, "PKP-01", wita(2026, 12, 2, 8))  # tomorrow: inside the cancel cutoff
    later = await make_event(session, "SEM-01", starts_at=wita(2027, 1, 11, 9), title="Seminar Kebijakan")
    past = await make_event(session, "OLD-01", starts_at=wita(2026, 11, 2, 8))
    await register(session, maria, soon)
    await register(session, maria, later, status=Status.WAITLISTED)
    await register(session, maria, past, status=Status.ATTENDED)
    await register(session, colleague, soon, status=Status.WAITLISTED)

    listed = await erasure.upcoming(session, telegram_user_id=MARIA_TG, now=NOW)
    assert [(item.event_code, item.status) for item in listed] == [
        ("PKP-01", "registered"),
        ("SEM-01", "waitlisted"),
    ]
    assert await statuses(session, soon.id) == {maria.id: Status.REGISTERED, colleague.id: Status.WAITLISTED}


async def test_erasing_cancels_upcoming_registrations_and_the_waitlist_moves_up(
    session: AsyncSession,
) -> None:
    maria, colleague = await make_employees(session, 2)
    await _link(session, maria)
    soon = await _full_training(session, "PKP-01", wita(2026, 12, 2, 8))
    past = await make_event(session, "OLD-01", starts_at=wita(2026, 11, 2, 8))
    await register(session, maria, soon)
    await register(session, maria, past, status=Status.ATTENDED)
    await register(session, colleague, soon, status=Status.WAITLISTED)

    erased = await erasure.erase(session, telegram_user_id=MARIA_TG, now=NOW)

    assert erased.was_linked
    assert [item.event_code for item in erased.cancelled] == ["PKP-01"]
    assert await statuses(session, soon.id) == {maria.id: Status.CANCELLED, colleague.id: Status.REGISTERED}
    assert await seats_taken(session, soon.id) == 1  # Maria's seat, now the colleague's
    assert await statuses(session, past.id) == {maria.id: Status.ATTENDED}  # HR's record stays
    assert await session.get(TelegramAccount, MARIA_TG) is None


async def test_erasing_a_chat_that_never_linked_cancels_nothing(session: AsyncSession) -> None:
    erased = await erasure.erase(session, telegram_user_id=MARIA_TG, now=NOW)
    assert (erased.was_linked, erased.cancelled) == (False, ())
