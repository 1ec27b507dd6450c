"""The history HR browses: sent and scheduled announcements, newest first, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Announcement, AnnouncementStatus


@dataclass(frozen=True, slots=True)
class HistoryPage:
    """One page of the announcement history."""

    items: list[Announcement]
    page: int
    pages: int
    total: int


async def history(session: AsyncSession, *, page: int, per_page: int) -> HistoryPage:
    """Sent and scheduled announcements, newest first; `page` is clamped into range."""
    sent = Announcement.status != AnnouncementStatus.DRAFT
    total = int(await session.scalar(select(func.count()).select_from(Announcement).where(sent)) or 0)
    pages = max(1, -(-total // per_page))
    page = min(max(page, 0), pages - 1)
    items = list(
        await session.scalars(
            select(Announcement)
            .where(sent)
            .order_by(Announcement.created_at.desc(), Announcement.id.desc())
            .offset(page * per_page)
            .limit(per_page)
        )
    )
    return HistoryPage(items, page, pages, total)
