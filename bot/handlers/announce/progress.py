"""After an announcement goes out: its progress with pause, resume and cancel, and the
history of sent and scheduled announcements."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton

from bot.context import Context
from bot.handlers.announce.common import ANNOUNCE, count, data, gone, short, show, target
from bot.ui.keyboards import button
from bot.ui.pages import Page
from bot.ui.router import Press
from db import announcements
from db.announcements import Audience, Change
from db.models import Announcement, AnnouncementStatus

HISTORY_PER_PAGE = 5
RUNNING = (AnnouncementStatus.SCHEDULED, AnnouncementStatus.SENDING)


@dataclass(frozen=True, slots=True)
class Line:
    """One announcement in the history, with its number; `unstarted`: its recipients are
    counted when it goes out."""

    number: int
    announcement: Announcement
    audience: Audience
    preview: str
    unstarted: bool


@ANNOUNCE.on("st")
async def _status(press: Press) -> None:
    """📣 One announcement's progress (🔄 re-reads it)."""
    found = await announcements.find(press.session, announcement_id=target(press))
    if found is None:
        await gone(press)
        return
    await status_view(press, found)


async def status_view(
    press: Press, announcement: Announcement, *, outcome: str | None = None, confirm_cancel: bool = False
) -> None:
    """The announcement's progress in place of the pressed message."""
    context, lang = press.context, press.lang
    if confirm_cancel:
        rows = [
            [
                button(context, lang, "announce.button.confirm_cancel", data("cy", announcement.id)),
                button(context, lang, "announce.button.keep", data("st", announcement.id)),
            ]
        ]
    else:
        rows = status_rows(context, lang, announcement)
    await show(
        press.update,
        context,
        "announce_status",
        lang,
        rows,
        confirm_cancel=confirm_cancel,
        **await status_values(context, press.session, announcement, outcome=outcome),
    )


async def status_values(
    context: Context, session: AsyncSession, announcement: Announcement, *, outcome: str | None
) -> dict[str, Any]:
    """What `announce_status` shows; before it goes out, the audience's current size, which
    may still change."""
    audience = announcements.audience_from(announcement.audience)
    return {
        "announcement": announcement,
        "audience": audience,
        "audience_now": await count(context, session, audience)
        if announcements.unstarted(announcement)
        else None,
        "preview": announcements.snippet(announcement.text),
        "tally": await announcements.tally(session, announcement_id=announcement.id),
        "outcome": outcome,
    }


def status_rows(context: Context, lang: str, announcement: Announcement) -> list[list[InlineKeyboardButton]]:
    """🔄, then ⏸ / ▶ / 🛑 as the status allows, then 🗂."""
    aid = announcement.id
    rows = [[button(context, lang, "announce.button.refresh", data("st", aid))]]
    control = []
    if announcement.status in RUNNING:
        control.append(button(context, lang, "announce.button.pause", data("pa", aid)))
    if announcement.status is AnnouncementStatus.PAUSED:
        control.append(button(context, lang, "announce.button.resume", data("re", aid)))
    if announcement.status in (*RUNNING, AnnouncementStatus.PAUSED):
        control.append(button(context, lang, "announce.button.cancel_sending", data("cq", aid)))
    rows.append(control)
    rows.append([button(context, lang, "announce.button.history", data("hi", 0))])
    return [row for row in rows if row]


_CHANGES: dict[str, Callable[..., Awaitable[Change]]] = {
    "pa": announcements.pause,
    "re": announcements.resume,
    "cy": announcements.cancel,
}


@ANNOUNCE.on("pa", "re", "cq", "cy")
async def _control(press: Press) -> None:
    """⏸ hold what is not yet sent, ▶ send the held rows, 🛑 ask, then withdraw what is left."""
    outcome, confirm_cancel = None, press.data.action == "cq"
    change = _CHANGES.get(press.data.action)
    if change is not None:
        result = await change(
            press.session,
            announcement_id=target(press),
            actor=press.me.telegram_user_id,
            now=press.context.now(),
        )
        if result is Change.NOT_FOUND:
            await gone(press)
            return
        outcome = "not_allowed" if result is Change.NOT_ALLOWED else None
    found = await announcements.find(press.session, announcement_id=target(press))
    if found is None:
        await gone(press)
        return
    await status_view(press, found, outcome=outcome, confirm_cancel=confirm_cancel)


@ANNOUNCE.on("hi")
async def _history(press: Press) -> None:
    """🗂 Sent and scheduled announcements, newest first, each opening its status."""
    context, lang = press.context, press.lang
    listing = await announcements.history(press.session, page=target(press), per_page=HISTORY_PER_PAGE)
    page = Page(listing.page, listing.pages, HISTORY_PER_PAGE)
    lines = [
        Line(
            page.first + n,
            item,
            announcements.audience_from(item.audience),
            announcements.snippet(item.text),
            announcements.unstarted(item),
        )
        for n, item in enumerate(listing.items, start=1)
    ]
    rows = [
        [
            button(
                context,
                lang,
                "announce.button.item",
                data("st", line.announcement.id),
                number=line.number,
                preview=short(announcements.snippet(line.announcement.text, 4)),
            )
        ]
        for line in lines
    ]
    rows.append(page.navigation(context, lang, lambda number: data("hi", number)))
    rows.append([button(context, lang, "announce.button.menu", data("menu"))])
    await show(
        press.update, context, "announce_history", lang, rows, lines=lines, page=page.number, pages=page.count
    )
