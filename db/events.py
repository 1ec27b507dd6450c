"""HR changes an event (its schedule, its place or its registration deadline) or cancels it.

A change is previewed first (`propose`: the typed text read and checked, before → after) and
saved by `apply_change` only if the event still reads as it did in the preview, so a second
press of "save" changes and tells nothing. Saving is one transaction: the event row (locked,
like every seat change, and written by an UPDATE that holds only while the row still reads
as the preview's before: SQLite locks no row, and of two saves at once only one may write),
an audit entry, a notice in the outbox for every ASN holding a registration (registered,
waitlisted or pending) and the event's pending reminders moved or withdrawn
(`db.reminders.sync`). `cancel_event` does the same for a cancellation: the event becomes
CANCELLED (an UPDATE that holds only while it is not, so a second one does nothing), its
active registrations cancelled (with `decided_by` set: cancelled for the ASN, not by them),
its seats freed, its reminders, evaluation requests and deadline digests withdrawn.

Changes and cancellations go out as `NotificationKind.EVENT_CHANGE`, a service message, not
a kind to turn off: an ASN who silenced reminders must still learn that the training they
hold a seat for moved or will not take place, or they travel to an empty hall.

Times are typed in office time (WITA), e.g. ``12/12/2026 08.00-16.00``,
``12/12/2026 08.00 - 13/12/2026 12.00`` or ``2026-12-12 08:00 s.d. 16:00``; a deadline as
one date and time (a date alone means 23.59 that day).
"""

from __future__ import annotations

import enum
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Update, case, func, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from db import audit, conversation, deadlines, office_time, outbox, reminders
from db.models import (
    Allocation,
    AuditLog,
    Event,
    EventStatus,
    NotificationKind,
    OutboxMessage,
    OutboxState,
    Registration,
    RegistrationStatus,
    TelegramAccount,
)

LOCATION_LIMIT = 300
REASON_LIMIT = 300
#: The reasons HR can pick with one press (labels `events.reason.<key>`); `typed` is their own words.
REASONS = ("speaker", "participants", "weather", "agenda")
TYPED = "typed"
#: Registrations whose holders are told about a change and lose them when the event is cancelled.
ACTIVE = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED, RegistrationStatus.PENDING)
#: The conversation flow (`conversation_states`) of HR typing a new value or a reason.
FLOW = "event_admin"
#: `Typing.field` while HR types a cancellation reason.
REASON = "reason"
CHANGE_ACTION = "event.change"
CANCEL_ACTION = "event.cancel"


class Field(enum.StrEnum):
    """What of an event HR can change."""

    SCHEDULE = "schedule"
    LOCATION = "location"
    DEADLINE = "deadline"


#: Refusals about the event itself rather than what HR typed: typing again cannot help.
EVENT_REFUSALS = frozenset({"not_found", "cancelled", "started", "allocated", "stale"})


class EventChangeError(Exception):
    """A change or cancellation that cannot be made; `reason` is a code the bot translates:

    format, no_such_date, empty, too_long (the typed text); ends_before_start,
    start_in_past, start_before_deadline, deadline_in_past, deadline_after_start,
    deadline_before_opening, unchanged (the new value); not_found, cancelled, started,
    allocated, stale (the event).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Proposal:
    """A change as previewed: the field's values before and after, as stored text (ISO in UTC)."""

    event_id: int
    field: Field
    before: dict[str, str]
    after: dict[str, str]

    def as_state(self) -> dict[str, Any]:
        """JSON for the conversation state, read back by `from_state`."""
        return {
            "event_id": self.event_id,
            "field": self.field.value,
            "before": self.before,
            "after": self.after,
        }

    @classmethod
    def from_state(cls, data: dict[str, Any]) -> Proposal | None:
        """The proposal kept in a conversation state, or None if it holds none."""
        try:
            return cls(int(data["event_id"]), Field(data["field"]), dict(data["before"]), dict(data["after"]))
        except (KeyError, TypeError, ValueError):
            return None


@dataclass(frozen=True, slots=True)
class Applied:
    """A saved change: `already` when the event had it before (a second press), and how many were told."""

    already: bool
    notified: int
    reminders: reminders.Derived


