"""Event reminders derived from the data: H-7 and H-1 (at 07.00 office time) and on the day
(at 06.00, with the place) for every ASN holding a seat at an upcoming event.

`derive` is idempotent and is run at start-up and periodically: each reminder has a
dedupe key (kind, registration, due time) in the outbox, so deriving again adds nothing;
pending reminders that no longer fit the data (a cancelled registration, an event moved
or cancelled) are withdrawn. Delivery, opt-outs and retries are the outbox's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db import outbox
from db.models import (
    Event,
    EventStatus,
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
