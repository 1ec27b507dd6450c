"""The registration engine: register, cancel, the waitlist, fair allocation by merit,
approval, check-in, JP credit, evaluation and certificates.

Seats are counted in the database, never by reading a count and writing later: a seat is
taken by one conditional `UPDATE events SET seats_taken = seats_taken + 1 WHERE … AND
seats_taken < quota` in the same transaction as the registration it belongs to. Every
operation that changes seats touches the event row first, so on PostgreSQL the row lock
orders them (and no two lock in opposite order); on SQLite writers are serialized anyway.

Statuses (`RegistrationStatus`):
- `registered` holds a seat; `attended` holds it and has been credited.
- `waitlisted` waits for a seat; the queue is ordered by `queued_at`, then `id`.
- `pending` holds no seat and waits for someone: an HR/organizer decision on an event
  with `requires_approval`, or the allocation of a `priority` event (`allocated_at` unset).
  A priority event never asks for approval: the allocation is the decision.
- `rejected`: refused by HR/organizer, or removed by HR; the ASN cannot re-register alone.
- `cancelled`: cancelled by the ASN; registering again reuses the row.

Mutating functions commit; a refusal leaves the database unchanged. What the ASN is told
about it (a seat after waiting, a decision, an allocation result, a removal) is queued in the
outbox in the same transaction (`db.notify`), so a change is never committed untold.

Exceptions (each has a `reason` code the bot translates)::

    RegistrationError
    ├── RegistrationNotFound            not_found (unknown, or not the caller's)
    ├── RegistrationRefused
    │   ├── EventCancelled              event_cancelled
    │   ├── RegistrationNotOpen         not_open
    │   ├── RegistrationClosed          closed
    │   ├── NotEligible                 not_eligible (criterion)
    │   ├── ScheduleClash               schedule_clash (the other event)
    │   └── AlreadyRegistered           already_registered (status)
    ├── CancellationRefused
    │   ├── CancellationTooLate         cancellation_too_late
    │   └── NotCancellable              not_cancellable (status)
    ├── CheckInRefused
    │   ├── UnknownCheckInCode          unknown_code
    │   ├── CheckInNotOpen              checkin_not_open
    │   ├── CheckInClosed               checkin_closed
    │   └── NotRegistered               not_registered (status)
    ├── NotAttended                     not_attended
    ├── InvalidRating                   invalid_rating
    ├── NotPending                      not_pending (status)
    ├── NotPriorityEvent                not_priority
    └── QuotaBelowSeatsTaken            quota_below_seats_taken
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar, cast
from zoneinfo import ZoneInfo

from sqlalchemy import CursorResult, Update, and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db import audit, notify, outbox
from db.catalog import unmet_target
from db.competency import JpmThresholds, competency_status
from db.learning import office_date, year_summary
from db.models import (
    Allocation,
    Employee,
    Event,
    EventStatus,
    LearningRecord,
    NotificationKind,
    Registration,
    RegistrationStatus,
    TelegramAccount,
    event_competencies,
    event_positions,
)

#: Check-in opens this long before the event starts.
CHECKIN_OPENS_BEFORE = timedelta(minutes=30)
#: Letters and digits nobody confuses when reading them off a projector.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CHECKIN_CODE_LENGTH = 6
CERTIFICATE_CODE_LENGTH = 16

Status = RegistrationStatus
#: Statuses that still count as "taking part" (for clashes and for re-registration).
ACTIVE = (Status.REGISTERED, Status.WAITLISTED, Status.PENDING, Status.ATTENDED)
HOLDS_SEAT = (Status.REGISTERED, Status.ATTENDED)


# ---------------------------------------------------------------------------- exceptions


class RegistrationError(Exception):
    """A rule of the registration engine was not met; `reason` is a code the bot translates."""

    reason: ClassVar[str] = "error"


class RegistrationNotFound(RegistrationError):
    """No such event or registration, or it is not the caller's (the two look alike on purpose)."""

    reason = "not_found"


class RegistrationRefused(RegistrationError):
    """The ASN cannot register for this event."""

    reason = "refused"


class EventCancelled(RegistrationRefused):
    """The event has been cancelled."""

    reason = "event_cancelled"


class RegistrationNotOpen(RegistrationRefused):
    """Registration has not opened yet."""

    reason = "not_open"

    def __init__(self, opens_at: datetime) -> None:
        super().__init__(opens_at)
        self.opens_at = opens_at


class RegistrationClosed(RegistrationRefused):
    """The registration deadline has passed."""

    reason = "closed"

    def __init__(self, deadline: datetime) -> None:
        super().__init__(deadline)
        self.deadline = deadline