@dataclass(frozen=True, slots=True)
class Cancelled:
    """A cancellation: `already` when the event was cancelled before; registrations cancelled,
    seats freed, people told, reminders and other pending messages withdrawn."""

    already: bool
    registrations: int = 0
    seats_freed: int = 0
    notified: int = 0
    withdrawn: int = 0


@dataclass(frozen=True, slots=True)
class EventFacts:
    """What HR sees of an event while changing or cancelling it."""

    id: int
    code: str
    title: str
    starts_at: datetime
    ends_at: datetime
    location: str
    registration_deadline: datetime
    cancelled: bool
    holders: int


@dataclass(frozen=True, slots=True)
class Typing:
    """What HR is typing for an event: a field's new value or a cancellation reason (`REASON`),
    and what was read from it so far (a proposal, or the reason's text)."""

    event_id: int
    field: str
    proposal: Proposal | None = None
    reason_text: str | None = None


# ---------------------------------------------------------------------------- reading typed text


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def parse_schedule(text: str, *, timezone: ZoneInfo) -> tuple[datetime, datetime]:
    """Start and end from `DATE TIME-TIME` or `DATE TIME - DATE TIME`, in office time."""
    try:
        return office_time.parse_range(text, timezone=timezone)
    except office_time.OfficeTimeError as refusal:
        raise EventChangeError(refusal.reason) from refusal


def parse_deadline(text: str, *, timezone: ZoneInfo) -> datetime:
    """One moment from `DATE TIME`, or `DATE` for 23.59 that day, in office time."""
    try:
        return office_time.parse_moment(text, timezone=timezone, date_alone=time(23, 59))
    except office_time.OfficeTimeError as refusal:
        raise EventChangeError(refusal.reason) from refusal


def parse_location(text: str) -> str:
    """The place, trimmed; at most `LOCATION_LIMIT` characters."""
    place = " ".join(text.split())
    if not place:
        raise EventChangeError("empty")
    if len(place) > LOCATION_LIMIT:
        raise EventChangeError("too_long")
    return place


def parse_reason(text: str) -> str:
    """A cancellation reason in HR's own words; at most `REASON_LIMIT` characters."""
    reason = text.strip()
    if not reason:
        raise EventChangeError("empty")
    if len(reason) > REASON_LIMIT:
        raise EventChangeError("too_long")
    return reason


# ---------------------------------------------------------------------------- changing


def snapshot(event: Event, field: Field) -> dict[str, str]:
    """The event's current values of the field, as a proposal holds them."""
    if field is Field.SCHEDULE:
        return {"starts_at": _stamp(event.starts_at), "ends_at": _stamp(event.ends_at)}
    if field is Field.LOCATION:
        return {"location": event.location}
    return {"registration_deadline": _stamp(event.registration_deadline)}


def _changeable(event: Event | None, now: datetime) -> Event:
    if event is None:
        raise EventChangeError("not_found")
    if event.status is EventStatus.CANCELLED:
        raise EventChangeError("cancelled")
    if event.starts_at <= now:
        raise EventChangeError("started")
    return event


def _check(event: Event, field: Field, after: dict[str, str], now: datetime) -> None:
    """The rules a new value must meet, against the event as it is now."""
    if after == snapshot(event, field):
        raise EventChangeError("unchanged")
    if field is Field.SCHEDULE:
        starts_at, ends_at = _moment(after["starts_at"]), _moment(after["ends_at"])
        if ends_at <= starts_at:
            raise EventChangeError("ends_before_start")
        if starts_at <= now:
            raise EventChangeError("start_in_past")
        if starts_at < event.registration_deadline:
            raise EventChangeError("start_before_deadline")
    elif field is Field.DEADLINE:
        deadline = _moment(after["registration_deadline"])
        if event.allocation is Allocation.PRIORITY and event.allocated_at is not None:
            raise EventChangeError("allocated")
        if deadline <= now:
            raise EventChangeError("deadline_in_past")
        if deadline > event.starts_at:
            raise EventChangeError("deadline_after_start")
        if event.registration_opens_at is not None and deadline <= event.registration_opens_at:
            raise EventChangeError("deadline_before_opening")


def _to_change(event: Event | None, proposal: Proposal, now: datetime) -> Event | None:
    """The event to change, or None when it already reads as the proposal's after."""
    event = _changeable(event, now)
    current = snapshot(event, proposal.field)
    if current == proposal.after:
        return None
    if current != proposal.before:
        raise EventChangeError("stale")
    _check(event, proposal.field, proposal.after, now)
    return event


