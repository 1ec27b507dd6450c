"""The waitlist: an ASN's place in the queue, and filling free seats from its head.

The queue is ordered by `queued_at`, then `id`. Whoever frees or adds seats promotes in the
same transaction, after touching the event row (lock order: event, then registrations).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db import notify
from db.models import Registration
from db.registration._shared import Status, atomic, free_seat, fresh_event, lock_event, rowcount, take_seat


@dataclass(frozen=True, slots=True)
class Promotion:
    """A waitlisted ASN who just got a seat (told through the outbox)."""

    registration_id: int
    employee_id: int
    event_id: int


async def waitlist_position(session: AsyncSession, registration: Registration) -> int:
    """1-based place in the queue: waitlisted ahead by (queued_at, id), plus one."""
    ahead = await session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(
            Registration.event_id == registration.event_id,
            Registration.status == Status.WAITLISTED,
            or_(
                Registration.queued_at < registration.queued_at,
                and_(Registration.queued_at == registration.queued_at, Registration.id < registration.id),
            ),
        )
    )
    return (ahead or 0) + 1


async def promote(session: AsyncSession, event_id: int, now: datetime) -> list[Promotion]:
    """Fill free seats from the head of the waitlist, in (queued_at, id) order, and queue a
    notice to each ASN promoted.

    The caller has touched the event row already (lock order: event, then registrations).
    A head another transaction promoted first is skipped by the conditional status update.
    """
    promoted: list[Promotion] = []
    while True:
        head = (
            await session.execute(
                select(Registration.id, Registration.employee_id)
                .where(Registration.event_id == event_id, Registration.status == Status.WAITLISTED)
                .order_by(Registration.queued_at, Registration.id)
                .limit(1)
            )
        ).first()
        if head is None or not await take_seat(session, event_id):
            break
        moved = await rowcount(
            session,
            update(Registration)
            .where(Registration.id == head.id, Registration.status == Status.WAITLISTED)
            .values(status=Status.REGISTERED, confirmed_at=now),
        )
        if moved:
            promoted.append(Promotion(head.id, head.employee_id, event_id))
        else:
            await free_seat(session, event_id)
    if promoted:
        event = await fresh_event(session, event_id)
        seated = [
            notify.promoted(
                registration_id=p.registration_id, employee_id=p.employee_id, event=event, now=now
            )
            for p in promoted
        ]
        await notify.tell(session, seated, now=now)
    return promoted


async def promote_waitlist(session: AsyncSession, *, event_id: int, now: datetime) -> list[Promotion]:
    """Fill any free seats from the waitlist in order, and commit; who was promoted."""
    async with atomic(session):
        await lock_event(session, event_id)
        return await promote(session, event_id, now)
