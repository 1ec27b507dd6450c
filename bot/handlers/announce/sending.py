"""A draft ready to go: the preview exactly as recipients get it, the summary with the count,
and sending now (scheduling is typed: `compose`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup, Update

from bot.context import Context
from bot.dispatcher import deliver
from bot.handlers.announce.common import ANNOUNCE, count, data, draft, gone, show, target
from bot.handlers.announce.progress import status_view
from bot.replies import reply
from bot.ui.caller import office_today
from bot.ui.keyboards import button
from bot.ui.router import Press
from db import announcements
from db.accounts import Caller
from db.models import Announcement


@ANNOUNCE.on("pv")
async def _preview(press: Press) -> None:
    """👁 The announcement exactly as recipients get it, then the summary and the choices."""
    update, context = press.update, press.context
    found = await draft(press)
    chat = update.effective_chat
    if found is None or chat is None or update.callback_query is None:
        return
    await update.callback_query.answer()
    await deliver(
        context.bot,
        chat_id=chat.id,
        text=announcements.body(found.text),
        attachment=announcements.attachment_of(found),
    )
    await summary(update, context, press.session, press.me, found, new_message=True)


async def summary(
    update: Update,
    context: Context,
    session: AsyncSession,
    me: Caller,
    found: Announcement,
    *,
    new_message: bool,
) -> None:
    """Who it reaches and how many, with send now / schedule (when anyone), change, discard."""
    lang, aid = me.language, found.id
    audience = announcements.audience_from(found.audience)
    reached = await count(context, session, audience)
    rows = []
    if reached > 0:
        rows.append(
            [
                button(context, lang, "announce.button.send_now", data("go", aid)),
                button(context, lang, "announce.button.schedule", data("sc", aid)),
            ]
        )
    rows.append([button(context, lang, "announce.button.change_audience", data("au", aid))])
    rows.append([button(context, lang, "announce.button.cancel", data("x", aid))])
    values = {"audience": audience, "count": reached}
    if new_message:
        await reply(update, context, "announce_summary", lang, keyboard=InlineKeyboardMarkup(rows), **values)
    else:
        await show(update, context, "announce_summary", lang, rows, **values)


@ANNOUNCE.on("go")
async def _send_now(press: Press) -> None:
    """📤 Queue the draft for everyone in its audience now; the dispatcher sends it."""
    sent = await launch(press.context, press.session, press.me, target(press), due_at=press.context.now())
    if sent is None:
        await gone(press)
        return
    await status_view(press, sent, outcome="sent")


async def launch(
    context: Context, session: AsyncSession, me: Caller, announcement_id: int, *, due_at: datetime
) -> Announcement | None:
    """Queue the caller's draft for its audience at `due_at`; None when the draft is gone."""
    return await announcements.send_draft(
        session,
        announcement_id=announcement_id,
        created_by=me.telegram_user_id,
        due_at=due_at,
        now=context.now(),
        year=office_today(context).year,
        target=context.services.settings.jp_target,
    )