class NotEligible(RegistrationRefused):
    """The event targets other positions, position types or units (`criterion` says which)."""

    reason = "not_eligible"

    def __init__(self, criterion: str) -> None:
        super().__init__(criterion)
        self.criterion = criterion


class ScheduleClash(RegistrationRefused):
    """The ASN takes part in another event at the same time."""

    reason = "schedule_clash"

    def __init__(self, *, event_id: int, code: str, title: str, starts_at: datetime) -> None:
        super().__init__(code)
        self.event_id = event_id
        self.code = code
        self.title = title
        self.starts_at = starts_at


class AlreadyRegistered(RegistrationRefused):
    """The ASN already has a registration for this event, in `status`."""

    reason = "already_registered"

    def __init__(self, status: RegistrationStatus) -> None:
        super().__init__(status)
        self.status = status


class CancellationRefused(RegistrationError):
    """The registration cannot be cancelled by the ASN."""

    reason = "cancellation_refused"


class CancellationTooLate(CancellationRefused):
    """Past the cutoff before the start; the ASN has to contact the organizer."""

    reason = "cancellation_too_late"

    def __init__(self, *, cutoff_at: datetime, organizer: str) -> None:
        super().__init__(cutoff_at)
        self.cutoff_at = cutoff_at
        self.organizer = organizer


class NotCancellable(CancellationRefused):
    """The registration is already cancelled, rejected or attended."""

    reason = "not_cancellable"

    def __init__(self, status: RegistrationStatus) -> None:
        super().__init__(status)
        self.status = status


class CheckInRefused(RegistrationError):
    """A check-in that cannot be accepted."""

    reason = "checkin_refused"


class UnknownCheckInCode(CheckInRefused):
    """No event has this check-in code."""

    reason = "unknown_code"


class CheckInNotOpen(CheckInRefused):
    """Too early: check-in opens 30 minutes before the start."""

    reason = "checkin_not_open"

    def __init__(self, opens_at: datetime) -> None:
        super().__init__(opens_at)
        self.opens_at = opens_at


class CheckInClosed(CheckInRefused):
    """The event has ended."""

    reason = "checkin_closed"


class NotRegistered(CheckInRefused):
    """The ASN holds no seat at this event (`status` None when never registered)."""

    reason = "not_registered"

    def __init__(self, status: RegistrationStatus | None) -> None:
        super().__init__(status)
        self.status = status


class NotAttended(RegistrationError):
    """Ratings and certificates are for attendees only."""

    reason = "not_attended"


class InvalidRating(RegistrationError):
    """A rating is a whole number from 1 to 5."""

    reason = "invalid_rating"


class NotPending(RegistrationError):
    """Only a registration awaiting approval can be decided."""

    reason = "not_pending"

    def __init__(self, status: RegistrationStatus) -> None:
        super().__init__(status)
        self.status = status


class NotPriorityEvent(RegistrationError):
    """Allocation is only for events allocated by priority."""

    reason = "not_priority"


class QuotaBelowSeatsTaken(RegistrationError):
    """The quota cannot drop below the seats already given."""

    reason = "quota_below_seats_taken"

    def __init__(self, seats_taken: int) -> None:
        super().__init__(seats_taken)
        self.seats_taken = seats_taken


class _RegisteredConcurrently(Exception):
    """The cancelled row being reused changed under us: another registration won."""


# ---------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class RegistrationResult:
    """Where a new registration stands; `waitlist_position` (1-based) only when waitlisted."""

    registration_id: int
    event_id: int
    status: RegistrationStatus
    waitlist_position: int | None = None
    awaiting_allocation: bool = False


@dataclass(frozen=True, slots=True)
class Promotion:
    """A waitlisted ASN who just got a seat (told through the outbox)."""

    registration_id: int
    employee_id: int
    event_id: int


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


@dataclass(frozen=True, slots=True)
class Decision:
    """An approval decision, for telling the ASN."""

    registration_id: int
    employee_id: int
    event_id: int
    status: RegistrationStatus
    waitlist_position: int | None = None


@dataclass(frozen=True, slots=True)
class PriorityScore:
    """The transparent parts of a merit score, compared in this order.

    need: Σ (required − assessed) over the event's competencies where the ASN is below the
    standard (as the catalog ranks recommendations), more first; jp_this_year: JP already
    completed this (office) year, fewer first; registered_at: earlier first.
    """

    need: int
    jp_this_year: int
    registered_at: datetime

    @property
    def key(self) -> tuple[int, int, datetime]:
        """Sort key: smaller is better."""
        return (-self.need, self.jp_this_year, self.registered_at)


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


