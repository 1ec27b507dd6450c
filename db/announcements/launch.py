"""Sending: an announcement created and sent at once or scheduled, a draft sent as it stands,
and scheduled ones started when they fall due.

The audience is evaluated when the announcement goes out, not when it is scheduled: a
SCHEDULED announcement has no outbox rows; when it falls due (`start_due`, which the
dispatcher calls every round) its rows are written for whoever is in the audience then, and it
becomes SENDING, in one transaction. `recipient_count` is 0 until then.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db import audit, outbox
from db.announcements.audience import Audience, audience_from, recipients, resolved
from db.announcements.content import body
from db.announcements.drafts import own_draft
from db.announcements.event_message import event_rows
from db.announcements.typed_input import forget_step
from db.models import Announcement, AnnouncementStatus, NotificationKind


async def announce(
    session: AsyncSession,
    *,
    text: str,
    audience: Audience,
    due_at: datetime,
    now: datetime,
    year: int,
    target: int,
    created_by: int | None = None,
    photo_file_id: str | None = None,
    document_file_id: str | None = None,
) -> Announcement:
    """Create an announcement and send it (`due_at` now or past) or schedule it (commits).

    `text` is plain text written by HR; it is escaped so it reaches every phone exactly as
    typed, as the caption of the photo or document when there is one. An announcement
    without recipients is done at once.
    """
    announcement = Announcement(
        created_by=created_by,
        text=text,
        audience=audience.as_dict(),
        photo_file_id=photo_file_id,
        document_file_id=document_file_id,
        status=AnnouncementStatus.SCHEDULED,
    )
    session.add(announcement)
    await session.flush()
    return await _launch(session, announcement, due_at=due_at, now=now, year=year, target=target)


async def send_draft(
    session: AsyncSession,
    *,
    announcement_id: int,
    created_by: int,
    due_at: datetime,
    now: datetime,
    year: int,
    target: int,
) -> Announcement | None:
    """Send (or schedule) the caller's draft as it stands (commits); None when it is not their
    draft any more: sent or discarded already, e.g. by a second press of the same button.

    The draft is taken by a conditional UPDATE, the transaction's first statement, so of two
    presses at the same moment exactly one gets it (the other waits for the row and finds it
    gone).
    """
    taken = await session.execute(
        update(Announcement)
        .where(own_draft(announcement_id, created_by))
        .values(status=AnnouncementStatus.SCHEDULED)
        .returning(Announcement.id)
        .execution_options(synchronize_session=False)
    )
    if taken.first() is None:
        await session.rollback()
        return None
    announcement = await session.get(Announcement, announcement_id, populate_existing=True)
    assert announcement is not None  # taken by this transaction a moment ago
    return await _launch(session, announcement, due_at=due_at, now=now, year=year, target=target)


async def _launch(
    session: AsyncSession,
    announcement: Announcement,
    *,
    due_at: datetime,
    now: datetime,
    year: int,
    target: int,
) -> Announcement:
    """Audit the creation, then write the rows now or leave it SCHEDULED for `start_due` (commits)."""
    announcement.scheduled_at = due_at
    audit.record(
        session,
        action="announcement.created",
        actor_telegram_id=announcement.created_by,
        subject=f"announcement:{announcement.id}",
        details={"audience": announcement.audience, "due_at": due_at.isoformat()},
    )
    if due_at <= now:
        await _start(session, announcement, now=now, year=year, target=target)
    if announcement.created_by is not None:
        await forget_step(session, announcement.created_by)
    await session.commit()
    return announcement


async def _start(
    session: AsyncSession, announcement: Announcement, *, now: datetime, year: int, target: int
) -> None:
    """One outbox row per chat in the audience as it is now, and SENDING (DONE when nobody is
    in it); the dedupe key `announcement:<id>:<chat>` makes a second run add nothing. An
    announcement of an event to its targets is rendered from the event, in each recipient's
    language, and its key is the event's (`event_rows`): an ASN hears of an event once."""
    audience = audience_from(announcement.audience)
    targets = await resolved(session, audience)
    chats = list(await session.scalars(recipients(audience, year=year, target=target, targets=targets)))
    due_at = min(announcement.scheduled_at or now, now)
    if audience.event_targets is not None:
        rows = await event_rows(
            session, announcement_id=announcement.id, code=audience.event_targets, chats=chats, due_at=due_at
        )
    else:
        html_body = body(announcement.text)
        rows = [
            outbox.NewMessage(
                chat_id=chat_id,
                kind=NotificationKind.ANNOUNCEMENT,
                due_at=due_at,
                text=html_body,
                announcement_id=announcement.id,
                dedupe_key=f"announcement:{announcement.id}:{chat_id}",
            )
            for chat_id in chats
        ]
    added = await outbox.enqueue_many(session, rows)
    announcement.recipient_count = added
    if added:
        announcement.status = AnnouncementStatus.SENDING
    else:
        announcement.status, announcement.finished_at = AnnouncementStatus.DONE, now
    audit.record(
        session,
        action="announcement.started",
        actor_telegram_id=announcement.created_by,
        subject=f"announcement:{announcement.id}",
        details={"recipients": added},
    )


async def start_due(session: AsyncSession, *, now: datetime, year: int, target: int) -> list[int]:
    """Send the scheduled announcements whose time has come to their audience as it is now;
    the ids started. When none is due this is one query over the announcements table (one row
    per announcement HR ever made, so small), cheap enough for every dispatcher round. Each
    one started is its own transaction (commits), taken by a conditional UPDATE so that two
    dispatchers never both write its rows."""
    due = list(
        await session.scalars(
            select(Announcement.id).where(
                Announcement.status == AnnouncementStatus.SCHEDULED, Announcement.scheduled_at <= now
            )
        )
    )
    started = []
    for announcement_id in due:
        taken = await session.execute(
            update(Announcement)
            .where(Announcement.id == announcement_id, Announcement.status == AnnouncementStatus.SCHEDULED)
            .values(status=AnnouncementStatus.SENDING)
            .returning(Announcement.id)
            .execution_options(synchronize_session=False)
        )
        if taken.first() is None:
            await session.rollback()
            continue
        announcement = await session.get(Announcement, announcement_id, populate_existing=True)
        assert announcement is not None  # taken by this transaction a moment ago
        await _start(session, announcement, now=now, year=year, target=target)
        await session.commit()
        started.append(announcement_id)
    return started
