"""Announcing an event to exactly the ASN it targets, in one step from its `/admin` screen: a
preview with how many linked ASN it reaches (and how many it targets that have not linked
yet), then an announcement like any other (`launch.announce`) to the audience "the targets of
this event", which goes through the outbox.

HR may announce any event, an organizer only its own (`db.admin.Scope`); the event must be
published, not cancelled and not started. Every press re-checks this, and a refusal is
audited. An ASN hears of an event once (`event_message`), so a second announcement reaches only
those who are new among its targets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db import audit
from db.admin import Scope
from db.announcements.audience import Audience, recipients, resolved, unlinked
from db.announcements.event_message import message_context
from db.announcements.launch import announce
from db.models import Announcement, Event, EventStatus, OutboxMessage


class PublishRefused(Exception):
    """The event cannot be announced by this caller now; `reason` names why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Preview:
    """What announcing the event would do: `reached` linked ASN told now, `told` told before,
    `unlinked` targets who cannot be told until they link their account."""

    event_id: int
    code: str
    title: str
    reached: int
    told: int
    unlinked: int
    #: the context `announce_event` renders for the targets
    sample: dict[str, Any]


async def _event(session: AsyncSession, scope: Scope, event_id: int, now: datetime) -> Event:
    """The event, when the caller may announce it now; otherwise `PublishRefused`."""
    event = await session.scalar(
        select(Event)
        .where(Event.id == event_id, scope.event_filter())
        .execution_options(populate_existing=True)
    )
    if event is None:
        raise PublishRefused("not_found")
    if event.status is EventStatus.CANCELLED:
        raise PublishRefused("cancelled")
    if event.status is not EventStatus.PUBLISHED:
        raise PublishRefused("not_published")
    if event.starts_at <= now:
        raise PublishRefused("started")
    return event


async def _chats(session: AsyncSession, event: Event, *, year: int, target: int) -> tuple[list[int], int]:
    """The chats the announcement would reach now, and how many of its targets were told before."""
    audience = Audience(event_targets=event.code)
    targets = await resolved(session, audience)
    chats = list(await session.scalars(recipients(audience, year=year, target=target, targets=targets)))
    prefix = f"event-targets:{event.id}:"
    keys = set(
        await session.scalars(
            select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.startswith(prefix))
        )
    )
    fresh = [chat for chat in chats if f"{prefix}{chat}" not in keys]
    return fresh, len(chats) - len(fresh)


async def preview(
    session: AsyncSession, *, scope: Scope, event_id: int, now: datetime, year: int, target: int
) -> Preview:
    """What announcing the event to its targets would do now; `PublishRefused` when the caller
    may not (audited)."""
    try:
        event = await _event(session, scope, event_id, now)
    except PublishRefused as refusal:
        await _refused(session, scope, event_id, refusal)
        raise
    fresh, told = await _chats(session, event, year=year, target=target)
    missing = await unlinked(session, event_code=event.code)
    return Preview(event.id, event.code, event.title, len(fresh), told, missing, message_context(event))


async def publish(
    session: AsyncSession, *, scope: Scope, event_id: int, actor: int, now: datetime, year: int, target: int
) -> Announcement:
    """Announce the event to its targets now, through the outbox (commits); `PublishRefused`
    when the caller may not (audited)."""
    try:
        event = await _event(session, scope, event_id, now)
    except PublishRefused as refusal:
        await _refused(session, scope, event_id, refusal)
        raise
    audit.record(
        session, action="event.announced", actor_telegram_id=actor, subject=f"event:{event.id}", details={}
    )
    return await announce(
        session,
        text=f"📣 {event.code} — {event.title}",
        audience=Audience(event_targets=event.code),
        due_at=now,
        now=now,
        year=year,
        target=target,
        created_by=actor,
    )


async def _refused(session: AsyncSession, scope: Scope, event_id: int, refusal: PublishRefused) -> None:
    """Audit a refused announcement (commits)."""
    audit.record(
        session,
        action="event.announce_refused",
        actor_telegram_id=scope.telegram_user_id,
        subject=f"event:{event_id}",
        details={"reason": refusal.reason},
    )
    await session.commit()
