"""Reminders derived from the data: H-7 and H-1 (at 07.00 office time) and on the day (at
06.00, with the place) for every ASN holding a seat at an upcoming event; and, from
October, a monthly nudge to ASN still below the yearly JP target.

`derive` is idempotent and is run at start-up and periodically: each reminder has a
dedupe key (kind, registration, due time) in the outbox, so deriving again adds nothing;
pending reminders that no longer fit the data (a cancelled registration, an event moved
or cancelled) are withdrawn. Delivery, opt-outs and retries are the outbox's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db import outbox
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


@dataclass(frozen=True, slots=True)
class Derived:
    """What one derivation did."""

    added: int
    withdrawn: int


def due_at(starts_at: datetime, *, days_before: int, hour: int, timezone: ZoneInfo) -> datetime:
    """The reminder's moment: `hour` o'clock office time, `days_before` days before the start day."""
    day = starts_at.astimezone(timezone).date() - timedelta(days=days_before)
    return datetime.combine(day, time(hour), tzinfo=timezone)


async def derive(session: AsyncSession, *, now: datetime, timezone: ZoneInfo) -> Derived:
    """Bring the outbox's pending event reminders in line with the registrations (commits)."""
    rows = await session.execute(
        select(Registration.id, TelegramAccount.chat_id, Event.title, Event.starts_at, Event.location)
        .join(Event, Event.id == Registration.event_id)
        .join(TelegramAccount, TelegramAccount.employee_id == Registration.employee_id)
        .where(
            Registration.status == RegistrationStatus.REGISTERED,
            Event.status == EventStatus.PUBLISHED,
            Event.starts_at > now,
        )
    )
    wanted: dict[str, outbox.NewMessage] = {}
    for registration_id, chat_id, title, starts_at, location in rows.tuples():
        for name, days_before, hour in SCHEDULE:
            when = due_at(starts_at, days_before=days_before, hour=hour, timezone=timezone)
            if when <= now - timedelta(hours=1) or when >= starts_at:
                continue
            key = f"{PREFIX}{name}:{registration_id}:{when.astimezone(timezone):%Y%m%d%H%M}"
            wanted[key] = outbox.NewMessage(
                chat_id=chat_id,
                kind=NotificationKind.EVENT_REMINDER,
                due_at=when,
                template=f"reminder_{name}",
                context={"title": title, "starts_at": starts_at.isoformat(), "location": location},
                dedupe_key=key,
            )
    pending = set(
        await session.scalars(
            select(OutboxMessage.dedupe_key).where(
                OutboxMessage.state == OutboxState.PENDING, OutboxMessage.dedupe_key.startswith(PREFIX)
            )
        )
    )
    stale = [key for key in pending if key is not None and key not in wanted]
    if stale:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.dedupe_key.in_(stale), OutboxMessage.state == OutboxState.PENDING)
            .values(state=OutboxState.SKIPPED, last_error="withdrawn: no longer matches the registration")
            .execution_options(synchronize_session=False)
        )
    added = await outbox.enqueue_many(session, [m for key, m in wanted.items() if key not in pending])
    await session.commit()
    return Derived(added=added, withdrawn=len(stale))


#: From this month on, ASN below the yearly JP target get a nudge on the first of each month.
JP_NUDGE_FROM_MONTH = 10
JP_NUDGE_HOUR = 8


async def derive_jp_nudges(session: AsyncSession, *, now: datetime, timezone: ZoneInfo, target: int) -> int:
    """From October, on the first of the month at 08.00: a nudge to each linked ASN still below
    the JP target this year (once per month; commits). Returns how many were added."""
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
    rows = await session.execute(
        select(TelegramAccount.chat_id, TelegramAccount.employee_id, func.coalesce(totals.c.jp, 0))
        .outerjoin(totals, totals.c.employee_id == TelegramAccount.employee_id)
        .where(TelegramAccount.employee_id.is_not(None), func.coalesce(totals.c.jp, 0) < target)
    )
    added = await outbox.enqueue_many(
        session,
        [
            outbox.NewMessage(
                chat_id=chat_id,
                kind=NotificationKind.JP_NUDGE,
                due_at=when,
                template="reminder_jp",
                context={"total": int(total), "target": target, "year": today.year},
                dedupe_key=f"jp:{employee_id}:{today:%Y-%m}",
            )
            for chat_id, employee_id, total in rows.tuples()
        ],
    )
    await session.commit()
    return added
