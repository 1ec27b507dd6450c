"""What `/pendaftaran` lists: the ASN's registrations by status with their waitlist
positions, and per registration the facts its buttons depend on (rated, priority, scored).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Allocation, Event, EventStatus, Registration, RegistrationStatus
from db.registration._shared import Status, awaiting_allocation


@dataclass(frozen=True, slots=True)
class MyRegistration:
    """One of the ASN's registrations, as `/pendaftaran` lists it."""

    registration_id: int
    event_id: int
    event_code: str
    event_title: str
    organizer: str
    location: str
    starts_at: datetime
    ends_at: datetime
    status: RegistrationStatus
    waitlist_position: int | None
    awaiting_allocation: bool
    event_cancelled: bool


@dataclass(frozen=True, slots=True)
class Extras:
    """Facts about one registration the `/pendaftaran` buttons depend on."""

    rated: bool
    priority: bool
    scored: bool


async def my_registrations(
    session: AsyncSession, *, employee_id: int
) -> dict[RegistrationStatus, list[MyRegistration]]:
    """The ASN's registrations by status, soonest event first, with waitlist positions (two queries)."""
    rows = (
        await session.execute(
            select(Registration, Event)
            .join(Event, Event.id == Registration.event_id)
            .where(Registration.employee_id == employee_id)
            .order_by(Event.starts_at, Event.id)
            .execution_options(populate_existing=True)
        )
    ).all()
    waiting = [registration.event_id for registration, _ in rows if registration.status is Status.WAITLISTED]
    positions = await _waitlist_positions(session, employee_id, waiting) if waiting else {}
    grouped: dict[RegistrationStatus, list[MyRegistration]] = {}
    for registration, event in rows:
        grouped.setdefault(registration.status, []).append(
            MyRegistration(
                registration_id=registration.id,
                event_id=event.id,
                event_code=event.code,
                event_title=event.title,
                organizer=event.organizer,
                location=event.location,
                starts_at=event.starts_at,
                ends_at=event.ends_at,
                status=registration.status,
                waitlist_position=positions.get(registration.id),
                awaiting_allocation=registration.status is Status.PENDING and awaiting_allocation(event),
                event_cancelled=event.status is EventStatus.CANCELLED,
            )
        )
    return grouped


async def _waitlist_positions(
    session: AsyncSession, employee_id: int, event_ids: Sequence[int]
) -> dict[int, int]:
    """registration id → 1-based place in its event's queue, for the employee's waitlisted
    registrations in these events."""
    queue = (
        select(
            Registration.id,
            Registration.employee_id,
            func.row_number()
            .over(partition_by=Registration.event_id, order_by=(Registration.queued_at, Registration.id))
            .label("position"),
        )
        .where(Registration.event_id.in_(event_ids), Registration.status == Status.WAITLISTED)
        .subquery()
    )
    rows = await session.execute(
        select(queue.c.id, queue.c.position).where(queue.c.employee_id == employee_id)
    )
    return {registration_id: position for registration_id, position in rows.tuples()}


async def extras(session: AsyncSession, *, employee_id: int) -> dict[int, Extras]:
    """registration id → extras, for every registration of the employee (one query)."""
    rows = await session.execute(
        select(Registration.id, Registration.rating, Registration.priority_score, Event.allocation)
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.employee_id == employee_id)
    )
    return {
        row.id: Extras(
            rated=row.rating is not None,
            priority=row.allocation is Allocation.PRIORITY,
            scored=row.priority_score is not None,
        )
        for row in rows
    }
