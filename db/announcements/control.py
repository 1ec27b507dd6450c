"""Following an announcement through once it is sent or scheduled: finding it, and HR's
pause, resume and cancel, each made only from a status that allows it and audited.

An announcement is SCHEDULED or SENDING once sent, PAUSED or CANCELLED by HR, and DONE when
none of its outbox rows is left to send (`db.announcements.report.finish`).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db import audit
from db.announcements.report import finish
from db.models import Announcement, AnnouncementStatus, OutboxMessage, OutboxState

#: `last_error` of the rows an announcement's cancellation withdrew.
CANCELLED = "cancelled by HR"


class Change(enum.Enum):
    """How a pause, resume or cancel went."""

    DONE = "done"
    NOT_ALLOWED = "not_allowed"
    NOT_FOUND = "not_found"


async def find(session: AsyncSession, *, announcement_id: int) -> Announcement | None:
    """An announcement that was sent or scheduled (drafts are their author's business)."""
    found = await session.get(Announcement, announcement_id, populate_existing=True)
    return None if found is None or found.status is AnnouncementStatus.DRAFT else found


def unstarted(announcement: Announcement) -> bool:
    """Its outbox rows are still to be written (for the audience as it is then): scheduled, or
    paused before its time. Rows once written set `recipient_count`; an announcement written
    for nobody is DONE at once, so a paused one with no recipients was never started."""
    if announcement.status is AnnouncementStatus.SCHEDULED:
        return True
    return announcement.status is AnnouncementStatus.PAUSED and announcement.recipient_count == 0


async def pause(session: AsyncSession, *, announcement_id: int, actor: int, now: datetime) -> Change:
    """Hold the rows not yet sent (those in flight still go); a scheduled announcement paused
    before its time is not sent until resumed (commits)."""
    await finish(session, announcement_ids=[announcement_id], now=now)
    change = await _change(
        session,
        announcement_id,
        actor,
        action="paused",
        allowed=(AnnouncementStatus.SCHEDULED, AnnouncementStatus.SENDING),
        to=lambda _announcement: AnnouncementStatus.PAUSED,
    )
    await session.commit()
    return change


async def resume(session: AsyncSession, *, announcement_id: int, actor: int, now: datetime) -> Change:
    """Let the held rows go again; one paused before its time is scheduled again, and goes out
    at once (to its audience as it is then) if that time has passed (commits)."""

    def back(announcement: Announcement) -> AnnouncementStatus:
        return AnnouncementStatus.SCHEDULED if unstarted(announcement) else AnnouncementStatus.SENDING

    change = await _change(
        session, announcement_id, actor, action="resumed", allowed=(AnnouncementStatus.PAUSED,), to=back
    )
    if change is Change.DONE:
        await finish(session, announcement_ids=[announcement_id], now=now)
    await session.commit()
    return change


async def cancel(session: AsyncSession, *, announcement_id: int, actor: int, now: datetime) -> Change:
    """Withdraw every row not yet sent: they are skipped, not deleted, so the history keeps
    who was not reached; the status and the rows change in one transaction (commits)."""
    allowed = (AnnouncementStatus.SCHEDULED, AnnouncementStatus.SENDING, AnnouncementStatus.PAUSED)
    change = await _change(
        session,
        announcement_id,
        actor,
        action="cancelled",
        allowed=allowed,
        to=lambda _announcement: AnnouncementStatus.CANCELLED,
        finished_at=now,
    )
    if change is Change.DONE:
        await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.announcement_id == announcement_id, OutboxMessage.state == OutboxState.PENDING
            )
            .values(state=OutboxState.SKIPPED, last_error=CANCELLED, lease_until=None)
            .execution_options(synchronize_session=False)
        )
    await session.commit()
    return change


async def _change(
    session: AsyncSession,
    announcement_id: int,
    actor: int,
    *,
    action: str,
    allowed: tuple[AnnouncementStatus, ...],
    to: Callable[[Announcement], AnnouncementStatus],
    finished_at: datetime | None = None,
) -> Change:
    """One status change, made only from an allowed status and audited; the caller commits."""
    found = await session.get(Announcement, announcement_id, with_for_update=True, populate_existing=True)
    if found is None or found.status is AnnouncementStatus.DRAFT:
        return Change.NOT_FOUND
    if found.status not in allowed:
        return Change.NOT_ALLOWED
    found.status = to(found)
    if finished_at is not None:
        found.finished_at = finished_at
    pending = await session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.announcement_id == announcement_id, OutboxMessage.state == OutboxState.PENDING)
    )
    audit.record(
        session,
        action=f"announcement.{action}",
        actor_telegram_id=actor,
        subject=f"announcement:{announcement_id}",
        details={
            "audience": found.audience,
            "recipients": found.recipient_count,
            "pending": int(pending or 0),
        },
    )
    return Change.DONE
