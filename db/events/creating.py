"""New events made in the chat: a DRAFT row as soon as it has a kind and a title (so every
later step, press or photo is written to it and survives a restart), with defaults for
everything else; a readable unique code; and a copy of an event for its next batch.

Drafts are rows rather than a dict in the conversation state because the pickers, the poster
and the edit screen all work on an event by id, and a DRAFT is never registered for, listed
in the catalog or shown to other organizers.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db import audit
from db.calendar_days import day_off
from db.events.drafting import DEADLINE_LEAD, load
from db.models import Event, EventKind, EventStatus

#: A new event starts this many days after the day it is made, 08.00–16.00 office time.
LEAD_DAYS = 14
DEFAULT_HOURS = (time(8, 0), time(16, 0))
DEFAULT_QUOTA = 30
SATURDAY = 6
#: JP a new event carries until told: a day's training, a half-day seminar.
DEFAULT_JP = {EventKind.PELATIHAN: 8, EventKind.WORKSHOP: 8, EventKind.SEMINAR: 2, EventKind.WEBINAR: 2}
CODE_PREFIX = {
    EventKind.PELATIHAN: "PEL",
    EventKind.SEMINAR: "SEM",
    EventKind.WORKSHOP: "WS",
    EventKind.WEBINAR: "WEB",
}
CREATE_ACTION = "event.create"
DUPLICATE_ACTION = "event.duplicate"


async def new_code(session: AsyncSession, *, kind: EventKind, day: date) -> str:
    """`SEM-20261218-01`: the kind, the first day, and the next number free for that pair."""
    stem = f"{CODE_PREFIX[kind]}-{day:%Y%m%d}-"
    taken = set(await session.scalars(select(func.upper(Event.code)).where(Event.code.startswith(stem))))
    number = 1
    while f"{stem}{number:02d}" in taken:
        number += 1
    return f"{stem}{number:02d}"


def default_schedule(now: datetime, timezone: ZoneInfo) -> tuple[datetime, datetime]:
    """`LEAD_DAYS` from today, or the first working day after (not a Saturday, Sunday or
    national holiday), 08.00–16.00 office time."""
    day = now.astimezone(timezone).date() + timedelta(days=LEAD_DAYS)
    while day.isoweekday() == SATURDAY or day_off(day) is not None:
        day += timedelta(days=1)
    start, end = (datetime.combine(day, hour, tzinfo=timezone) for hour in DEFAULT_HOURS)
    return start, end


async def create_draft(
    session: AsyncSession,
    *,
    kind: EventKind,
    title: str,
    organizer: str,
    actor: int,
    now: datetime,
    timezone: ZoneInfo,
) -> Event:
    """A DRAFT with this kind and title and the defaults for the rest (commits)."""
    starts_at, ends_at = default_schedule(now, timezone)
    event = Event(
        code=await new_code(session, kind=kind, day=starts_at.date()),
        title=title,
        kind=kind,
        organizer=organizer,
        starts_at=starts_at,
        ends_at=ends_at,
        location="",
        quota=DEFAULT_QUOTA,
        registration_deadline=starts_at - DEADLINE_LEAD,
        jp=DEFAULT_JP[kind],
        status=EventStatus.DRAFT,
        created_by=actor,
        target_position_types=[],
        target_unit_ids=[],
        target_ranks=[],
        target_statuses=[],
    )
    session.add(event)
    await session.flush()
    audit.record(
        session, action=CREATE_ACTION, actor_telegram_id=actor, subject=f"event:{event.id}", details={}
    )
    await session.commit()
    made = await load(session, event.id)
    if made is None:
        raise LookupError("a draft just made is gone")
    return made


async def recode(session: AsyncSession, event: Event, *, timezone: ZoneInfo) -> None:
    """A draft's code follows its kind and first day (no commit); published codes never change."""
    if event.status is not EventStatus.DRAFT:
        return
    stem = f"{CODE_PREFIX[event.kind]}-{event.starts_at.astimezone(timezone):%Y%m%d}-"
    if not event.code.startswith(stem):
        event.code = await new_code(session, kind=event.kind, day=event.starts_at.astimezone(timezone).date())


async def duplicate(
    session: AsyncSession, *, event_id: int, actor: int, now: datetime, timezone: ZoneInfo
) -> Event | None:
    """A DRAFT copy of the event for its next batch (commits): the same settings, a new code,
    its dates moved to the default start with the same hours and length (to be set), no
    registrations; None when the event is unknown."""
    source = await load(session, event_id)
    if source is None:
        return None
    start_day, _ = default_schedule(now, timezone)
    clock = source.starts_at.astimezone(timezone)
    starts_at = start_day.replace(hour=clock.hour, minute=clock.minute)
    copy = Event(
        code=await new_code(session, kind=source.kind, day=starts_at.date()),
        status=EventStatus.DRAFT,
        created_by=actor,
        starts_at=starts_at,
        ends_at=starts_at + (source.ends_at - source.starts_at),
        registration_deadline=starts_at - DEADLINE_LEAD,
        competencies=list(source.competencies),
        target_positions=list(source.target_positions),
        **{name: getattr(source, name) for name in _COPIED},
    )
    session.add(copy)
    await session.flush()
    audit.record(
        session,
        action=DUPLICATE_ACTION,
        actor_telegram_id=actor,
        subject=f"event:{copy.id}",
        details={"from": source.id},
    )
    await session.commit()
    return await load(session, copy.id)


_COPIED = (
    "title",
    "kind",
    "organizer",
    "description",
    "location",
    "online_url",
    "poster_file_id",
    "quota",
    "jp",
    "cost",
    "allocation",
    "requires_approval",
    "target_position_types",
    "target_unit_ids",
    "target_ranks",
    "target_statuses",
)
