"""Digests to HR and organizers, one message each instead of one per request or registration:

- **approvals**: to every approver with requests waiting — HR for every event that needs
  approval, an organizer for its own — at most once an office day, from `HOUR` office time;
- **registrations**: to every organizer, the new registrations for its events on the previous
  office day (nothing when there were none), once a day from `HOUR`.

A digest is an outbox row whose dedupe key names its recipient and its day
(`digest:approvals:<chat>:<YYYYMMDD>`, `digest:registrations:<chat>:<YYYYMMDD>`), so however
often `derive` runs, in however many bot processes, each is written once. The template's context
is JSON (counts per event, no names).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db import outbox
from db.models import (
    Allocation,
    Event,
    EventStatus,
    NotificationKind,
    Registration,
    RegistrationStatus,
    Role,
    RoleGrant,
)

#: The office hour from which the day's digests are written.
HOUR = 8
APPROVALS = "digest_approvals"
REGISTRATIONS = "digest_registrations"
#: A digest lists at most this many events (the busiest first); the rest are counted.
EVENTS_SHOWN = 10


@dataclass(frozen=True, slots=True)
class EventCount:
    """One event in a digest, with how many requests or registrations it has."""

    event_id: int
    code: str
    title: str
    organizer: str
    count: int


@dataclass(frozen=True, slots=True)
class Derived:
    """How many digests of each kind `derive` added."""

    approvals: int = 0
    registrations: int = 0


async def derive(
    session: AsyncSession, *, now: datetime, timezone: ZoneInfo, hr_ids: Iterable[int] = ()
) -> Derived:
    """Write today's digests not yet written (commits); `hr_ids` are HR from the settings
    (`BOT_ADMIN_IDS`) besides the HR role grants. Nothing before `HOUR` office time."""
    local = now.astimezone(timezone)
    if local.hour < HOUR:
        return Derived()
    today = local.date()
    approvers, organizers = await _staff(session, hr_ids)
    approvals = await _approvals(session, approvers, now=now, day=today)
    registrations = await _registrations(session, organizers, now=now, day=today, timezone=timezone)
    await session.commit()
    return Derived(approvals, registrations)


async def _staff(
    session: AsyncSession, hr_ids: Iterable[int]
) -> tuple[dict[int, set[str] | None], dict[int, set[str]]]:
    """Approvers (chat → organizer names, None for HR: every event) and organizers (chat → names)."""
    grants = (
        await session.execute(select(RoleGrant.telegram_user_id, RoleGrant.role, RoleGrant.organizer))
    ).all()
    hr = {int(user) for user in hr_ids} | {user for user, role, _ in grants if role is Role.HR}
    organizers: dict[int, set[str]] = {}
    for user, role, name in grants:
        if role is Role.ORGANIZER and name and user not in hr:
            organizers.setdefault(user, set()).add(name)
    approvers: dict[int, set[str] | None] = {user: None for user in hr}
    approvers.update(organizers)
    return approvers, organizers


def _for(counts: list[EventCount], names: set[str] | None) -> list[EventCount]:
    """The events among `counts` a recipient manages (every one for HR), busiest first."""
    mine = [c for c in counts if names is None or c.organizer in names]
    return sorted(mine, key=lambda c: (-c.count, c.code))


def _context(counts: list[EventCount], **extra: Any) -> dict[str, Any]:
    shown = counts[:EVENTS_SHOWN]
    return {
        "events": [{"code": c.code, "title": c.title, "count": c.count} for c in shown],
        "more": len(counts) - len(shown),
        "total": sum(c.count for c in counts),
        **extra,
    }


async def _approvals(
    session: AsyncSession, approvers: dict[int, set[str] | None], *, now: datetime, day: date
) -> int:
    """Today's approval digest to each approver with requests waiting; how many were added."""
    rows = await session.execute(
        select(Event.id, Event.code, Event.title, Event.organizer, func.count(Registration.id))
        .join(Registration, Registration.event_id == Event.id)
        .where(
            Registration.status == RegistrationStatus.PENDING,
            Event.requires_approval.is_(True),
            Event.allocation != Allocation.PRIORITY,
            Event.status == EventStatus.PUBLISHED,
        )
        .group_by(Event.id, Event.code, Event.title, Event.organizer)
    )
    counts = [EventCount(*row) for row in rows.tuples()]
    messages = []
    for chat, names in approvers.items():
        mine = _for(counts, names)
        if mine:
            messages.append(
                outbox.NewMessage(
                    chat_id=chat,
                    kind=NotificationKind.STAFF_DIGEST,
                    due_at=now,
                    template=APPROVALS,
                    context=_context(mine),
                    dedupe_key=f"digest:approvals:{chat}:{day:%Y%m%d}",
                )
            )
    return await outbox.enqueue_many(session, messages)


async def _registrations(
    session: AsyncSession, organizers: dict[int, set[str]], *, now: datetime, day: date, timezone: ZoneInfo
) -> int:
    """The digest of yesterday's new registrations to each organizer that had any; how many were added."""
    if not organizers:
        return 0
    yesterday = day - timedelta(days=1)
    start = datetime.combine(yesterday, time(0), tzinfo=timezone).astimezone(UTC)
    end = datetime.combine(day, time(0), tzinfo=timezone).astimezone(UTC)
    names = sorted({name for owned in organizers.values() for name in owned})
    rows = await session.execute(
        select(Event.id, Event.code, Event.title, Event.organizer, func.count(Registration.id))
        .join(Registration, Registration.event_id == Event.id)
        .where(
            Event.organizer.in_(names), Registration.registered_at >= start, Registration.registered_at < end
        )
        .group_by(Event.id, Event.code, Event.title, Event.organizer)
    )
    counts = [EventCount(*row) for row in rows.tuples()]
    messages = []
    for chat, owned in organizers.items():
        mine = _for(counts, owned)
        if mine:
            messages.append(
                outbox.NewMessage(
                    chat_id=chat,
                    kind=NotificationKind.STAFF_DIGEST,
                    due_at=now,
                    template=REGISTRATIONS,
                    context=_context(mine, day=start.isoformat()),
                    dedupe_key=f"digest:registrations:{chat}:{yesterday:%Y%m%d}",
                )
            )
    return await outbox.enqueue_many(session, messages)