async def propose(
    session: AsyncSession, *, event_id: int, field: Field, text: str, now: datetime, timezone: ZoneInfo
) -> Proposal:
    """Read HR's typed value for the field and check it against the event: the preview."""
    event = _changeable(await _fresh(session, event_id), now)
    if field is Field.SCHEDULE:
        starts_at, ends_at = parse_schedule(text, timezone=timezone)
        after = {"starts_at": _stamp(starts_at), "ends_at": _stamp(ends_at)}
    elif field is Field.LOCATION:
        after = {"location": parse_location(text)}
    else:
        after = {"registration_deadline": _stamp(parse_deadline(text, timezone=timezone))}
    _check(event, field, after, now)
    return Proposal(event.id, field, snapshot(event, field), after)


async def apply_change(
    session: AsyncSession, *, proposal: Proposal, actor: int | None, now: datetime, timezone: ZoneInfo
) -> Applied:
    """Save a previewed change, tell every registrant and move the reminders (commits).

    Refused as `stale` when the event changed since the preview; `already` (nothing done)
    when it already reads as the proposal's after. The event is written by one UPDATE that
    holds only while it still reads as the preview's before, so of two saves at once (a double
    tap) one writes and tells, the other finds the change made: on SQLite too, where the row
    lock of `_locked` is no lock at all.
    """
    try:
        event = _to_change(await _locked(session, proposal.event_id), proposal, now)
        if event is not None and not await _write_change(session, proposal, now):
            event = _to_change(await _fresh(session, proposal.event_id), proposal, now)
            if event is not None:
                raise EventChangeError("stale")
    except EventChangeError:
        await session.commit()  # nothing written: end the transaction, the caller's objects stay loaded
        raise
    if event is None:
        await session.commit()
        return Applied(already=True, notified=0, reminders=reminders.Derived(0, 0))
    try:
        await _fresh(session, event.id)  # the caller's loaded event reads as saved
        subject = f"event:{event.id}"
        change = {"field": proposal.field.value, "from": proposal.before, "to": proposal.after}
        notified = await _tell_holders(
            session,
            event,
            now=now,
            key=await _change_key(session, event.id, change),
            template="event_changed",
            context={
                "title": event.title,
                "code": event.code,
                "field": proposal.field.value,
                "before": proposal.before,
                "after": proposal.after,
            },
        )
        audit.record(
            session,
            action=CHANGE_ACTION,
            actor_telegram_id=actor,
            subject=subject,
            details={**change, "notified": notified},
        )
        moved = await reminders.sync(session, now=now, timezone=timezone, event_id=event.id)
        if proposal.field is Field.DEADLINE:
            await deadlines.withdraw_event(session, event_id=event.id)
    except Exception:
        await session.rollback()
        raise
    await session.commit()
    return Applied(already=False, notified=notified, reminders=moved)


def _stored(field: Field, values: dict[str, str]) -> dict[str, str | datetime]:
    """A proposal's values as the event's columns hold them."""
    return {name: value if field is Field.LOCATION else _moment(value) for name, value in values.items()}


async def _write_change(session: AsyncSession, proposal: Proposal, now: datetime) -> bool:
    """Write the proposal's after where the event still reads as its before and may still
    change (not cancelled, not started, a deadline not yet allocated by); whether it was."""
    statement = update(Event).where(
        Event.id == proposal.event_id,
        Event.status != EventStatus.CANCELLED,
        Event.starts_at > now,
        *(getattr(Event, name) == value for name, value in _stored(proposal.field, proposal.before).items()),
    )
    if proposal.field is Field.DEADLINE:
        statement = statement.where(
            or_(Event.allocation != Allocation.PRIORITY, Event.allocated_at.is_(None))
        )
    return await _rowcount(session, statement.values(_stored(proposal.field, proposal.after))) == 1


async def _change_key(session: AsyncSession, event_id: int, change: dict[str, Any]) -> str:
    """The notices' dedupe key, from what changed rather than from a count of saves: the same
    change saved twice is told once. Made again later (moved there, back, and there again),
    it is a new round, told again."""
    earlier = await session.scalars(
        select(AuditLog.details).where(
            AuditLog.action == CHANGE_ACTION, AuditLog.subject == f"event:{event_id}"
        )
    )
    rounds = sum(1 for details in earlier if {name: details.get(name) for name in change} == change)
    digest = hashlib.sha256(json.dumps([change, rounds], sort_keys=True).encode()).hexdigest()
    return f"event-change:{event_id}:{digest[:16]}"


