"""Taking and giving back seats: the ASN registers (or is told why not) and cancels; HR
changes the quota or removes a registration. A freed seat goes to the waitlist at once.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db import audit, notify
from db.eligibility import Criterion, unmet_for
from db.models import (
    Allocation,
    Employee,
    Event,
    EventStatus,
    Registration,
    RegistrationStatus,
)
from db.registration._shared import (
    ACTIVE,
    CANCELLABLE,
    Status,
    any_registration,
    atomic,
    current_status,
    dialect,
    free_seat,
    fresh_event,
    lock_event,
    own_registration,
    rowcount,
    take_seat,
)
from db.registration.errors import (
    AlreadyRegistered,
    CancellationTooLate,
    EventCancelled,
    EventNotPublished,
    NotCancellable,
    NotEligible,
    QuotaBelowSeatsTaken,
    RegistrationClosed,
    RegistrationNotFound,
    RegistrationNotOpen,
    RegistrationRefused,
    ScheduleClash,
)
from db.registration.waitlist import Promotion, promote, waitlist_position


class _RegisteredConcurrently(Exception):
    """The cancelled row being reused changed under us: another registration won."""


@dataclass(frozen=True, slots=True)
class RegistrationResult:
    """Where a new registration stands; `waitlist_position` (1-based) only when waitlisted."""

    registration_id: int
    event_id: int
    status: RegistrationStatus
    waitlist_position: int | None = None
    awaiting_allocation: bool = False


@dataclass(frozen=True, slots=True)
class CancelResult:
    """A cancellation: whether it freed a seat and who was promoted into it."""

    registration_id: int
    event_id: int
    freed_seat: bool
    promoted: list[Promotion]


@dataclass(frozen=True, slots=True)
class RemovalResult:
    """An HR removal: the ASN removed (to be told) and who was promoted."""

    registration_id: int
    employee_id: int
    event_id: int
    promoted: list[Promotion]


# ---------------------------------------------------------------------------- register


async def register(
    session: AsyncSession, *, event_id: int, employee_id: int, now: datetime
) -> RegistrationResult:
    """Register the employee for the event, or say why not.

    FCFS: a seat if one is free, else the waitlist. Approval events: `pending` until HR or
    the organizer decides. Priority events before allocation: `pending` (awaiting
    allocation); after an (early) allocation, like FCFS. A cancelled registration is reused.
    """
    event = await fresh_event(session, event_id)
    existing = await _check_may_register(session, event, employee_id, now)
    try:
        async with atomic(session):
            status = await _initial_status(session, event)
            registration = await _write_registration(session, event_id, employee_id, existing, status, now)
            position = await waitlist_position(session, registration) if status is Status.WAITLISTED else None
    except (IntegrityError, _RegisteredConcurrently):
        # The same ASN registering twice at once: the unique (event, employee) decides.
        current = await session.scalar(
            select(Registration.status).where(
                Registration.event_id == event_id, Registration.employee_id == employee_id
            )
        )
        raise AlreadyRegistered(current or Status.REGISTERED) from None
    return RegistrationResult(
        registration_id=registration.id,
        event_id=event_id,
        status=status,
        waitlist_position=position,
        awaiting_allocation=status is Status.PENDING and event.allocation is Allocation.PRIORITY,
    )


async def refusal(
    session: AsyncSession, event: Event, *, employee_id: int, now: datetime
) -> RegistrationRefused | None:
    """Why `register` would refuse the employee this event now, or None when it would not: the
    same checks, nothing written (the event's detail says it instead of a button).  `event` as
    `fresh_event` has just read it; the caller keeps it, so the rest of the detail reads it from
    the session, not from the database again."""
    try:
        await _check_may_register(session, event, employee_id, now)
    except RegistrationRefused as refused:
        return refused
    return None


async def _check_may_register(
    session: AsyncSession, event: Event, employee_id: int, now: datetime
) -> Registration | None:
    """Every refusal, decided before anything is written; the cancelled registration to
    reuse, if there is one."""
    if event.status is EventStatus.CANCELLED:
        raise EventCancelled(event.id)
    if event.status is not EventStatus.PUBLISHED:
        raise EventNotPublished(event.id)  # a draft, or waiting for HR's approval
    if event.registration_opens_at is not None and now < event.registration_opens_at:
        raise RegistrationNotOpen(event.registration_opens_at)
    if now > event.registration_deadline:
        raise RegistrationClosed(event.registration_deadline)
    employee = await session.get(Employee, employee_id)
    if employee is None:
        raise RegistrationNotFound(employee_id)
    await _check_eligible(session, event, employee)
    existing = await session.scalar(_existing_statement(), {"event_id": event.id, "employee_id": employee_id})
    if existing is not None and existing.status is not Status.CANCELLED:
        raise AlreadyRegistered(existing.status)
    await _check_clash(session, event, employee_id)
    return existing


async def _check_eligible(session: AsyncSession, event: Event, employee: Employee) -> None:
    unmet = await unmet_for(session, event=event, employee=employee)
    if unmet is Criterion.STATUS:
        raise NotEligible(unmet, tuple(str(status).upper() for status in event.target_statuses))
    if unmet is Criterion.RANK:
        raise NotEligible(unmet, tuple(str(rank) for rank in event.target_ranks))
    if unmet is not None:
        raise NotEligible(unmet)


async def _check_clash(session: AsyncSession, event: Event, employee_id: int) -> None:
    params = {
        "employee_id": employee_id,
        "event_id": event.id,
        "starts": event.starts_at,
        "ends": event.ends_at,
    }
    other = (await session.execute(_clash_statement(), params)).first()
    if other is not None:
        raise ScheduleClash(event_id=other.id, code=other.code, title=other.title, starts_at=other.starts_at)


@functools.cache
def _existing_statement() -> Select[tuple[Registration]]:
    """The employee's registration for an event, fresh; built once (every detail asks it)."""
    return (
        select(Registration)
        .where(
            Registration.event_id == bindparam("event_id"),
            Registration.employee_id == bindparam("employee_id"),
        )
        .execution_options(populate_existing=True)
    )


@functools.cache
def _clash_statement() -> Select[tuple[int, str, str, datetime]]:
    """The first published event the employee takes part in that overlaps [starts, ends), other
    than the event itself; built once."""
    return (
        select(Event.id, Event.code, Event.title, Event.starts_at)
        .join(Registration, Registration.event_id == Event.id)
        .where(
            Registration.employee_id == bindparam("employee_id"),
            Registration.status.in_(ACTIVE),
            Event.id != bindparam("event_id"),
            Event.status == EventStatus.PUBLISHED,
            Event.starts_at < bindparam("ends"),
            Event.ends_at > bindparam("starts"),
        )
        .order_by(Event.starts_at, Event.id)
        .limit(1)
    )


async def _initial_status(session: AsyncSession, event: Event) -> RegistrationStatus:
    if event.allocation is Allocation.PRIORITY:
        # Touch the event row while it is unallocated: on PostgreSQL this orders us with a
        # concurrent `allocate`, so no pending registration slips past an allocation.
        unallocated = await rowcount(
            session,
            update(Event)
            .where(Event.id == event.id, Event.allocated_at.is_(None))
            .values(seats_taken=Event.seats_taken),
        )
        if unallocated:
            return Status.PENDING
    elif event.requires_approval:
        return Status.PENDING
    if await take_seat(session, event.id):
        return Status.REGISTERED
    if dialect(session) == "sqlite":
        # SQLite's failed UPDATE already holds the database's write lock: nobody frees a seat now.
        return Status.WAITLISTED
    # Full at our snapshot. On PostgreSQL a cancellation may be freeing a seat right now
    # without seeing us in the queue: wait for it on the row lock, then try once more.
    await lock_event(session, event.id)
    return Status.REGISTERED if await take_seat(session, event.id) else Status.WAITLISTED


async def _write_registration(
    session: AsyncSession,
    event_id: int,
    employee_id: int,
    existing: Registration | None,
    status: RegistrationStatus,
    now: datetime,
) -> Registration:
    """A new registration in `status`, or the cancelled one reused with everything reset."""
    values: dict[str, Any] = {
        "status": status,
        "queued_at": now,
        "registered_at": now,
        "confirmed_at": now if status is Status.REGISTERED else None,
        "cancelled_at": None,
        "attended_at": None,
        "decided_by": None,
        "priority_score": None,
        "rating": None,
        "comment": None,
    }
    if existing is None:
        registration = Registration(event_id=event_id, employee_id=employee_id, **values)
        session.add(registration)
        await session.flush()
        return registration
    reused = await rowcount(
        session,
        update(Registration)
        .where(Registration.id == existing.id, Registration.status == Status.CANCELLED)
        .values(**values),
    )
    if not reused:
        raise _RegisteredConcurrently
    return await any_registration(session, existing.id)


# ---------------------------------------------------------------------------- cancel


async def cancel(
    session: AsyncSession, *, registration_id: int, employee_id: int, now: datetime, cutoff: timedelta
) -> CancelResult:
    """The ASN cancels their own registration, up to `cutoff` before the start.

    A freed seat goes at once, in the same transaction, to the head of the waitlist.
    """
    # Refusals are decided before anything is locked or written, so they roll nothing back
    # (and leave the caller's loaded objects alone); the locked re-read below guards the race.
    registration = await own_registration(session, registration_id, employee_id)
    event = await fresh_event(session, registration.event_id)
    _check_cancellable(registration, event, now, cutoff)
    async with atomic(session):
        event = await lock_event(session, registration.event_id)
        registration = await own_registration(session, registration_id, employee_id)
        _check_cancellable(registration, event, now, cutoff)
        held_seat = registration.status is Status.REGISTERED
        changed = await rowcount(
            session,
            update(Registration)
            .where(Registration.id == registration_id, Registration.status == registration.status)
            .values(status=Status.CANCELLED, cancelled_at=now),
        )
        if not changed:
            raise NotCancellable(await current_status(session, registration_id))
        promoted: list[Promotion] = []
        if held_seat:
            await free_seat(session, event.id)
            promoted = await promote(session, event.id, now)
    return CancelResult(registration_id, event.id, held_seat, promoted)


def _check_cancellable(registration: Registration, event: Event, now: datetime, cutoff: timedelta) -> None:
    if registration.status not in CANCELLABLE:
        raise NotCancellable(registration.status)
    cutoff_at = event.starts_at - cutoff
    if now > cutoff_at:
        raise CancellationTooLate(cutoff_at=cutoff_at, organizer=event.organizer)


# ---------------------------------------------------------------------------- HR


async def set_quota(
    session: AsyncSession, *, event_id: int, quota: int, actor: int | None, now: datetime
) -> list[Promotion]:
    """HR changes the quota; a raise promotes from the waitlist at once. Never below seats taken."""
    if quota < 0:
        raise ValueError("quota must not be negative")
    event = await fresh_event(session, event_id)
    if quota < event.seats_taken:
        raise QuotaBelowSeatsTaken(event.seats_taken)
    async with atomic(session):
        event = await lock_event(session, event_id)
        changed = await rowcount(
            session,
            update(Event).where(Event.id == event_id, Event.seats_taken <= quota).values(quota=quota),
        )
        if not changed:
            raise QuotaBelowSeatsTaken(event.seats_taken)
        audit.record(
            session,
            action="event.quota",
            actor_telegram_id=actor,
            subject=f"event:{event_id}",
            details={"from": event.quota, "to": quota},
        )
        return await promote(session, event_id, now)


async def remove_registration(
    session: AsyncSession, *, registration_id: int, actor: int | None, now: datetime
) -> RemovalResult:
    """HR removes a registration (status `rejected`, so the ASN cannot simply re-register) and
    the ASN is told; a seat it held goes to the waitlist at once."""
    registration = await any_registration(session, registration_id)
    if registration.status not in CANCELLABLE:
        raise NotCancellable(registration.status)
    async with atomic(session):
        event = await lock_event(session, registration.event_id)
        registration = await any_registration(session, registration_id)
        if registration.status not in CANCELLABLE:
            raise NotCancellable(registration.status)
        held_seat = registration.status is Status.REGISTERED
        await rowcount(
            session,
            update(Registration)
            .where(Registration.id == registration_id)
            .values(status=Status.REJECTED, cancelled_at=now, decided_by=actor),
        )
        removed = notify.decision(
            registration_id=registration_id,
            employee_id=registration.employee_id,
            event=event,
            outcome="removed",
            now=now,
        )
        await notify.tell(session, [removed], now=now)
        promoted: list[Promotion] = []
        if held_seat:
            await free_seat(session, registration.event_id)
            promoted = await promote(session, registration.event_id, now)
        audit.record(
            session,
            action="registration.remove",
            actor_telegram_id=actor,
            subject=f"registration:{registration_id}",
            details={"event_id": registration.event_id, "from": registration.status.value},
        )
    return RemovalResult(registration_id, registration.employee_id, registration.event_id, promoted)
