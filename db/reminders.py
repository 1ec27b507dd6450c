"""Reminders derived from the data: H-7 and H-1 (at 07.00 office time) and on the day (at
06.00, with the place) for every ASN holding a seat at an upcoming event; and, from
October, a monthly nudge to ASN still below the yearly JP target, counting the JP of the
events they hold a seat at this year as planned.

`derive` is idempotent and is run at start-up and periodically: each reminder has a
dedupe key (kind, registration, due time) in the outbox, so deriving again adds nothing;
pending reminders that no longer fit the data (a cancelled registration, an event moved
or cancelled) are withdrawn, and come back if the data calls for them again. A reminder
more than `GRACE` late is not added any more, but one already pending stays pending however
late it is: a dispatcher an hour behind on a long broadcast queue sends it late, not never.
`sync` does the same for one event inside the caller's transaction (`db.events` changing
it), and `reconcile` is the rule shared with the other derivations (`db.deadlines`).
Delivery, opt-outs and retries are the outbox's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db import outbox
from db.learning import planned_in
from db.models import (
    Event,
    EventStatus,
    LearningRecord,
    NotificationKind,
    OutboxMessage,
    OutboxState,
    Registration,
    RegistrationStatus,
    TelegramAccount,
)

PREFIX = "reminder:"
#: (name, days before the start, office-time hour) of each reminder.
SCHEDULE: tuple[tuple[str, int, int], ...] = (("h7", 7, 7), ("h1", 1, 7), ("today", 0, 6))
#: A reminder due this long ago and not yet in the outbox is still added (a bot down at 07.00).
GRACE = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Derived:
    """What one derivation did."""

    added: int
    withdrawn: int


def due_at(starts_at: datetime, *, days_before: int, hour: int, timezone: ZoneInfo) -> datetime:
    """The reminder's moment: `hour` o'clock office time, `days_before` days before the start day."""
    day = starts_at.astimezone(timezone).date() - timedelta(days=days_before)
    return datetime.combine(day, time(hour), tzinfo=timezone)


#: How `last_error` starts for a row withdrawn because the data no longer calls for it.
WITHDRAWN = "withdrawn: "
_CHUNK = 500


async def derive(session: AsyncSession, *, now: datetime, timezone: ZoneInfo) -> Derived:
    """Bring the outbox's pending event reminders in line with the registrations (commits)."""
    derived = await sync(session, now=now, timezone=timezone)
    await session.commit()
    return derived


async def sync(
    session: AsyncSession, *, now: datetime, timezone: ZoneInfo, event_id: int | None = None
) -> Derived:
    """`derive` without the commit, for every event or only `event_id` (changed or cancelled
    right now: its reminders follow in the transaction that changed it)."""
    query = (
        select(Registration.id, TelegramAccount.chat_id, Event.title, Event.starts_at, Event.location)
        .join(Event, Event.id == Registration.event_id)
        .join(TelegramAccount, TelegramAccount.employee_id == Registration.employee_id)
        .where(
            Registration.status == RegistrationStatus.REGISTERED,
            Event.status == EventStatus.PUBLISHED,
            Event.starts_at > now,
        )
    )
    among: ColumnElement[bool] | None = None
    owns: Callable[[str], bool] | None = None
    if event_id is not None:
        query = query.where(Registration.event_id == event_id)
        ids = set(await session.scalars(select(Registration.id).where(Registration.event_id == event_id)))
        owns = partial(_of_registrations, ids)
        # Through the outbox's chat index rather than every pending reminder: an employee has one
        # linked chat (another needs /hapus_data first, which deletes the chat's pending rows).
        among = OutboxMessage.chat_id.in_(
            select(TelegramAccount.chat_id)
            .join(Registration, Registration.employee_id == TelegramAccount.employee_id)
            .where(Registration.event_id == event_id)
        )
    wanted: dict[str, outbox.NewMessage] = {}
    for registration_id, chat_id, title, starts_at, location in (await session.execute(query)).tuples():
        for name, days_before, hour in SCHEDULE:
            when = due_at(starts_at, days_before=days_before, hour=hour, timezone=timezone)
            if when >= starts_at:
                continue
            key = f"{PREFIX}{name}:{registration_id}:{when.astimezone(timezone):%Y%m%d%H%M}"
            wanted[key] = outbox.NewMessage(
                chat_id=chat_id,
                kind=NotificationKind.EVENT_REMINDER,
                due_at=when,
                template=f"reminder_{name}",
                context={"title": title, "starts_at": starts_at.isoformat(), "location": location},
                dedupe_key=key,
                # retried after failures until the event starts, no longer
                expires_at=starts_at,
            )
    return await reconcile(
        session,
        prefix=PREFIX,
        wanted=wanted,
        since=now - GRACE,
        among=among,
        owns=owns,
        reason="no longer matches the registration",
    )


def _of_registrations(ids: set[int], key: str) -> bool:
    """Is this reminder key (`reminder:<name>:<registration>:<when>`) one of these registrations'?"""
    registration = key.split(":")[2]
    return registration.isdigit() and int(registration) in ids


