"""What HR and organizers see in `/admin` and in exports: the events they may manage,
each event's counts, its registrants (with waitlist positions) and the ASN's chat.

Rights live here, not in the handlers: every function takes the caller's `Scope`, and an
event or registration outside it reads as "not found". HR sees every event and full NIPs;
an organizer sees only events whose `Event.organizer` is one of their granted organizer
names, with NIPs masked (`db.identity.mask_nip`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from db import audit
from db.identity import mask_nip
from db.models import (
    Allocation,
    Employee,
    Event,
    EventStatus,
    Position,
    Registration,
    RegistrationStatus,
    Role,
    RoleGrant,
    Unit,
)

Status = RegistrationStatus
#: Events that ended less than this long ago still show in the admin menu.
RECENT = timedelta(days=30)
#: The order registrants are listed in: who is coming first, who is not last.
LIST_ORDER = (
    Status.ATTENDED,
    Status.REGISTERED,
    Status.PENDING,
    Status.WAITLISTED,
    Status.CANCELLED,
    Status.REJECTED,
)


@dataclass(frozen=True, slots=True)
class Scope:
    """What one admin may see: every event (HR), or the events of their organizer names."""

    telegram_user_id: int | None
    hr: bool
    organizers: frozenset[str] = frozenset()

    @property
    def full_nip(self) -> bool:
        """HR sees full NIPs; organizers see them masked."""
        return self.hr

    def event_filter(self) -> ColumnElement[bool]:
        """The SQL condition on `Event` for the events within the scope."""
        return true() if self.hr else Event.organizer.in_(sorted(self.organizers))


#: The command line runs on HR's server: it sees everything, with full NIPs.
HR_SCOPE = Scope(None, hr=True)


@dataclass(frozen=True, slots=True)
class EventRow:
    """One event in the admin list."""

    id: int
    code: str
    title: str
    organizer: str
    starts_at: datetime
    ends_at: datetime
    quota: int
    seats_taken: int
    event_cancelled: bool


@dataclass(frozen=True, slots=True)
class EventsPage:
    """A page of the admin list; `page` is 0-based and `pages` at least 1."""

    items: list[EventRow]
    page: int
    pages: int
    total: int


@dataclass(frozen=True, slots=True)
class EventSummary:
    """One event with its registration counts, for the admin's event screen."""

    id: int
    code: str
    title: str
    organizer: str
    location: str
    starts_at: datetime
    ends_at: datetime
    jp: int
    quota: int
    seats_taken: int
    registered: int
    waitlisted: int
    pending: int
    attended: int
    cancelled: int
    rejected: int
    priority: bool
    allocated_at: datetime | None
    requires_approval: bool
    checkin_code: str | None
    event_cancelled: bool

    @property
    def seats_left(self) -> int:
        """Seats still free."""
        return max(self.quota - self.seats_taken, 0)

    @property
    def awaiting_allocation(self) -> bool:
        """A priority event whose seats have not been given yet."""
        return self.priority and self.allocated_at is None

    @property
    def decidable(self) -> bool:
        """Whether pending registrations wait for an HR/organizer decision (not for allocation)."""
        return self.requires_approval and not self.priority


@dataclass(frozen=True, slots=True)
class Registrant:
    """One registration as HR or the organizer sees it (`nip` masked for organizers)."""

    registration_id: int
    event_id: int
    employee_id: int
    name: str
    nip: str
    unit: str
    position: str
    status: RegistrationStatus
    waitlist_position: int | None
    registered_at: datetime
    confirmed_at: datetime | None
    cancelled_at: datetime | None
    attended_at: datetime | None
    rating: int | None


async def scope_for(session: AsyncSession, *, telegram_user_id: int, roles: Iterable[Role]) -> Scope | None:
    """The caller's admin scope from their roles (`Caller.roles`); None for everyone else."""
    held = set(roles)
    if Role.HR in held:
        return Scope(telegram_user_id, hr=True)
    if Role.ORGANIZER not in held:
        return None
    names = await session.scalars(
        select(RoleGrant.organizer).where(
            RoleGrant.telegram_user_id == telegram_user_id,
            RoleGrant.role == Role.ORGANIZER,
            RoleGrant.organizer.is_not(None),
        )
    )
    return Scope(telegram_user_id, hr=False, organizers=frozenset(name for name in names if name))


async def events_page(
    session: AsyncSession, *, scope: Scope, now: datetime, page: int = 0, per_page: int = 5
) -> EventsPage:
    """The events the admin may manage that have not ended or ended within `RECENT`,
    soonest first; a page outside the range is clamped into it."""
    if per_page < 1:
        raise ValueError("per_page must be at least 1")
    conditions = [scope.event_filter(), Event.ends_at > now - RECENT]
    total = await session.scalar(select(func.count()).select_from(Event).where(*conditions)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(page, 0), pages - 1)
    events = await session.scalars(
        select(Event)
        .where(*conditions)
        .order_by(Event.starts_at, Event.code)
        .offset(page * per_page)
        .limit(per_page)
    )
    items = [
        EventRow(
            e.id,
            e.code,
            e.title,
            e.organizer,
            e.starts_at,
            e.ends_at,
            e.quota,
            e.seats_taken,
            e.status is EventStatus.CANCELLED,
        )
        for e in events
    ]
    return EventsPage(items, page, pages, total)