@dataclass(frozen=True, slots=True)
class CheckInResult:
    """A check-in: `already` when the ASN had checked in before; `jp_credited` this time."""

    registration_id: int
    event_id: int
    event_title: str
    already: bool
    jp_credited: int


@dataclass(frozen=True, slots=True)
class Ratings:
    """Average rating of an event (None without ratings) and how many rated."""

    event_id: int
    average: float | None
    count: int


@dataclass(frozen=True, slots=True)
class Certificate:
    """What a certificate of attendance shows, with its verification code."""

    code: str
    employee_name: str
    nip: str
    event_code: str
    event_title: str
    organizer: str
    starts_at: datetime
    ends_at: datetime
    jp: int
    attended_at: datetime


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


# ---------------------------------------------------------------------------- helpers


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def _rowcount(session: AsyncSession, statement: Update) -> int:
    result = cast(
        CursorResult[Any], await session.execute(statement.execution_options(synchronize_session=False))
    )
    return result.rowcount


async def _take_seat(session: AsyncSession, event_id: int) -> bool:
    """One seat, if one is free: a single conditional UPDATE, never a count read earlier."""
    taken = await _rowcount(
        session,
        update(Event)
        .where(Event.id == event_id, Event.seats_taken < Event.quota)
        .values(seats_taken=Event.seats_taken + 1),
    )
    return taken == 1


async def _free_seat(session: AsyncSession, event_id: int) -> None:
    await _rowcount(
        session,
        update(Event)
        .where(Event.id == event_id, Event.seats_taken > 0)
        .values(seats_taken=Event.seats_taken - 1),
    )


async def _lock_event(session: AsyncSession, event_id: int) -> Event:
    """The event, fresh and locked for this transaction (row lock on PostgreSQL)."""
    event = await session.scalar(
        select(Event).where(Event.id == event_id).with_for_update().execution_options(populate_existing=True)
    )
    if event is None:
        raise RegistrationNotFound(event_id)
    return event


async def _fresh_event(session: AsyncSession, event_id: int) -> Event:
    event = await session.scalar(
        select(Event).where(Event.id == event_id).execution_options(populate_existing=True)
    )
    if event is None:
        raise RegistrationNotFound(event_id)
    return event


async def _own_registration(session: AsyncSession, registration_id: int, employee_id: int) -> Registration:
    found = await session.scalar(
        select(Registration)
        .where(Registration.id == registration_id)
        .execution_options(populate_existing=True)
    )
    if found is None or found.employee_id != employee_id:
        raise RegistrationNotFound(registration_id)
    return found


async def _registration(session: AsyncSession, registration_id: int) -> Registration:
    found = await session.scalar(
        select(Registration)
        .where(Registration.id == registration_id)
        .execution_options(populate_existing=True)
    )
    if found is None:
        raise RegistrationNotFound(registration_id)
    return found


async def _waitlist_position(session: AsyncSession, registration: Registration) -> int:
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


def _awaiting_allocation(event: Event) -> bool:
    return event.allocation is Allocation.PRIORITY and event.allocated_at is None


async def _check_eligible(session: AsyncSession, event: Event, employee: Employee) -> None:
    targets = set(
        await session.scalars(
            select(event_positions.c.position_id).where(event_positions.c.event_id == event.id)
        )
    )
    if targets and employee.position_id not in targets:
        raise NotEligible("position")
    unmet = unmet_target(event, position_type=employee.position_type, unit_id=employee.unit_id)
    if unmet is not None:
        raise NotEligible(unmet)


async def _check_clash(session: AsyncSession, event: Event, employee_id: int) -> None:
    other = (
        await session.execute(
            select(Event.id, Event.code, Event.title, Event.starts_at)
            .join(Registration, Registration.event_id == Event.id)
            .where(
                Registration.employee_id == employee_id,
                Registration.status.in_(ACTIVE),
                Event.id != event.id,
                Event.status == EventStatus.PUBLISHED,
                Event.starts_at < event.ends_at,
                Event.ends_at > event.starts_at,
            )
            .order_by(Event.starts_at, Event.id)
            .limit(1)
        )
    ).first()
    if other is not None:
        raise ScheduleClash(event_id=other.id, code=other.code, title=other.title, starts_at=other.starts_at)


