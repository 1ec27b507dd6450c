"""Saving a previewed change of an event (`apply_change`) or cancelling it (`cancel_event`),
each in one transaction with what follows from it.

A change is saved only if the event still reads as it did in the preview, so a second press
of "save" changes and tells nothing. Saving writes the event row (locked, like every seat
change, and written by an UPDATE that holds only while the row still reads as the preview's
before: SQLite locks no row, and of two saves at once only one may write), an audit entry, a
notice in the outbox for every ASN holding a registration (registered, waitlisted or
pending) and the event's pending reminders moved or withdrawn (`db.reminders.sync`).
A cancellation does the same: the event becomes CANCELLED (an UPDATE that holds only while it
is not, so a second one does nothing), its active registrations cancelled (with `decided_by`
set: cancelled for the ASN, not by them), its seats freed, its reminders, evaluation requests
and deadline digests withdrawn.

Changes and cancellations go out as `NotificationKind.EVENT_CHANGE`, a service message, not
a kind to turn off: an ASN who silenced reminders must still learn that the training they
hold a seat for moved or will not take place, or they travel to an empty hall.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Update, case, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from db import audit, deadlines, outbox, reminders
from db.events.proposal import (
    REASONS,
    TYPED,
    EventChangeError,
    Field,
    Proposal,
    changeable,
    check,
    fresh,
    snapshot,
    stored,
)
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

#: Registrations whose holders are told about a change and lose them when the event is cancelled.
ACTIVE = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED, RegistrationStatus.PENDING)
CHANGE_ACTION = "event.change"
CANCEL_ACTION = "event.cancel"


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


# ---------------------------------------------------------------------------- changing


def _to_change(event: Event | None, proposal: Proposal, now: datetime) -> Event | None:
    """The event to change, or None when it already reads as the proposal's after."""
    event = changeable(event, now)
    current = snapshot(event, proposal.field)
    if current == proposal.after:
        return None
    if current != proposal.before:
        raise EventChangeError("stale")
    check(event, proposal.field, proposal.after, now)
    return event


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
            event = _to_change(await fresh(session, proposal.event_id), proposal, now)
            if event is not None:
                raise EventChangeError("stale")
    except EventChangeError:
        await session.commit()  # nothing written: end the transaction, the caller's objects stay loaded
        raise
    if event is None:
        await session.commit()
        return Applied(already=True, notified=0, reminders=reminders.Derived(0, 0))
    try:
        await fresh(session, event.id)  # the caller's loaded event reads as saved
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


async def _write_change(session: AsyncSession, proposal: Proposal, now: datetime) -> bool:
    """Write the proposal's after where the event still reads as its before and may still
    change (not cancelled, not started, a deadline not yet allocated by); whether it was."""
    statement = update(Event).where(
        Event.id == proposal.event_id,
        Event.status != EventStatus.CANCELLED,
        Event.starts_at > now,
        *(getattr(Event, name) == value for name, value in stored(proposal.field, proposal.before).items()),
    )
    if proposal.field is Field.DEADLINE:
        statement = statement.where(
            or_(Event.allocation != Allocation.PRIORITY, Event.allocated_at.is_(None))
        )
    return await _rowcount(session, statement.values(stored(proposal.field, proposal.after))) == 1


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
        event = await _write_cancellation(session, event_id, now)
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
        registrations, freed = await _release(session, event.id, actor=actor, now=now)
        withdrawn = await _withdraw_pending(session, event.id, now=now, timezone=timezone)
        audit.record(
            session,
            action=CANCEL_ACTION,
            actor_telegram_id=actor,
            subject=f"event:{event.id}",
            details={
                "reason": reason,
                "registrations": registrations,
                "seats_freed": freed,
                "notified": notified,
                "withdrawn": withdrawn,
            },
        )
        await fresh(session, event.id)  # the caller's loaded event reads as cancelled
    except Exception:
        await session.rollback()
        raise
    await session.commit()
    return Cancelled(
        already=False, registrations=registrations, seats_freed=freed, notified=notified, withdrawn=withdrawn
    )


def _to_cancel(event: Event | None, now: datetime) -> Event | None:
    """The event to cancel, or None when it is cancelled already."""
    if event is not None and event.status is EventStatus.CANCELLED:
        return None
    return changeable(event, now)


async def _write_cancellation(session: AsyncSession, event_id: int, now: datetime) -> Event | None:
    """Mark the event CANCELLED by an UPDATE that holds only while it is not and has not
    started; the event, or None when it was cancelled already (by a second press, or by
    another cancellation at the same moment)."""
    event = _to_cancel(await _locked(session, event_id), now)
    if event is not None and not await _rowcount(
        session,
        update(Event)
        .where(Event.id == event_id, Event.status != EventStatus.CANCELLED, Event.starts_at > now)
        .values(status=EventStatus.CANCELLED),
    ):
        event = _to_cancel(await fresh(session, event_id), now)
        if event is not None:
            raise EventChangeError("stale")
    return event


async def _release(
    session: AsyncSession, event_id: int, *, actor: int | None, now: datetime
) -> tuple[int, int]:
    """Cancel the event's active registrations for their holders and free their seats; how
    many registrations were cancelled and how many seats freed."""
    held = await session.execute(
        select(Registration.id, Registration.status).where(
            Registration.event_id == event_id, Registration.status.in_(ACTIVE)
        )
    )
    holders = list(held.tuples())
    freed = sum(1 for _, status in holders if status is RegistrationStatus.REGISTERED)
    await _rowcount(
        session,
        update(Registration)
        .where(Registration.event_id == event_id, Registration.status.in_(ACTIVE))
        .values(status=RegistrationStatus.CANCELLED, cancelled_at=now, decided_by=actor),
    )
    # Freed from the row as it is now, never written back from a count read earlier.
    await _rowcount(
        session,
        update(Event)
        .where(Event.id == event_id)
        .values(seats_taken=case((Event.seats_taken > freed, Event.seats_taken - freed), else_=0)),
    )
    return len(holders), freed


async def _withdraw_pending(
    session: AsyncSession, event_id: int, *, now: datetime, timezone: ZoneInfo
) -> int:
    """Withdraw the event's pending reminders, evaluation requests and deadline digests; how many."""
    withdrawn = (await reminders.sync(session, now=now, timezone=timezone, event_id=event_id)).withdrawn
    withdrawn += await _withdraw_evaluations(session, event_id)
    withdrawn += await deadlines.withdraw_event(session, event_id=event_id)
    return withdrawn


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


# ---------------------------------------------------------------------------- helpers


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
