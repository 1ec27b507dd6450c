"""Registrations, quick looks at an event's seats and queue, and the calendar the registration
engine's tests share (`NOW`, the training `STARTS`, HR's id, the check-in guessing limit)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.attempts import Policy
from db.models import (
    Employee,
    Event,
    Registration,
    RegistrationStatus,
)
from tests.utils.office_time import wita

NOW = wita(2026, 3, 2, 9)
STARTS = wita(2026, 4, 6, 8)
HR = 7001
CHECKIN = Policy(max_failures=10, window=timedelta(minutes=30))


async def register(
    session: AsyncSession,
    employee: Employee,
    event: Event,
    *,
    status: RegistrationStatus = RegistrationStatus.REGISTERED,
    at: datetime = datetime(2026, 1, 5, 1, 0, tzinfo=UTC),
) -> None:
    """A registration of the employee for the event (committed)."""
    session.add(
        Registration(
            event_id=event.id,
            employee_id=employee.id,
            status=status,
            queued_at=at,
            registered_at=at,
            cancelled_at=at if status is RegistrationStatus.CANCELLED else None,
        )
    )
    await session.commit()


async def seats_taken(session: AsyncSession, event_id: int) -> int:
    """The event's seat counter, as the database has it now."""
    found = await session.scalar(
        select(Event.seats_taken).where(Event.id == event_id).execution_options(populate_existing=True)
    )
    assert found is not None
    return found


async def statuses(session: AsyncSession, event_id: int) -> dict[int, RegistrationStatus]:
    """employee id → status of every registration for the event."""
    rows = await session.execute(
        select(Registration.employee_id, Registration.status).where(Registration.event_id == event_id)
    )
    return {employee_id: status for employee_id, status in rows.all()}


async def waitlist(session: AsyncSession, event_id: int) -> list[int]:
    """Employee ids on the event's waitlist, in queue order (queued_at, then id)."""
    return list(
        await session.scalars(
            select(Registration.employee_id)
            .where(Registration.event_id == event_id, Registration.status == RegistrationStatus.WAITLISTED)
            .order_by(Registration.queued_at, Registration.id)
        )
    )
