"""Approval: HR or the organizer decides a registration pending on an event with
`requires_approval`, and the ASN is told.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from db import audit, notify
from db.models import Registration, RegistrationStatus
from db.registration._shared import (
    Status,
    any_registration,
    atomic,
    awaiting_allocation,
    fresh_event,
    lock_event,
    rowcount,
    take_seat,
)
from db.registration.errors import NotPending
from db.registration.waitlist import waitlist_position

#: What the ASN is told of a decision that left their registration in this status.
_DECIDED: dict[RegistrationStatus, notify.Outcome] = {
    Status.REGISTERED: "approved",
    Status.WAITLISTED: "waitlisted",
    Status.REJECTED: "rejected",
}


@dataclass(frozen=True, slots=True)
class Decision:
    """An approval decision, for telling the ASN."""

    registration_id: int
    employee_id: int
    event_id: int
    status: RegistrationStatus
    waitlist_position: int | None = None


async def decide(
    session: AsyncSession, *, registration_id: int, approve: bool, actor_telegram_id: int, now: datetime
) -> Decision:
    """HR or the organizer approves (a seat, or the waitlist when full) or rejects a pending
    registration, and the ASN is told."""
    registration = await any_registration(session, registration_id)
    event = await fresh_event(session, registration.event_id)
    if registration.status is not Status.PENDING or awaiting_allocation(event):
        raise NotPending(registration.status)
    async with atomic(session):
        event = await lock_event(session, registration.event_id)
        registration = await any_registration(session, registration_id)
        if registration.status is not Status.PENDING or awaiting_allocation(event):
            raise NotPending(registration.status)
        if approve:
            status = Status.REGISTERED if await take_seat(session, event.id) else Status.WAITLISTED
        else:
            status = Status.REJECTED
        await rowcount(
            session,
            update(Registration)
            .where(Registration.id == registration_id, Registration.status == Status.PENDING)
            .values(
                status=status,
                decided_by=actor_telegram_id,
                confirmed_at=now if status is Status.REGISTERED else None,
                queued_at=now if status is Status.WAITLISTED else registration.queued_at,
            ),
        )
        registration = await any_registration(session, registration_id)
        position = await waitlist_position(session, registration) if status is Status.WAITLISTED else None
        told = notify.decision(
            registration_id=registration_id,
            employee_id=registration.employee_id,
            event=event,
            outcome=_DECIDED[status],
            now=now,
            position=position,
        )
        await notify.tell(session, [told], now=now)
        audit.record(
            session,
            action="registration.approve" if approve else "registration.reject",
            actor_telegram_id=actor_telegram_id,
            subject=f"registration:{registration_id}",
            details={"event_id": event.id, "status": status.value},
        )
    return Decision(registration_id, registration.employee_id, event.id, status, position)
