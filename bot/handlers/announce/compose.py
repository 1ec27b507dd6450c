"""Composing an announcement: the menu, a new draft from the text (or a photo or document
with a caption) HR sends while the flow waits, discarding it, and the send time typed in
office time.

A photo album (several messages sharing a `media_group_id`) makes one draft, from its first
message; the rest of the album is ignored and HR is told once.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup, Update

from bot.context import Context
from bot.handlers import account
from bot.handlers.announce.audience import show_audience
from bot.handlers.announce.common import ANNOUNCE, data, draft, gone, show, target
from bot.handlers.announce.progress import status_rows, status_values
from bot.handlers.announce.sending import launch, summary
from bot.replies import reply
from bot.ui.callbacks import encode
from bot.ui.caller import who
from bot.ui.flows import Typed
from bot.ui.keyboards import button
from bot.ui.router import Press
from db import announcements
from db.accounts import Caller

#: `user_data` key: the last photo album (`media_group_id`) seen from this user.
ALBUM_KEY = "announce_album"


@ANNOUNCE.on("menu")
async def _menu(press: Press) -> None:
    """📣 The announcements menu: a new one, or the history."""
    context, lang = press.context, press.lang
    rows = [
        [button(context, lang, "announce.button.new", data("new"))],
        [button(context, lang, "announce.button.history", data("hi", 0))],
        [button(context, lang, "announce.button.back_admin", encode("adm", "ls", 0))],
    ]
    await show(press.update, context, "announce_menu", lang, rows)


@ANNOUNCE.on("new")
async def _new(press: Press) -> None:
    """✏️ Wait for the text (or a photo or document with a caption)."""
    await announcements.wait_for(
        press.session, telegram_user_id=press.me.telegram_user_id, step=announcements.STEP_TEXT
    )
    rows = [[button(press.context, press.lang, "announce.button.cancel", data("x", 0))]]
    await show(
        press.update,
        press.context,
        "announce_compose",
        press.lang,
        rows,
        text_limit=announcements.TEXT_LIMIT,
        caption_limit=announcements.CAPTION_LIMIT,
    )


@ANNOUNCE.on("x")
async def _discard(press: Press) -> None:
    """✖️ Batal: drop the draft (if any yet) and stop waiting for input."""
    dropped = await announcements.discard_draft(
        press.session, announcement_id=target(press), created_by=press.me.telegram_user_id
    )
    if target(press) and not dropped:
        await gone(press)
        return
    rows = [[button(press.context, press.lang, "announce.button.menu", data("menu"))]]
    await show(press.update, press.context, "announce_discarded", press.lang, rows)


@ANNOUNCE.on("sc")
async def _ask_time(press: Press) -> None:
    """🗓 Wait for the send time, typed in office time."""
    found = await draft(press)
    if found is None:
        return
    await announcements.wait_for(
        press.session,
        telegram_user_id=press.me.telegram_user_id,
        step=announcements.STEP_TIME,
        announcement_id=found.id,
    )
    rows = [[button(press.context, press.lang, "announce.button.back", data("bk", found.id))]]
    await show(
        press.update,
        press.context,
        "announce_ask_time",
        press.lang,
        rows,
        example=_example(press.context, press.lang),
    )


@ANNOUNCE.on("bk")
async def _back(press: Press) -> None:
    """◀ From typing the send time back to the summary, where sending and discarding are."""
    found = await draft(press)
    if found is None:
        return
    await announcements.stop_waiting(press.session, telegram_user_id=press.me.telegram_user_id)
    await summary(press.update, press.context, press.session, press.me, found, new_message=False)


def _example(context: Context, lang: str) -> str:
    return context.services.renderer.label("announce.time_example", lang)


async def typed(typed: Typed) -> None:
    """The announcement's text, or its send time, typed by HR while the flow waits for it."""
    waiting = await announcements.waiting(typed.session, telegram_user_id=typed.me.telegram_user_id)
    if (
        waiting is not None
        and waiting.step == announcements.STEP_TIME
        and waiting.announcement_id is not None
    ):
        await _schedule(typed, waiting.announcement_id)
    else:
        await _compose(typed.update, typed.context, typed.session, typed.me, text=typed.text)


async def media(update: Update, context: Context) -> None:
    """A photo or document: the announcement's attachment when HR is composing one."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    album = message.media_group_id
    if album is not None and context.user_data is not None:
        # an album's messages arrive together and are handled concurrently: the first one seen
        # takes the album (checked and set with no await between), the rest are dropped
        if context.user_data.get(ALBUM_KEY) == album:
            return
        context.user_data[ALBUM_KEY] = album
    async with context.db() as session:
        waiting = await announcements.waiting(session, telegram_user_id=user.id)
        me = await who(session, update, context)
        if waiting is not None and waiting.step == announcements.STEP_TEXT and me.is_hr:
            photo = message.photo[-1].file_id if message.photo else None
            document = message.document.file_id if message.document is not None and photo is None else None
            if album is not None:
                await reply(update, context, "announce_album", me.language)
            await _compose(
                update, context, session, me, text=message.caption or "", photo=photo, document=document
            )
            return
    await account.anything_else(update, context)


async def _compose(
    update: Update,
    context: Context,
    session: AsyncSession,
    me: Caller,
    *,
    text: str,
    photo: str | None = None,
    document: str | None = None,
) -> None:
    try:
        found = await announcements.create_draft(
            session, text=text, created_by=me.telegram_user_id, photo_file_id=photo, document_file_id=document
        )
    except announcements.TextTooLong as refusal:
        rows = [[button(context, me.language, "announce.button.cancel", data("x", 0))]]
        await reply(
            update,
            context,
            "announce_too_long",
            me.language,
            keyboard=InlineKeyboardMarkup(rows),
            limit=refusal.limit,
            length=refusal.length,
        )
        return
    await announcements.stop_waiting(session, telegram_user_id=me.telegram_user_id)
    await show_audience(update, context, session, me, found, new_message=True)


async def _schedule(typed: Typed, announcement_id: int) -> None:
    """The send time typed: queue the draft for then, or say why the time cannot be used."""
    update, context, session, me, lang = typed.update, typed.context, typed.session, typed.me, typed.lang
    found = await announcements.find_draft(
        session, announcement_id=announcement_id, created_by=me.telegram_user_id
    )
    if found is None:
        await announcements.stop_waiting(session, telegram_user_id=me.telegram_user_id)
        await reply(update, context, "announce_gone", lang)
        return
    when = announcements.parse_when(typed.text, timezone=context.services.settings.timezone)
    if when is None or when <= context.now():
        rows = [[button(context, lang, "announce.button.back", data("bk", found.id))]]
        await reply(
            update,
            context,
            "announce_bad_time",
            lang,
            keyboard=InlineKeyboardMarkup(rows),
            outcome="garbage" if when is None else "past",
            value=typed.text.strip()[:40],
            when=when,
            example=_example(context, lang),
        )
        return
    sent = await launch(context, session, me, found.id, due_at=when)
    if sent is None:
        await reply(update, context, "announce_gone", lang)
        return
    await reply(
        update,
        context,
        "announce_status",
        lang,
        keyboard=InlineKeyboardMarkup(status_rows(context, lang, sent)),
        confirm_cancel=False,
        **await status_values(context, session, sent, outcome="scheduled"),
    )