async def _promote(session: AsyncSession, event_id: int, now: datetime) -> list[Promotion]:
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
        if head is None or not await _take_seat(session, event_id):
            break
        moved = await _rowcount(
            session,
            update(Registration)
            .where(Registration.id == head.id, Registration.status == Status.WAITLISTED)
            .values(status=Status.REGISTERED, confirmed_at=now),
        )
        if moved:
            promoted.append(Promotion(head.id, head.employee_id, event_id))
        else:
            await _free_seat(session, event_id)
    if promoted:
        event = await _fresh_event(session, event_id)
        seated = [
            notify.promoted(
                registration_id=p.registration_id, employee_id=p.employee_id, event=event, now=now
            )
            for p in promoted
        ]
        await notify.tell(session, seated, now=now)
    return promoted


# ---------------------------------------------------------------------------- register / cancel


async def register(
    session: AsyncSession, *, event_id: int, employee_id: int, now: datetime
) -> RegistrationResult:
    """Register the employee for the event, or say why not.

    FCFS: a seat if one is free, else the waitlist. Approval events: `pending` until HR or
    the organizer decides. Priority events before allocation: `pending` (awaiting
    allocation); after an (early) allocation, like FCFS. A cancelled registration is reused.
    """
    event = await _fresh_event(session, event_id)
    if event.status is EventStatus.CANCELLED:
        raise EventCancelled(event_id)
    if event.registration_opens_at is not None and now < event.registration_opens_at:
        raise RegistrationNotOpen(event.registration_opens_at)
    if now > event.registration_deadline:
        raise RegistrationClosed(event.registration_deadline)
    employee = await session.get(Employee, employee_id)
    if employee is None:
        raise RegistrationNotFound(employee_id)
    await _check_eligible(session, event, employee)
    existing = await session.scalar(
        select(Registration)
        .where(Registration.event_id == event_id, Registration.employee_id == employee_id)
        .execution_options(populate_existing=True)
    )
    if existing is not None and existing.status is not Status.CANCELLED:
        raise AlreadyRegistered(existing.status)
    await _check_clash(session, event, employee_id)

    try:
        async with _atomic(session):
            status = await _initial_status(session, event)
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
            else:
                reused = await _rowcount(
                    session,
                    update(Registration)
                    .where(Registration.id == existing.id, Registration.status == Status.CANCELLED)
                    .values(**values),
                )
                if not reused:
                    raise _RegisteredConcurrently
                registration = await _registration(session, existing.id)
            position = (
                await _waitlist_position(session, registration) if status is Status.WAITLISTED else None
            )
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


@asynccontextmanager
async def _atomic(session: AsyncSession) -> AsyncIterator[None]:
    """Commit what the block did, or roll all of it back (releasing row locks at once) when it
    raised — a refusal found after taking a lock must not leave the lock held."""
    try:
        yield
    except Exception:
        await session.rollback()
        raise
    await session.commit()


async def _initial_status(session: AsyncSession, event: Event) -> RegistrationStatus:
    if event.allocation is Allocation.PRIORITY:
        # Touch the event row while it is unallocated: on PostgreSQL this orders us with a
        # concurrent `allocate`, so no pending registration slips past an allocation.
        unallocated = await _rowcount(
            session,
            update(Event)
            .where(Event.id == event.id, Event.allocated_at.is_(None))
            .values(seats_taken=Event.seats_taken),
        )
        if unallocated:
            return Status.PENDING
    elif event.requires_approval:
        return Status.PENDING
    if await _take_seat(session, event.id):
        return Status.REGISTERED
    if _dialect(session) == "sqlite":
        # SQLite's failed UPDATE already holds the database's write lock: nobody frees a seat now.
        return Status.WAITLISTED
    # Full at our snapshot. On PostgreSQL a cancellation may be freeing a seat right now
    # without seeing us in the queue: wait for it on the row lock, then try once more.
    await _lock_event(session, event.id)
    return Status.REGISTERED if await _take_seat(session, event.id) else Status.WAITLISTED


async def cancel(
    session: AsyncSession, *, registration_id: int, employee_id: int, now: datetime, cutoff: timedelta
) -> CancelResult:
    """The ASN cancels their own registration, up to `cutoff` before the start.

    A freed seat goes at once, in the same transaction, to the head of the waitlist.
    """
    # Refusals are decided before anything is locked or written, so they roll nothing back
    # (and leave the caller's loaded objects alone); the locked re-read below guards the race.
    registration = await _own_registration(session, registration_id, employee_id)
    event = await _fresh_event(session, registration.event_id)
    _check_cancellable(registration, event, now, cutoff)
    async with _atomic(session):
        event = await _lock_event(session, registration.event_id)
        registration = await _own_registration(session, registration_id, employee_id)
        _check_cancellable(registration, event, now, cutoff)
        held_seat = registration.status is Status.REGISTERED
        changed = await _rowcount(
            session,
            update(Registration)
            .where(Registration.id == registration_id, Registration.status == registration.status)
            .values(status=Status.CANCELLED, cancelled_at=now),
        )
        if not changed:
            raise NotCancellable(await _current_status(session, registration_id))
        promoted: list[Promotion] = []
        if held_seat:
            await _free_seat(session, event.id)
            promoted = await _promote(session, event.id, now)
    return CancelResult(registration_id, event.id, held_seat, promoted)


