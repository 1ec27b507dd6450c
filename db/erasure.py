"""`/hapus_data` as a whole: what it will do to the caller's upcoming registrations (said before
the confirmation), and doing it — each registration for an event not started yet is cancelled
as the ASN would cancel it (its seat goes to the head of the waitlist at once, who is told),
then the account is unlinked and the chat forgotten (`db.accounts.erase`).

An erased chat could never be reminded, checked in or told of a promotion: a seat kept for it
would stay empty, so erasing gives it back. Events under way or over stay as they are, with
the rest of the civil-service record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db import accounts, registration
from db.models import Event, Registration, RegistrationStatus, TelegramAccount
from db.registration import RegistrationError

#: What the ASN may still cancel (as `db.registration` has it).
CANCELLABLE = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED, RegistrationStatus.PENDING)


@dataclass(frozen=True, slots=True)
class Upcoming:
    """A registration `/hapus_data` cancels: the event and where the registration stands."""

    registration_id: int
    employee_id: int
    event_code: str
    event_title: str
    starts_at: datetime
    status: str


@dataclass(frozen=True, slots=True)
class Erased:
    """What erasing did: whether an account had been linked, and the registrations cancelled."""

    was_linked: bool
    cancelled: tuple[Upcoming, ...]


async def upcoming(session: AsyncSession, *, telegram_user_id: int, now: datetime) -> list[Upcoming]:
    """The linked employee's registrations, still active, for events that have not started."""
    rows = await session.execute(
        select(Registration, Event.code, Event.title, Event.starts_at)
        .join(Event, Event.id == Registration.event_id)
        .join(TelegramAccount, TelegramAccount.employee_id == Registration.employee_id)
        .where(
            TelegramAccount.telegram_user_id == telegram_user_id,
            Registration.status.in_(CANCELLABLE),
            Event.starts_at > now,
        )
        .order_by(Event.starts_at, Event.id)
    )
    return [
        Upcoming(reg.id, reg.employee_id, code, title, starts_at, reg.status.value)
        for reg, code, title, starts_at in rows.tuples()
    ]


async def erase(session: AsyncSession, *, telegram_user_id: int, now: datetime) -> Erased:
    """Cancel the upcoming registrations (seats to the waitlist), then unlink and forget."""
    cancelled: list[Upcoming] = []
    for item in await upcoming(session, telegram_user_id=telegram_user_id, now=now):
        try:
            await registration.cancel(
                session,
                registration_id=item.registration_id,
                employee_id=item.employee_id,
                now=now,
                cutoff=timedelta(0),
            )
        except RegistrationError:
            continue  # changed meanwhile (HR removed it, the event started): nothing to give back
        cancelled.append(item)
    was_linked = await accounts.erase(session, telegram_user_id=telegram_user_id, now=now)
    return Erased(was_linked, tuple(cancelled))
