"""Drafts: an announcement HR is still composing in Telegram, seen and changed only by its
author until it is sent or discarded.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, delete
from sqlalchemy.ext.asyncio import AsyncSession

from db.announcements.audience import Audience
from db.announcements.content import TextTooLong, text_limit
from db.announcements.typed_input import stop_waiting
from db.models import Announcement, AnnouncementStatus


async def create_draft(
    session: AsyncSession,
    *,
    text: str,
    created_by: int,
    photo_file_id: str | None = None,
    document_file_id: str | None = None,
    audience: Audience | None = None,
) -> Announcement:
    """A draft to `audience` (default: everyone) (commits); `TextTooLong` when Telegram would
    refuse the text."""
    limit = text_limit(with_attachment=photo_file_id is not None or document_file_id is not None)
    length = len(text.encode("utf-16-le")) // 2  # as Telegram counts: an emoji is two
    if length > limit:
        raise TextTooLong(limit=limit, length=length)
    draft = Announcement(
        text=text,
        photo_file_id=photo_file_id,
        document_file_id=document_file_id,
        audience=(audience or Audience()).as_dict(),
        status=AnnouncementStatus.DRAFT,
        created_by=created_by,
    )
    session.add(draft)
    await session.commit()
    return draft


async def find_draft(session: AsyncSession, *, announcement_id: int, created_by: int) -> Announcement | None:
    """The caller's own draft, or None (sent already, discarded, or someone else's)."""
    found = await session.get(Announcement, announcement_id)
    if found is None or found.status is not AnnouncementStatus.DRAFT or found.created_by != created_by:
        return None
    return found


async def set_audience(session: AsyncSession, *, draft: Announcement, audience: Audience) -> None:
    """Change a draft's audience (commits)."""
    draft.audience = audience.as_dict()
    await session.commit()


def own_draft(announcement_id: int, created_by: int) -> ColumnElement[bool]:
    """The condition that this announcement is still a draft of `created_by`, for a statement
    that checks it in the same step as it changes the row."""
    return and_(
        Announcement.id == announcement_id,
        Announcement.status == AnnouncementStatus.DRAFT,
        Announcement.created_by == created_by,
    )


async def discard_draft(session: AsyncSession, *, announcement_id: int, created_by: int) -> bool:
    """Drop the caller's draft, if it still is one, and stop waiting for their input (commits);
    whether a draft was dropped. The status is checked by the DELETE itself, so a draft sent
    by a press a moment earlier is not dropped."""
    result = await session.execute(delete(Announcement).where(own_draft(announcement_id, created_by)))
    await stop_waiting(session, telegram_user_id=created_by)
    return bool(getattr(result, "rowcount", 0))