def _check_cancellable(registration: Registration, event: Event, now: datetime, cutoff: timedelta) -> None:
    if registration.status not in (Status.REGISTERED, Status.WAITLISTED, Status.PENDING):
        raise NotCancellable(registration.status)
    cutoff_at = event.starts_at - cutoff
    if now > cutoff_at:
        raise CancellationTooLate(cutoff_at=cutoff_at, organizer=event.organizer)


async def _current_status(session: AsyncSession, registration_id: int) -> RegistrationStatus:
    status = await session.scalar(select(Registration.status).where(Registration.id == registration_id))
    if status is None:
        raise RegistrationNotFound(registration_id)
    return status


async def promote_waitlist(session: AsyncSession, *, event_id: int, now: datetime) -> list[Promotion]:
    """Fill any free seats from the waitlist in order, and commit; who was promoted."""
    async with _atomic(session):
        await _lock_event(session, event_id)
        return await _promote(session, event_id, now)


async def set_quota(
    session: AsyncSession, *, event_id: int, quota: int, actor: int | None, now: datetime
) -> list[Promotion]:
    """HR changes the quota; a raise promotes from the waitlist at once. Never below seats taken."""
    if quota < 0:
        raise ValueError("quota must not be negative")
    event = await _fresh_event(session, event_id)
    if quota < event.seats_taken:
        raise QuotaBelowSeatsTaken(event.seats_taken)
    async with _atomic(session):
        event = await _lock_event(session, event_id)
        changed = await _rowcount(
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
        return await _promote(session, event_id, now)


async def remove_registration(
    session: AsyncSession, *, registration_id: int, actor: int | None, now: datetime
) -> RemovalResult:
    """HR removes a registration (status `rejected`, so the ASN cannot simply re-register) and
    the ASN is told; a seat it held goes to the waitlist at once."""
    registration = await _registration(session, registration_id)
    if registration.status not in (Status.REGISTERED, Status.WAITLISTED, Status.PENDING):
        raise NotCancellable(registration.status)
    async with _atomic(session):
        event = await _lock_event(session, registration.event_id)
        registration = await _registration(session, registration_id)
        if registration.status not in (Status.REGISTERED, Status.WAITLISTED, Status.PENDING):
            raise NotCancellable(registration.status)
        held_seat = registration.status is Status.REGISTERED
        await _rowcount(
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
            await _free_seat(session, registration.event_id)
            promoted = await _promote(session, registration.event_id, now)
        audit.record(
            session,
            action="registration.remove",
            actor_telegram_id=actor,
            subject=f"registration:{registration_id}",
            details={"event_id": registration.event_id, "from": registration.status.value},
        )
    return RemovalResult(registration_id, registration.employee_id, registration.event_id, promoted)


# ---------------------------------------------------------------------------- approval

#: What the ASN is told of a decision that left their registration in this status.
_DECIDED: dict[RegistrationStatus, notify.Outcome] = {
    Status.REGISTERED: "approved",
    Status.WAITLISTED: "waitlisted",
    Status.REJECTED: "rejected",
}


async def decide(
    session: AsyncSession, *, registration_id: int, approve: bool, actor_telegram_id: int, now: datetime
) -> Decision:
    """HR or the organizer approves (a seat, or the waitlist when full) or rejects a pending
    registration, and the ASN is told."""
    registration = await _registration(session, registration_id)
    event = await _fresh_event(session, registration.event_id)
    if registration.status is not Status.PENDING or _awaiting_allocation(event):
        raise NotPending(registration.status)
    async with _atomic(session):
        event = await _lock_event(session, registration.event_id)
        registration = await _registration(session, registration_id)
        if registration.status is not Status.PENDING or _awaiting_allocation(event):
            raise NotPending(registration.status)
        if approve:
            status = Status.REGISTERED if await _take_seat(session, event.id) else Status.WAITLISTED
        else:
            status = Status.REJECTED
        await _rowcount(
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
        registration = await _registration(session, registration_id)
        position = await _waitlist_position(session, registration) if status is Status.WAITLISTED else None
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


# ---------------------------------------------------------------------------- fair allocation


async def priority_score(
    session: AsyncSession,
    *,
    employee_id: int,
    competency_ids: set[int],
    registered_at: datetime,
    year: int,
) -> PriorityScore:
    """The merit score of one ASN for an event targeting `competency_ids` (JP counted in `year`)."""
    status = await competency_status(session, employee_id=employee_id, thresholds=JpmThresholds())
    need = sum(line.gap or 0 for line in status.gaps if line.competency_id in competency_ids)
    summary = await year_summary(session, employee_id=employee_id, year=year, target=0)
    return PriorityScore(need=need, jp_this_year=summary.total, registered_at=registered_at)


async def _ranked(
    session: AsyncSession, event: Event, registrations: list[Registration], year: int
) -> list[tuple[Registration, PriorityScore]]:
    """Registrations best first: need, then fewer JP this year, then registration time, then id."""
    competency_ids = set(
        await session.scalars(
            select(event_competencies.c.competency_id).where(event_competencies.c.event_id == event.id)
        )
    )
    scored = [
        (
            registration,
            await priority_score(
                session,
                employee_id=registration.employee_id,
                competency_ids=competency_ids,
                registered_at=registration.registered_at,
                year=year,
            ),
        )
        for registration in registrations
    ]
    scored.sort(key=lambda pair: (*pair[1].key, pair[0].id))
    return scored


def _score_json(score: PriorityScore, rank: int, of: int, year: int) -> dict[str, Any]:
    return {
        "need": score.need,
        "jp_this_year": score.jp_this_year,
        "year": year,
        "registered_at": score.registered_at.isoformat(),
        "rank": rank,
        "of": of,
    }


def _score_from_json(data: dict[str, Any]) -> PriorityScore:
    return PriorityScore(
        need=int(data["need"]),
        jp_this_year=int(data["jp_this_year"]),
        registered_at=datetime.fromisoformat(str(data["registered_at"])),
    )


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
    event = await _fresh_event(session, event_id)
    if event.allocation is not Allocation.PRIORITY:
        raise NotPriorityEvent(event_id)
    if event.allocated_at is not None:
        return await _report(session, event_id, already=True)
    async with _atomic(session):
        event = await _lock_event(session, event_id)
        claimed = await _rowcount(
            session,
            update(Event).where(Event.id == event_id, Event.allocated_at.is_(None)).values(allocated_at=now),
        )
        if not claimed:
            await session.rollback()
            return await _report(session, event_id, already=True)
        pending = list(
            await session.scalars(
                select(Registration)
                .where(Registration.event_id == event_id, Registration.status == Status.PENDING)
                .execution_options(populate_existing=True)
            )
        )
        year = now.astimezone(timezone).year
        ranked = await _ranked(session, event, pending, year)
        notices: list[notify.Notice] = []
        waiting = 0
        for rank, (registration, score) in enumerate(ranked, start=1):
            seated = await _take_seat(session, event_id)
            placed = await _rowcount(
                session,
                update(Registration)
                .where(Registration.id == registration.id, Registration.status == Status.PENDING)
                .values(
                    status=Status.REGISTERED if seated else Status.WAITLISTED,
                    confirmed_at=now if seated else None,
                    # The waitlist is ordered by queued_at: queue the unplaced in score order.
                    queued_at=registration.queued_at if seated else now + timedelta(microseconds=rank),
                    priority_score=_score_json(score, rank, len(pending), year),
                ),
            )
            if not placed:  # no longer pending (cancelled meanwhile): give its seat back
                if seated:
                    await _free_seat(session, event_id)
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
        await notify.tell(session, notices, now=now)
        audit.record(
            session,
            action="event.allocate",
            actor_telegram_id=actor,
            subject=f"event:{event_id}",
            details={"candidates": len(pending), "quota": event.quota},
        )
    return await _report(session, event_id, already=False)


async def _report(session: AsyncSession, event_id: int, *, already: bool) -> AllocationReport:
    event = await _fresh_event(session, event_id)
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
                score=_score_from_json(row.priority_score or {}),
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
    registration = await _own_registration(session, registration_id, employee_id)
    event = await _fresh_event(session, registration.event_id)
    if event.allocation is not Allocation.PRIORITY:
        raise NotPriorityEvent(event.id)
    if registration.priority_score is not None:
        data = registration.priority_score
        return Standing(
            registration_id,
            event.id,
            _score_from_json(data),
            int(data["rank"]),
            int(data["of"]),
            event.quota,
            provisional=False,
            status=registration.status,
        )
    if registration.status is not Status.PENDING:
        raise NotPending(registration.status)
    pending = list(
        await session.scalars(
            select(Registration).where(
                Registration.event_id == event.id, Registration.status == Status.PENDING
            )
        )
    )
    ranked = await _ranked(session, event, pending, now.astimezone(timezone).year)
    for rank, (candidate, score) in enumerate(ranked, start=1):
        if candidate.id == registration_id:
            return Standing(
                registration_id, event.id, score, rank, len(ranked), event.quota, True, registration.status
            )
    raise RegistrationNotFound(registration_id)  # pragma: no cover - it was pending above


# ---------------------------------------------------------------------------- check-in and JP


def _code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


async def issue_checkin_code(session: AsyncSession, *, event_id: int) -> str:
    """The event's check-in code: a short code, unique among events, made once and kept."""
    event = await _fresh_event(session, event_id)
    if event.checkin_code is not None:
        return event.checkin_code
    while True:
        code = _code(CHECKIN_CODE_LENGTH)
        try:
            changed = await _rowcount(
                session,
                update(Event)
                .where(Event.id == event_id, Event.checkin_code.is_(None))
                .values(checkin_code=code),
            )
            await session.commit()
        except IntegrityError:
            await session.rollback()
            continue
        if changed:
            return code
        return (await _fresh_event(session, event_id)).checkin_code or code


async def _credit(
    session: AsyncSession, registration: Registration, event: Event, now: datetime, timezone: ZoneInfo
) -> tuple[bool, int]:
    """Mark attended and credit the JP, once: the status change is conditional and the
    learning record is guarded by the unique (employee, event) constraint."""
    attended = await _rowcount(
        session,
        update(Registration)
        .where(Registration.id == registration.id, Registration.status == Status.REGISTERED)
        .values(status=Status.ATTENDED, attended_at=now),
    )
    if not attended:
        return False, 0
    values = {
        "employee_id": registration.employee_id,
        "title": event.title,
        "organizer": event.organizer,
        "completed_on": office_date(event.ends_at, timezone),
        "jp": event.jp,
        "event_id": event.id,
    }
    insert = pg_insert if _dialect(session) == "postgresql" else sqlite_insert
    result = cast(
        CursorResult[Any],
        await session.execute(insert(LearningRecord).values(**values).on_conflict_do_nothing()),
    )
    await _request_evaluation(session, registration, event, now)
    return True, event.jp if result.rowcount == 1 else 0


async def _request_evaluation(
    session: AsyncSession, registration: Registration, event: Event, now: datetime
) -> None:
    """Ask the attendee for a rating when the event ends, through the outbox (once per registration)."""
    chat_id = await session.scalar(
        select(TelegramAccount.chat_id).where(TelegramAccount.employee_id == registration.employee_id)
    )
    if chat_id is None:
        return
    await outbox.enqueue(
        session,
        chat_id=chat_id,
        kind=NotificationKind.EVALUATION,
        template="reg_rate_request",
        context={"title": event.title, "registration_id": registration.id},
        due_at=max(now, event.ends_at),
        dedupe_key=f"evaluation:{registration.id}",
    )


async def check_in(
    session: AsyncSession, *, employee_id: int, code: str, now: datetime, timezone: ZoneInfo
) -> CheckInResult:
    """`/hadir KODE`: valid from 30 minutes before the start to the end, for seat holders."""
    event = await session.scalar(
        select(Event)
        .where(Event.checkin_code == code.strip().upper())
        .execution_options(populate_existing=True)
    )
    if event is None or event.status is EventStatus.CANCELLED:
        raise UnknownCheckInCode(code)
    opens_at = event.starts_at - CHECKIN_OPENS_BEFORE
    if now < opens_at:
        raise CheckInNotOpen(opens_at)
    if now > event.ends_at:
        raise CheckInClosed(event.ends_at)
    registration = await session.scalar(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.employee_id == employee_id)
        .execution_options(populate_existing=True)
    )
    if registration is None or registration.status not in HOLDS_SEAT:
        raise NotRegistered(registration.status if registration is not None else None)
    if registration.status is Status.ATTENDED:
        return CheckInResult(registration.id, event.id, event.title, already=True, jp_credited=0)
    async with _atomic(session):
        attended, jp = await _credit(session, registration, event, now, timezone)
    return CheckInResult(registration.id, event.id, event.title, already=not attended, jp_credited=jp)


async def mark_attended(
    session: AsyncSession, *, registration_id: int, actor: int | None, now: datetime, timezone: ZoneInfo
) -> CheckInResult:
    """An organizer marks a seat holder as attended (credits the JP once)."""
    registration = await _registration(session, registration_id)
    event = await _fresh_event(session, registration.event_id)
    if registration.status not in HOLDS_SEAT:
        raise NotRegistered(registration.status)
    if registration.status is Status.ATTENDED:
        return CheckInResult(registration.id, event.id, event.title, already=True, jp_credited=0)
    async with _atomic(session):
        attended, jp = await _credit(session, registration, event, now, timezone)
        audit.record(
            session,
            action="registration.attended",
            actor_telegram_id=actor,
            subject=f"registration:{registration_id}",
            details={"event_id": event.id},
        )
    return CheckInResult(registration.id, event.id, event.title, already=not attended, jp_credited=jp)


# ---------------------------------------------------------------------------- evaluation and certificates


async def rate(
    session: AsyncSession, *, registration_id: int, employee_id: int, rating: int, comment: str | None = None
) -> None:
    """An attendee rates the event 1–5 with an optional comment. A new rating replaces the old;
    a rating without a comment (a star pressed again) keeps the comment written before."""
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise InvalidRating(rating)
    registration = await _own_registration(session, registration_id, employee_id)
    if registration.status is not Status.ATTENDED:
        raise NotAttended(registration.status)
    values: dict[str, object] = {"rating": rating}
    text = comment.strip() if comment else ""
    if text:
        values["comment"] = text
    await _rowcount(session, update(Registration).where(Registration.id == registration_id).values(values))
    await session.commit()


async def event_ratings(session: AsyncSession, *, event_id: int) -> Ratings:
    """The event's average rating and how many attendees rated it."""
    average, count = (
        await session.execute(
            select(func.avg(Registration.rating), func.count(Registration.rating)).where(
                Registration.event_id == event_id, Registration.rating.is_not(None)
            )
        )
    ).one()
    return Ratings(event_id, float(average) if average is not None else None, int(count))


async def _certificate_data(session: AsyncSession, registration_id: int) -> Certificate | None:
    row = (
        await session.execute(
            select(Registration, Employee, Event)
            .join(Employee, Employee.id == Registration.employee_id)
            .join(Event, Event.id == Registration.event_id)
            .where(Registration.id == registration_id)
            .execution_options(populate_existing=True)
        )
    ).first()
    if row is None:
        return None
    registration, employee, event = row
    if registration.certificate_code is None or registration.attended_at is None:
        return None
    return Certificate(
        code=registration.certificate_code,
        employee_name=employee.name,
        nip=employee.nip,
        event_code=event.code,
        event_title=event.title,
        organizer=event.organizer,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        jp=event.jp,
        attended_at=registration.attended_at,
    )


async def certificate(session: AsyncSession, *, registration_id: int, employee_id: int) -> Certificate:
    """The attendee's certificate data; its verification code is made once and kept."""
    registration = await _own_registration(session, registration_id, employee_id)
    if registration.status is not Status.ATTENDED:
        raise NotAttended(registration.status)
    if registration.certificate_code is None:
        while True:
            try:
                await _rowcount(
                    session,
                    update(Registration)
                    .where(Registration.id == registration_id, Registration.certificate_code.is_(None))
                    .values(certificate_code=_code(CERTIFICATE_CODE_LENGTH)),
                )
                await session.commit()
                break
            except IntegrityError:  # pragma: no cover - 32**16 codes
                await session.rollback()
    found = await _certificate_data(session, registration_id)
    assert found is not None
    return found


async def verify_certificate(session: AsyncSession, *, code: str) -> Certificate | None:
    """The certificate with this verification code, or None if there is none."""
    normalized = code.strip().upper().replace("-", "").replace(" ", "")
    registration_id = await session.scalar(
        select(Registration.id).where(
            Registration.certificate_code == normalized, Registration.status == Status.ATTENDED
        )
    )
    if registration_id is None:
        return None
    return await _certificate_data(session, registration_id)


# ---------------------------------------------------------------------------- /pendaftaran


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
    positions: dict[int, int] = {}
    if waiting:
        queue = (
            select(
                Registration.id,
                Registration.employee_id,
                func.row_number()
                .over(
                    partition_by=Registration.event_id,
                    order_by=(Registration.queued_at, Registration.id),
                )
                .label("position"),
            )
            .where(Registration.event_id.in_(waiting), Registration.status == Status.WAITLISTED)
            .subquery()
        )
        positions = {
            registration_id: position
            for registration_id, position in (
                await session.execute(
                    select(queue.c.id, queue.c.position).where(queue.c.employee_id == employee_id)
                )
            ).all()
        }
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
                awaiting_allocation=registration.status is Status.PENDING and _awaiting_allocation(event),
                event_cancelled=event.status is EventStatus.CANCELLED,
            )
        )
    return grouped