# ---------------------------------------------------------------------------- cancelling


async def cancel_event(
    session: AsyncSession,
    *,
    event_id: int,
    reason: str,
    reason_text: str | None,
    actor: int | None,
    now: datetime,
    timezone: ZoneInfo,
) -> Cancelled:
    """Cancel an event that has not started, with a reason from `REASONS` or `TYPED` with
    `reason_text` (commits). A second cancellation does nothing (`already`).

    The registrants read the reason; the audit log keeps only its key (`typed` for HR's own
    words, which may name people)."""
    if reason not in (*REASONS, TYPED) or (reason == TYPED) != (reason_text is not None):
        raise ValueError("a cancellation reason is one of REASONS, or TYPED with its text")
    try:
        event = _to_cancel(await _locked(session, event_id), now)
        if event is not None and not await _rowcount(
            session,
            update(Event)
            .where(Event.id == event_id, Event.status != EventStatus.CANCELLED, Event.starts_at > now)
            .values(status=EventStatus.CANCELLED),
        ):
            event = _to_cancel(await _fresh(session, event_id), now)
            if event is not None:
                raise EventChangeError("stale")
    except EventChangeError:
        await session.commit()
        raise
    if event is None:
        await session.commit()
        return Cancelled(already=True)
    try:
        notified = await _tell_holders(
            session,
            event,
            now=now,
            key=f"event-cancel:{event.id}",
            template="event_cancelled",
            context={"title": event.title, "code": event.code, "reason": reason, "reason_text": reason_text},
        )
        held = await session.execute(
            select(Registration.id, Registration.status).where(
                Registration.event_id == event.id, Registration.status.in_(ACTIVE)
            )
        )
        holders = list(held.tuples())
        freed = sum(1 for _, status in holders if status is RegistrationStatus.REGISTERED)
        await _rowcount(
            session,
            update(Registration)
            .where(Registration.event_id == event.id, Registration.status.in_(ACTIVE))
            .values(status=RegistrationStatus.CANCELLED, cancelled_at=now, decided_by=actor),
        )
        # Freed from the row as it is now, never written back from a count read earlier.
        await _rowcount(
            session,
            update(Event)
            .where(Event.id == event.id)
            .values(seats_taken=case((Event.seats_taken > freed, Event.seats_taken - freed), else_=0)),
        )
        withdrawn = (await reminders.sync(session, now=now, timezone=timezone, event_id=event.id)).withdrawn
        withdrawn += await _withdraw_evaluations(session, event.id)
        withdrawn += await deadlines.withdraw_event(session, event_id=event.id)
        audit.record(
            session,
            action=CANCEL_ACTION,
            actor_telegram_id=actor,
            subject=f"event:{event.id}",
            details={
                "reason": reason,
                "registrations": len(holders),
                "seats_freed": freed,
                "notified": notified,
                "withdrawn": withdrawn,
            },
        )
        await _fresh(session, event.id)  # the caller's loaded event reads as cancelled
    except Exception:
        await session.rollback()
        raise
    await session.commit()
    return Cancelled(
        already=False, registrations=len(holders), seats_freed=freed, notified=notified, withdrawn=withdrawn
    )


def _to_cancel(event: Event | None, now: datetime) -> Event | None:
    """The event to cancel, or None when it is cancelled already."""
    if event is not None and event.status is EventStatus.CANCELLED:
        return None
    return _changeable(event, now)


# ---------------------------------------------------------------------------- what HR sees and types


async def facts(session: AsyncSession, *, event_id: int) -> EventFacts | None:
    """The event with its count of active registrations, or None if unknown."""
    event = await _fresh(session, event_id)
    if event is None:
        return None
    holders = await session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(Registration.event_id == event_id, Registration.status.in_(ACTIVE))
    )
    return EventFacts(
        id=event.id,
        code=event.code,
        title=event.title,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        location=event.location,
        registration_deadline=event.registration_deadline,
        cancelled=event.status is EventStatus.CANCELLED,
        holders=int(holders or 0),
    )