async def _visible_event(session: AsyncSession, scope: Scope, event_id: int) -> Event | None:
    found: Event | None = await session.scalar(
        select(Event)
        .where(Event.id == event_id, scope.event_filter())
        .execution_options(populate_existing=True)
    )
    return found


async def event_summary(session: AsyncSession, *, scope: Scope, event_id: int) -> EventSummary | None:
    """The event with its counts by status; None when unknown or outside the scope."""
    event = await _visible_event(session, scope, event_id)
    if event is None:
        return None
    rows = await session.execute(
        select(Registration.status, func.count())
        .where(Registration.event_id == event_id)
        .group_by(Registration.status)
    )
    counts: dict[RegistrationStatus, int] = {status: count for status, count in rows.tuples()}
    return EventSummary(
        id=event.id,
        code=event.code,
        title=event.title,
        organizer=event.organizer,
        location=event.location,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        jp=event.jp,
        quota=event.quota,
        seats_taken=event.seats_taken,
        registered=counts.get(Status.REGISTERED, 0),
        waitlisted=counts.get(Status.WAITLISTED, 0),
        pending=counts.get(Status.PENDING, 0),
        attended=counts.get(Status.ATTENDED, 0),
        cancelled=counts.get(Status.CANCELLED, 0),
        rejected=counts.get(Status.REJECTED, 0),
        priority=event.allocation is Allocation.PRIORITY,
        allocated_at=event.allocated_at,
        requires_approval=event.requires_approval,
        checkin_code=event.checkin_code,
        event_cancelled=event.status is EventStatus.CANCELLED,
    )


async def event_id_by_code(session: AsyncSession, *, code: str) -> int | None:
    """The id of the event with this code (case-insensitive), or None."""
    found: int | None = await session.scalar(
        select(Event.id).where(func.upper(Event.code) == code.strip().upper())
    )
    return found


async def registrants(
    session: AsyncSession,
    *,
    scope: Scope,
    event_id: int,
    statuses: Iterable[RegistrationStatus] | None = None,
) -> list[Registrant] | None:
    """The event's registrations in `LIST_ORDER` (the waitlist in queue order, others by
    registration time), optionally only some statuses; None when the event is not visible."""
    if await _visible_event(session, scope, event_id) is None:
        return None
    wanted = tuple(statuses) if statuses is not None else tuple(Status)
    queue = (
        select(
            Registration.id.label("id"),
            func.row_number().over(order_by=(Registration.queued_at, Registration.id)).label("position"),
        )
        .where(Registration.event_id == event_id, Registration.status == Status.WAITLISTED)
        .subquery()
    )
    rows = await session.execute(
        select(Registration, Employee.name, Employee.nip, Unit.name, Position.name, queue.c.position)
        .join(Employee, Employee.id == Registration.employee_id)
        .join(Unit, Unit.id == Employee.unit_id)
        .join(Position, Position.id == Employee.position_id)
        .outerjoin(queue, queue.c.id == Registration.id)
        .where(Registration.event_id == event_id, Registration.status.in_(wanted))
        .execution_options(populate_existing=True)
    )
    found = [
        Registrant(
            registration_id=registration.id,
            event_id=registration.event_id,
            employee_id=registration.employee_id,
            name=name,
            nip=nip if scope.full_nip else mask_nip(nip),
            unit=unit,
            position=position,
            status=registration.status,
            waitlist_position=waitlist_position,
            registered_at=registration.registered_at,
            confirmed_at=registration.confirmed_at,
            cancelled_at=registration.cancelled_at,
            attended_at=registration.attended_at,
            rating=registration.rating,
        )
        for registration, name, nip, unit, position, waitlist_position in rows.tuples()
    ]
    found.sort(
        key=lambda r: (
            LIST_ORDER.index(r.status),
            r.waitlist_position or 0,
            r.registered_at,
            r.registration_id,
        )
    )
    return found


async def registrant(session: AsyncSession, *, scope: Scope, registration_id: int) -> Registrant | None:
    """One registration, if its event is within the scope (re-checked on every button press)."""
    event_id = await session.scalar(select(Registration.event_id).where(Registration.id == registration_id))
    if event_id is None:
        return None
    listed = await registrants(session, scope=scope, event_id=event_id)
    return next((r for r in listed or [] if r.registration_id == registration_id), None)


def record_export(session: AsyncSession, *, actor: int | None, event_id: int, file_format: str) -> None:
    """Audit that a registrant list left the system (personal data); the caller commits."""
    audit.record(
        session,
        action="registrations.exported",
        actor_telegram_id=actor,
        subject=f"event:{event_id}",
        details={"format": file_format},
    )