async def reconcile(
    session: AsyncSession,
    *,
    prefix: str,
    wanted: Mapping[str, outbox.NewMessage],
    since: datetime,
    reason: str,
    among: ColumnElement[bool] | None = None,
    owns: Callable[[str], bool] | None = None,
) -> Derived:
    """Make the pending outbox rows whose dedupe key starts with `prefix` (and, given them,
    that meet `among` in SQL and that `owns` accepts) what the data calls for: `wanted`,
    keyed by dedupe key, every message the data calls for however late (no commit).

    Pending rows no longer wanted are skipped as withdrawn; a pending row still wanted stays,
    even long after its time; a pending row whose context changed (the event's title or place)
    is rewritten. A wanted message due after `since` and not in the outbox is added,
    or is pending again if it was withdrawn earlier (a registration cancelled and made again).
    """
    query = select(OutboxMessage.id, OutboxMessage.dedupe_key, OutboxMessage.context).where(
        OutboxMessage.state == OutboxState.PENDING, OutboxMessage.dedupe_key.startswith(prefix)
    )
    if among is not None:
        query = query.where(among)
    pending = {
        key: (row_id, context)
        for row_id, key, context in (await session.execute(query)).tuples()
        if key is not None and (owns is None or owns(key))
    }
    stale = [row_id for key, (row_id, _) in pending.items() if key not in wanted]
    for start in range(0, len(stale), _CHUNK):
        await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id.in_(stale[start : start + _CHUNK]),
                OutboxMessage.state == OutboxState.PENDING,
            )
            .values(state=OutboxState.SKIPPED, last_error=f"{WITHDRAWN}{reason}")
            .execution_options(synchronize_session=False)
        )
    for key, (row_id, context) in pending.items():
        message = wanted.get(key)
        if message is not None and message.context != context:
            await _rewrite(session, row_id, message)
    fresh = [message for key, message in wanted.items() if key not in pending and message.due_at > since]
    revived = await _revive(session, fresh)
    added = await outbox.enqueue_many(session, [m for m in fresh if m.dedupe_key not in revived])
    return Derived(added=added + len(revived), withdrawn=len(stale))


async def _rewrite(session: AsyncSession, row_id: int, message: outbox.NewMessage) -> None:
    values: dict[str, Any] = {
        "context": message.context,
        "due_at": message.due_at,
        "chat_id": message.chat_id,
    }
    if message.expires_at is not None:  # the event moved: so did the end of the retries
        values["expires_at"] = message.expires_at
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id)
        .values(values)
        .execution_options(synchronize_session=False)
    )


async def _revive(session: AsyncSession, messages: list[outbox.NewMessage]) -> set[str]:
    """Withdrawn rows that are wanted again: pending again, with today's context."""
    by_key = {m.dedupe_key: m for m in messages if m.dedupe_key is not None}
    keys = list(by_key)
    revived: dict[str, int] = {}
    for start in range(0, len(keys), _CHUNK):
        rows = await session.execute(
            select(OutboxMessage.id, OutboxMessage.dedupe_key).where(
                OutboxMessage.dedupe_key.in_(keys[start : start + _CHUNK]),
                OutboxMessage.state == OutboxState.SKIPPED,
                OutboxMessage.last_error.startswith(WITHDRAWN),
            )
        )
        revived.update({str(key): row_id for row_id, key in rows.tuples()})
    for key, row_id in revived.items():
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row_id)
            .values(state=OutboxState.PENDING, last_error=None, attempts=0, unconfirmed=0)
            .execution_options(synchronize_session=False)
        )
        await _rewrite(session, row_id, by_key[key])
    return set(revived)


#: From this month on, ASN below the yearly JP target get a nudge on the first of each month.
JP_NUDGE_FROM_MONTH = 10
JP_NUDGE_HOUR = 8


async def derive_jp_nudges(session: AsyncSession, *, now: datetime, timezone: ZoneInfo, target: int) -> int:
    """From October, on the first of the month at 08.00: a nudge to each linked ASN whose JP
    this year, completed and planned (seats held at events of the year not ended yet), stay
    below the target (once per month; commits). Returns how many were added."""
    today = now.astimezone(timezone).date()
    if today.month < JP_NUDGE_FROM_MONTH:
        return 0
    when = datetime.combine(today.replace(day=1), time(JP_NUDGE_HOUR), tzinfo=timezone)
    if when > now:
        return 0
    year_start, year_end = today.replace(month=1, day=1), today.replace(month=12, day=31)
    totals = (
        select(LearningRecord.employee_id, func.sum(LearningRecord.jp).label("jp"))
        .where(LearningRecord.completed_on.between(year_start, year_end))
        .group_by(LearningRecord.employee_id)
        .subquery()
    )
    planned = (
        select(Registration.employee_id, func.sum(Event.jp).label("jp"))
        .join(Event, Event.id == Registration.event_id)
        .where(planned_in(today.year, now=now, timezone=timezone))
        .group_by(Registration.employee_id)
        .subquery()
    )
    done, coming = func.coalesce(totals.c.jp, 0), func.coalesce(planned.c.jp, 0)
    rows = await session.execute(
        select(TelegramAccount.chat_id, TelegramAccount.employee_id, done, coming)
        .outerjoin(totals, totals.c.employee_id == TelegramAccount.employee_id)
        .outerjoin(planned, planned.c.employee_id == TelegramAccount.employee_id)
        .where(TelegramAccount.employee_id.is_not(None), done + coming < target)
    )
    added = await outbox.enqueue_many(
        session,
        [
            outbox.NewMessage(
                chat_id=chat_id,
                kind=NotificationKind.JP_NUDGE,
                due_at=when,
                template="reminder_jp",
                context={"total": int(total), "planned": int(ahead), "target": target, "year": today.year},
                dedupe_key=f"jp:{employee_id}:{today:%Y-%m}",
            )
            for chat_id, employee_id, total, ahead in rows.tuples()
        ],
    )
    await session.commit()
    return added