async def await_typing(session: AsyncSession, *, telegram_user_id: int, typing: Typing) -> None:
    """Remember what the user's next text is for (replaces any other flow; commits)."""
    data: dict[str, Any] = {"event_id": typing.event_id, "field": typing.field}
    if typing.proposal is not None:
        data["proposal"] = typing.proposal.as_state()
    if typing.reason_text is not None:
        data["reason_text"] = typing.reason_text
    await conversation.enter(
        session, telegram_user_id=telegram_user_id, flow=FLOW, step=typing.field, data=data
    )
    await session.commit()


async def typing(session: AsyncSession, *, telegram_user_id: int) -> Typing | None:
    """What this user is typing for, if they are in this flow."""
    state = await conversation.step_in(session, telegram_user_id=telegram_user_id, flow=FLOW)
    if state is None:
        return None
    data = state.data
    proposal = Proposal.from_state(data["proposal"]) if isinstance(data.get("proposal"), dict) else None
    reason_text = data.get("reason_text")
    return Typing(
        int(data["event_id"]),
        str(data["field"]),
        proposal,
        str(reason_text) if reason_text is not None else None,
    )


async def stop_typing(session: AsyncSession, *, telegram_user_id: int) -> None:
    """Leave this flow (saved, cancelled or refused); other flows' state is left alone (commits)."""
    await conversation.leave(session, telegram_user_id=telegram_user_id, flow=FLOW)
    await session.commit()


# ---------------------------------------------------------------------------- helpers


async def _fresh(session: AsyncSession, event_id: int) -> Event | None:
    found: Event | None = await session.scalar(
        select(Event).where(Event.id == event_id).execution_options(populate_existing=True)
    )
    return found


async def _locked(session: AsyncSession, event_id: int) -> Event | None:
    """The event row, locked until the transaction ends on PostgreSQL. SQLite ignores the lock
    (the read takes none), so every write after it is conditional on what was read."""
    found: Event | None = await session.scalar(
        select(Event).where(Event.id == event_id).with_for_update().execution_options(populate_existing=True)
    )
    return found


async def _rowcount(session: AsyncSession, statement: Update) -> int:
    result = cast(
        CursorResult[Any], await session.execute(statement.execution_options(synchronize_session=False))
    )
    return result.rowcount


async def _tell_holders(
    session: AsyncSession, event: Event, *, now: datetime, key: str, template: str, context: dict[str, Any]
) -> int:
    """A notice to every linked ASN holding an active registration; keyed per registration,
    so the same notice is never queued twice. How many were queued."""
    rows = await session.execute(
        select(Registration.id, TelegramAccount.chat_id)
        .join(TelegramAccount, TelegramAccount.employee_id == Registration.employee_id)
        .where(
            Registration.event_id == event.id,
            Registration.status.in_(ACTIVE),
            TelegramAccount.blocked_at.is_(None),
        )
    )
    return await outbox.enqueue_many(
        session,
        [
            outbox.NewMessage(
                chat_id=chat_id,
                kind=NotificationKind.EVENT_CHANGE,
                due_at=now,
                template=template,
                context=context,
                dedupe_key=f"{key}:{registration_id}",
            )
            for registration_id, chat_id in rows.tuples()
        ],
    )


async def _withdraw_evaluations(session: AsyncSession, event_id: int) -> int:
    """Skip the event's pending evaluation requests (`db.registration` keys them per registration)."""
    ids = await session.scalars(select(Registration.id).where(Registration.event_id == event_id))
    keys = [f"evaluation:{registration_id}" for registration_id in ids]
    if not keys:
        return 0
    return await _rowcount(
        session,
        update(OutboxMessage)
        .where(OutboxMessage.dedupe_key.in_(keys), OutboxMessage.state == OutboxState.PENDING)
        .values(state=OutboxState.SKIPPED, last_error=f"{reminders.WITHDRAWN}event cancelled"),
    )


__all__ = [
    "ACTIVE",
    "EVENT_REFUSALS",
    "FLOW",
    "REASON",
    "REASONS",
    "TYPED",
    "Applied",
    "Cancelled",
    "EventChangeError",
    "EventFacts",
    "Field",
    "Proposal",
    "Typing",
    "apply_change",
    "await_typing",
    "cancel_event",
    "facts",
    "parse_deadline",
    "parse_location",
    "parse_reason",
    "parse_schedule",
    "propose",
    "snapshot",
    "stop_typing",
    "typing",
]
