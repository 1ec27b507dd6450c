"""Fair allocation of a priority event: its seats go by merit once registration closes (or
when HR runs it early), each registrant keeps their score parts and rank, and an ASN can
ask "why this rank?" (`standing`) before and after.

A priority event never asks for approval: the allocation is the decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db import audit, notify
from db.models import Allocation, Event, EventStatus, Registration, RegistrationStatus
from db.registration._shared import (
    HOLDS_SEAT,
    Status,
    atomic,
    free_seat,
    fresh_event,
    lock_event,
    own_registration,
    rowcount,
    take_seat,
)
from db.registration.errors import NotPending, NotPriorityEvent, RegistrationNotFound
from db.registration.merit import PriorityScore, ranked_pending, score_from_record, score_record


@dataclass(frozen=True, slots=True)
class Placement:
    """One registration's place in an allocation."""

    registration_id: int
    employee_id: int
    rank: int
    score: PriorityScore
    status: RegistrationStatus


@dataclass(frozen=True, slots=True)
class AllocationReport:
    """The outcome of an allocation, best rank first; `already_allocated` on a repeated run."""

    event_id: int
    allocated_at: datetime
    quota: int
    placements: list[Placement]
    already_allocated: bool

    @property
    def registered(self) -> list[Placement]:
        """Those who got a seat."""
        return [p for p in self.placements if p.status in HOLDS_SEAT]

    @property
    def waitlisted(self) -> list[Placement]:
        """Those who did not, in waitlist order."""
        return [p for p in self.placements if p.status is Status.WAITLISTED]


@dataclass(frozen=True, slots=True)
class Standing:
    """An ASN's own score parts and rank in a priority event (`provisional` before allocation)."""

    registration_id: int
    event_id: int
    score: PriorityScore
    rank: int
    of: int
    quota: int
    provisional: bool
    status: RegistrationStatus


async def allocations_due(session: AsyncSession, *, now: datetime) -> list[int]:
    """Priority events whose registration deadline has passed and whose seats are not given yet."""
    return list(
        await session.scalars(
            select(Event.id)
            .where(
                Event.allocation == Allocation.PRIORITY,
                Event.allocated_at.is_(None),
                Event.registration_deadline <= now,
                Event.status == EventStatus.PUBLISHED,
            )
            .order_by(Event.registration_deadline, Event.id)
        )
    )


async def allocate(
    session: AsyncSession, *, event_id: int, now: datetime, timezone: ZoneInfo, actor: int | None = None
) -> AllocationReport:
    """Give a priority event's seats by merit: the top `quota` pending registrations get a
    seat, the rest are waitlisted in score order. Records each one's score parts and rank,
    and tells each one the result.

    Idempotent: a second run changes nothing and reports the first run's outcome. HR may
    run it before the deadline; later registrations are then first come, first served.
    JP are counted in the office year of `now`.
    """
    event = await fresh_event(session, event_id)
    if event.allocation is not Allocation.PRIORITY:
        raise NotPriorityEvent(event_id)
    if event.allocated_at is not None:
        return await _report(session, event_id, already=True)
    async with atomic(session):
        event = await lock_event(session, event_id)
        claimed = await rowcount(
            session,
            update(Event).where(Event.id == event_id, Event.allocated_at.is_(None)).values(allocated_at=now),
        )
        if not claimed:
            await session.rollback()
            return await _report(session, event_id, already=True)
        year = now.astimezone(timezone).year
        ranked = await ranked_pending(session, event_id=event_id, year=year)
        notices = await _place(session, event, ranked, year, now)
        await notify.tell(session, notices, now=now)
        audit.record(
            session,
            action="event.allocate",
            actor_telegram_id=actor,
            subject=f"event:{event_id}",
            details={"candidates": len(ranked), "quota": event.quota},
        )
    return await _report(session, event_id, already=False)


async def _place(
    session: AsyncSession,
    event: Event,
    ranked: list[tuple[Registration, PriorityScore]],
    year: int,
    now: datetime,
) -> list[notify.Notice]:
    """Seat the ranked registrations while seats last and queue the rest in rank order,
    recording each one's score; what each is to be told."""
    notices: list[notify.Notice] = []
    waiting = 0
    for rank, (registration, score) in enumerate(ranked, start=1):
        seated = await take_seat(session, event.id)
        placed = await rowcount(
            session,
            update(Registration)
            .where(Registration.id == registration.id, Registration.status == Status.PENDING)
            .values(
                status=Status.REGISTERED if seated else Status.WAITLISTED,
                confirmed_at=now if seated else None,
                # The waitlist is ordered by queued_at: queue the unplaced in score order.
                queued_at=registration.queued_at if seated else now + timedelta(microseconds=rank),
                priority_score=score_record(score, rank, len(ranked), year),
            ),
        )
        if not placed:  # no longer pending (cancelled meanwhile): give its seat back
            if seated:
                await free_seat(session, event.id)
            continue
        waiting += 0 if seated else 1
        notices.append(
            notify.decision(
                registration_id=registration.id,
                employee_id=registration.employee_id,
                event=event,
                outcome="allocated" if seated else "allocation_waitlisted",
                now=now,
                position=None if seated else waiting,
            )
        )
    return notices


async def _report(session: AsyncSession, event_id: int, *, already: bool) -> AllocationReport:
    event = await fresh_event(session, event_id)
    rows = list(
        await session.scalars(
            select(Registration)
            .where(Registration.event_id == event_id, Registration.priority_score.is_not(None))
            .execution_options(populate_existing=True)
        )
    )
    placements = sorted(
        (
            Placement(
                registration_id=row.id,
                employee_id=row.employee_id,
                rank=int((row.priority_score or {})["rank"]),
                score=score_from_record(row.priority_score or {}),
                status=row.status,
            )
            for row in rows
        ),
        key=lambda p: p.rank,
    )
    assert event.allocated_at is not None
    return AllocationReport(event_id, event.allocated_at, event.quota, placements, already)


async def standing(
    session: AsyncSession, *, registration_id: int, employee_id: int, now: datetime, timezone: ZoneInfo
) -> Standing:
    """The ASN's own score parts and rank in a priority event (only the owner sees it).

    After allocation: what was recorded. Before: computed now among the pending
    registrations, marked provisional.
    """
    registration = await own_registration(session, registration_id, employee_id)
    event = await fresh_event(session, registration.event_id)
    if event.allocation is not Allocation.PRIORITY:
        raise NotPriorityEvent(event.id)
    if registration.priority_score is not None:
        data = registration.priority_score
        return Standing(
            registration_id,
            event.id,
            score_from_record(data),
            int(data["rank"]),
            int(data["of"]),
            event.quota,
            provisional=False,
            status=registration.status,
        )
    if registration.status is not Status.PENDING:
        raise NotPending(registration.status)
    ranked = await ranked_pending(session, event_id=event.id, year=now.astimezone(timezone).year)
    for rank, (candidate, score) in enumerate(ranked, start=1):
        if candidate.id == registration_id:
            return Standing(
                registration_id, event.id, score, rank, len(ranked), event.quota, True, registration.status
            )
    raise RegistrationNotFound(registration_id)  # pragma: no cover - it was pending above
