"""HR announcements in Telegram (`/admin` → 📣 Pengumuman): compose (text, or a photo or
document with a caption), choose the audience with a live recipient count, preview exactly
as sent, send now or schedule, follow the progress (pause, resume, cancel) and the history.

Callback data is `ann:<action>[:<args>]`: `menu`, `new`, `hi:<page>` (history); on a draft
(the caller's own): `x` (discard), `au` (audience), `all` (clear filters), `jp` (below the JP
target on/off), `p<k>:<page>` (a picker) and `t<k>:<option>:<page>` (toggle an option), with
<k> one of `u` units, `t` position types, `r` ranks, `e` events, `c` competencies; `pv`
(preview), `go` (send now), `sc` (schedule), `bk` (back from typing the send time to the
summary); on a sent announcement: `st` (status), `pa`, `re`, `cq`/`cy` (pause, resume, ask to
cancel / cancel). Every press re-reads the caller's roles: only HR gets past the first check.

A photo album (several messages sharing a `media_group_id`) makes one draft, from its first
message; the rest of the album is ignored and HR is told once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.context import BotApplication, Context
from bot.dispatcher import deliver
from bot.handlers import account
from bot.handlers.common import button, office_today, who
from bot.keyboards import callback, parse_callback
from bot.replies import edit, reply
from db import announcements
from db.accounts import Caller
from db.announcements import Audience, Change
from db.models import Announcement, AnnouncementStatus

PREFIX = "ann"
HISTORY_PER_PAGE = 5
OPTIONS_PER_PAGE = 8
NAME_LIMIT = 30
PICKERS = {
    "u": "units",
    "t": "position_types",
    "r": "ranks",
    "e": "events",
    "c": "competencies",
}
RUNNING = (AnnouncementStatus.SCHEDULED, AnnouncementStatus.SENDING)
#: `user_data` key: the last photo album (`media_group_id`) seen from this user.
ALBUM_KEY = "announce_album"


@dataclass(frozen=True, slots=True)
class Pressed:
    """An `ann:` button pressed by HR, with its numeric arguments."""

    update: Update
    context: Context
    session: AsyncSession
    me: Caller
    args: list[int]

    @property
    def lang(self) -> str:
        """HR's language."""
        return self.me.language

    @property
    def target(self) -> int:
        """The first argument: an announcement id or a page."""
        return self.args[0] if self.args else 0

    def arg(self, index: int) -> int:
        """Another argument (0 when absent)."""
        return self.args[index] if len(self.args) > index else 0


@dataclass(frozen=True, slots=True)
class Line:
    """One announcement in the history, with its number; `unstarted`: its recipients are
    counted when it goes out."""

    number: int
    announcement: Announcement
    audience: Audience
    preview: str
    unstarted: bool


def add_handlers(application: BotApplication) -> None:
    """Attach this feature's handlers (before the catch-all ones)."""
    private = filters.ChatType.PRIVATE
    application.add_handler(CallbackQueryHandler(on_button, pattern=rf"^{PREFIX}:"))
    application.add_handler(MessageHandler((filters.PHOTO | filters.Document.ALL) & private, media))


def _data(action: str, *args: int) -> str:
    return callback(PREFIX, action, ":".join(str(a) for a in args) if args else None)


def _short(name: str) -> str:
    return name if len(name) <= NAME_LIMIT else name[: NAME_LIMIT - 1] + "…"


def _year(context: Context) -> int:
    return office_today(context).year


async def _count(context: Context, session: AsyncSession, audience: Audience) -> int:
    return await announcements.count(
        session, audience=audience, year=_year(context), target=context.services.settings.jp_target
    )


async def _show(
    update: Update,
    context: Context,
    template: str,
    lang: str,
    rows: list[list[InlineKeyboardButton]] | None = None,
    **values: Any,
) -> None:
    """Rewrite the pressed message with these button rows (empty rows dropped)."""
    keyboard = InlineKeyboardMarkup([row for row in rows if row]) if rows else None
    await edit(update, context, template, lang, keyboard=keyboard, **values)


# ---------------------------------------------------------------------------- buttons


async def on_button(update: Update, context: Context) -> None:
    """Every `ann:` button: HR only, then do what it says."""
    query = update.callback_query
    data = parse_callback(query.data if query else None)
    if query is None or data is None:
        return
    parts = data.arg.split(":") if data.arg else []
    action = _ACTIONS.get(data.action)
    kind = PICKERS.get(data.action[1:]) if data.action[:1] in ("p", "t") else None
    if kind is not None:
        action = partial(_picker if data.action[0] == "p" else _toggle, kind)
    if action is None or not all(part.isdigit() for part in parts):
        await query.answer()
        return
    async with context.db() as session:
        me = await who(session, update, context)
        if not me.is_hr:
            await _show(update, context, "announce_refused", me.language)
            return
        await action(Pressed(update, context, session, me, [int(part) for part in parts]))


async def _menu(pressed: Pressed) -> None:
    """📣 The announcements menu: a new one, or the history."""
    context, lang = pressed.context, pressed.lang
    rows = [
        [button(context, lang, "announce.button.new", _data("new"))],
        [button(context, lang, "announce.button.history", _data("hi", 0))],
        [button(context, lang, "announce.button.back_admin", callback("adm", "ls", 0))],
    ]
    await _show(pressed.update, context, "announce_menu", lang, rows)


async def _new(pressed: Pressed) -> None:
    """✏️ Wait for the text (or a photo or document with a caption)."""
    await announcements.wait_for(
        pressed.session, telegram_user_id=pressed.me.telegram_user_id, step=announcements.STEP_TEXT
    )
    rows = [[button(pressed.context, pressed.lang, "announce.button.cancel", _data("x", 0))]]
    await _show(
        pressed.update,
        pressed.context,
        "announce_compose",
        pressed.lang,
        rows,
        text_limit=announcements.TEXT_LIMIT,
        caption_limit=announcements.CAPTION_LIMIT,
    )


async def _discard(pressed: Pressed) -> None:
    """✖️ Batal: drop the draft (if any yet) and stop waiting for input."""
    dropped = await announcements.discard_draft(
        pressed.session, announcement_id=pressed.target, created_by=pressed.me.telegram_user_id
    )
    if pressed.target and not dropped:
        await _gone(pressed)
        return
    rows = [[button(pressed.context, pressed.lang, "announce.button.menu", _data("menu"))]]
    await _show(pressed.update, pressed.context, "announce_discarded", pressed.lang, rows)


async def _draft(pressed: Pressed) -> Announcement | None:
    """The caller's own draft named by the press; otherwise says so and returns None."""
    found = await announcements.find_draft(
        pressed.session, announcement_id=pressed.target, created_by=pressed.me.telegram_user_id
    )
    if found is None:
        await _gone(pressed)
    return found


# ---------------------------------------------------------------------------- audience


async def _audience_screen(pressed: Pressed) -> None:
    """👥 The draft's audience in words, the live count, and the filters."""
    draft = await _draft(pressed)
    if draft is not None:
        await _audience(
            pressed.update, pressed.context, pressed.session, pressed.me, draft, new_message=False
        )


async def _audience(
    update: Update,
    context: Context,
    session: AsyncSession,
    me: Caller,
    draft: Announcement,
    *,
    new_message: bool,
) -> None:
    lang, aid = me.language, draft.id
    audience = announcements.audience_from(draft.audience)
    jp_key = "announce.button.chosen" if audience.below_jp else "announce.button.below_jp"
    target = context.services.settings.jp_target
    jp_label = context.services.renderer.label("announce.button.below_jp", lang, target=target)
    rows = [
        [button(context, lang, "announce.button.everyone", _data("all", aid))],
        [
            button(context, lang, "announce.button.units", _data("pu", aid, 0)),
            button(context, lang, "announce.button.position_types", _data("pt", aid, 0)),
        ],
        [
            button(context, lang, "announce.button.ranks", _data("pr", aid, 0)),
            button(context, lang, "announce.button.events", _data("pe", aid, 0)),
        ],
        [button(context, lang, "announce.button.competencies", _data("pc", aid, 0))],
        [button(context, lang, jp_key, _data("jp", aid), name=jp_label, target=target)],
        [button(context, lang, "announce.button.preview", _data("pv", aid))],
        [button(context, lang, "announce.button.cancel", _data("x", aid))],
    ]
    values = {"audience": audience, "count": await _count(context, session, audience)}
    if new_message:
        await reply(update, context, "announce_audience", lang, keyboard=InlineKeyboardMarkup(rows), **values)
    else:
        await _show(update, context, "announce_audience", lang, rows, **values)


async def _everyone(pressed: Pressed) -> None:
    """👥 Clear every filter."""
    draft = await _draft(pressed)
    if draft is None:
        return
    await announcements.set_audience(pressed.session, draft=draft, audience=Audience())
    await _audience(pressed.update, pressed.context, pressed.session, pressed.me, draft, new_message=False)


async def _below_jp(pressed: Pressed) -> None:
    """⏳ Only ASN below the JP target this year, on or off."""
    draft = await _draft(pressed)
    if draft is None:
        return
    audience = announcements.audience_from(draft.audience)
    changed = replace(audience, below_jp=not audience.below_jp)
    await announcements.set_audience(pressed.session, draft=draft, audience=changed)
    await _audience(pressed.update, pressed.context, pressed.session, pressed.me, draft, new_message=False)


async def _picker(kind: str, pressed: Pressed) -> None:
    """A page of one filter's options from the data, the chosen ones ticked."""
    draft = await _draft(pressed)
    if draft is not None:
        await _picker_page(pressed, draft, kind, pressed.arg(1))


async def _picker_page(pressed: Pressed, draft: Announcement, kind: str, page: int) -> None:
    context, lang, aid = pressed.context, pressed.lang, draft.id
    key = next(k for k, v in PICKERS.items() if v == kind)
    audience = announcements.audience_from(draft.audience)
    chosen = _chosen(audience, kind)
    found = await announcements.options(pressed.session, kind=kind)
    pages = max(1, -(-len(found) // OPTIONS_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    shown = found[page * OPTIONS_PER_PAGE : (page + 1) * OPTIONS_PER_PAGE]
    rows = []
    for option in shown:
        value = option.name.split(" — ")[0] if kind == "events" else option.name
        name = _short(option.name)
        data = _data(f"t{key}", aid, option.id, page)
        if value.casefold() in chosen:
            rows.append([button(context, lang, "announce.button.chosen", data, name=name)])
        else:
            rows.append([InlineKeyboardButton(name, callback_data=data)])
    navigation = []
    if page > 0:
        navigation.append(button(context, lang, "button.prev", _data(f"p{key}", aid, page - 1)))
    if page + 1 < pages:
        navigation.append(button(context, lang, "button.next", _data(f"p{key}", aid, page + 1)))
    rows.append(navigation)
    rows.append([button(context, lang, "announce.button.audience", _data("au", aid))])
    await _show(
        pressed.update,
        context,
        "announce_picker",
        lang,
        rows,
        kind=kind,
        audience=audience,
        count=await _count(context, pressed.session, audience),
        total=len(found),
        page=page,
        pages=pages,
    )


def _chosen(audience: Audience, kind: str) -> set[str]:
    values: tuple[str, ...] = {
        "units": audience.units,
        "position_types": audience.position_types,
        "ranks": audience.ranks,
        "events": (audience.event_code,) if audience.event_code else (),
        "competencies": (audience.gap_competency,) if audience.gap_competency else (),
    }[kind]
    return {value.casefold() for value in values}


async def _toggle(kind: str, pressed: Pressed) -> None:
    """An option pressed in a picker: add it to the filter or take it out."""
    draft = await _draft(pressed)
    if draft is None:
        return
    value = await announcements.option_name(pressed.session, kind=kind, option_id=pressed.arg(1))
    if value is not None:
        audience = announcements.toggle(announcements.audience_from(draft.audience), kind=kind, value=value)
        await announcements.set_audience(pressed.session, draft=draft, audience=audience)
    await _picker_page(pressed, draft, kind, pressed.arg(2))


# ---------------------------------------------------------------------------- preview and sending


async def _preview(pressed: Pressed) -> None:
    """👁 The announcement exactly as recipients get it, then the summary and the choices."""
    update, context = pressed.update, pressed.context
    draft = await _draft(pressed)
    chat = update.effective_chat
    if draft is None or chat is None or update.callback_query is None:
        return
    await update.callback_query.answer()
    await deliver(
        context.bot,
        chat_id=chat.id,
        text=announcements.body(draft.text),
        attachment=announcements.attachment_of(draft),
    )
    await _summary(update, context, pressed.session, pressed.me, draft, new_message=True)


async def _summary(
    update: Update,
    context: Context,
    session: AsyncSession,
    me: Caller,
    draft: Announcement,
    *,
    new_message: bool,
) -> None:
    lang, aid = me.language, draft.id
    audience = announcements.audience_from(draft.audience)
    count = await _count(context, session, audience)
    rows = []
    if count > 0:
        rows.append(
            [
                button(context, lang, "announce.button.send_now", _data("go", aid)),
                button(context, lang, "announce.button.schedule", _data("sc", aid)),
            ]
        )
    rows.append([button(context, lang, "announce.button.change_audience", _data("au", aid))])
    rows.append([button(context, lang, "announce.button.cancel", _data("x", aid))])
    values = {"audience": audience, "count": count}
    if new_message:
        await reply(update, context, "announce_summary", lang, keyboard=InlineKeyboardMarkup(rows), **values)
    else:
        await _show(update, context, "announce_summary", lang, rows, **values)


async def _send_now(pressed: Pressed) -> None:
    """📤 Queue the draft for everyone in its audience now; the dispatcher sends it."""
    sent = await _announce(
        pressed.context, pressed.session, pressed.me, pressed.target, due_at=pressed.context.now()
    )
    if sent is None:
        await _gone(pressed)
        return
    await _status_view(pressed, sent, outcome="sent")


async def _announce(
    context: Context, session: AsyncSession, me: Caller, announcement_id: int, *, due_at: datetime
) -> Announcement | None:
    return await announcements.send_draft(
        session,
        announcement_id=announcement_id,
        created_by=me.telegram_user_id,
        due_at=due_at,
        now=context.now(),
        year=_year(context),
        target=context.services.settings.jp_target,
    )


async def _ask_time(pressed: Pressed) -> None:
    """🗓 Wait for the send time, typed in office time."""
    draft = await _draft(pressed)
    if draft is None:
        return
    await announcements.wait_for(
        pressed.session,
        telegram_user_id=pressed.me.telegram_user_id,
        step=announcements.STEP_TIME,
        announcement_id=draft.id,
    )
    rows = [[button(pressed.context, pressed.lang, "announce.button.back", _data("bk", draft.id))]]
    await _show(
        pressed.update,
        pressed.context,
        "announce_ask_time",
        pressed.lang,
        rows,
        example=_example(pressed.context, pressed.lang),
    )


async def _back(pressed: Pressed) -> None:
    """◀ From typing the send time back to the summary, where sending and discarding are."""
    draft = await _draft(pressed)
    if draft is None:
        return
    await announcements.stop_waiting(pressed.session, telegram_user_id=pressed.me.telegram_user_id)
    await _summary(pressed.update, pressed.context, pressed.session, pressed.me, draft, new_message=False)


def _example(context: Context, lang: str) -> str:
    return context.services.renderer.label("announce.time_example", lang)


# ---------------------------------------------------------------------------- typed input


async def typed(update: Update, context: Context) -> bool:
    """A plain text that is the announcement's text or its send time; False when none is awaited.

    For the text router: call it before answering "unknown text"; True means consumed.
    """
    user, message = update.effective_user, update.effective_message
    if user is None or message is None or message.text is None:
        return False
    async with context.db() as session:
        waiting = await announcements.waiting(session, telegram_user_id=user.id)
        if waiting is None:
            return False
        me = await who(session, update, context)
        if not me.is_hr:
            await announcements.stop_waiting(session, telegram_user_id=user.id)
            return False
        if waiting.step == announcements.STEP_TIME and waiting.announcement_id is not None:
            await _schedule(update, context, session, me, waiting.announcement_id, message.text)
        else:
            await _compose(update, context, session, me, text=message.text)
    return True


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
        draft = await announcements.create_draft(
            session,
            text=text,
            created_by=me.telegram_user_id,
            photo_file_id=photo,
            document_file_id=document,
        )
    except announcements.TextTooLong as refusal:
        rows = [[button(context, me.language, "announce.button.cancel", _data("x", 0))]]
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
    await _audience(update, context, session, me, draft, new_message=True)


async def _schedule(
    update: Update, context: Context, session: AsyncSession, me: Caller, announcement_id: int, text: str
) -> None:
    lang = me.language
    draft = await announcements.find_draft(
        session, announcement_id=announcement_id, created_by=me.telegram_user_id
    )
    if draft is None:
        await announcements.stop_waiting(session, telegram_user_id=me.telegram_user_id)
        await reply(update, context, "announce_gone", lang)
        return
    when = announcements.parse_when(text, timezone=context.services.settings.timezone)
    if when is None or when <= context.now():
        rows = [[button(context, lang, "announce.button.back", _data("bk", draft.id))]]
        await reply(
            update,
            context,
            "announce_bad_time",
            lang,
            keyboard=InlineKeyboardMarkup(rows),
            outcome="garbage" if when is None else "past",
            value=text.strip()[:40],
            when=when,
            example=_example(context, lang),
        )
        return
    sent = await _announce(context, session, me, draft.id, due_at=when)
    if sent is None:
        await reply(update, context, "announce_gone", lang)
        return
    await reply(
        update,
        context,
        "announce_status",
        lang,
        keyboard=InlineKeyboardMarkup(_status_rows(context, lang, sent)),
        confirm_cancel=False,
        **await _status_values(context, session, sent, outcome="scheduled"),
    )


# ---------------------------------------------------------------------------- status, control, history


async def _status(pressed: Pressed) -> None:
    """📣 One announcement's progress (🔄 re-reads it)."""
    found = await announcements.find(pressed.session, announcement_id=pressed.target)
    if found is None:
        await _gone(pressed)
        return
    await _status_view(pressed, found)


async def _gone(pressed: Pressed) -> None:
    """A draft or announcement that is not there (sent, discarded, or someone else's draft)."""
    rows = [[button(pressed.context, pressed.lang, "announce.button.menu", _data("menu"))]]
    await _show(pressed.update, pressed.context, "announce_gone", pressed.lang, rows)


async def _status_view(
    pressed: Pressed, announcement: Announcement, *, outcome: str | None = None, confirm_cancel: bool = False
) -> None:
    context, lang = pressed.context, pressed.lang
    if confirm_cancel:
        rows = [
            [
                button(context, lang, "announce.button.confirm_cancel", _data("cy", announcement.id)),
                button(context, lang, "announce.button.keep", _data("st", announcement.id)),
            ]
        ]
    else:
        rows = _status_rows(context, lang, announcement)
    await _show(
        pressed.update,
        context,
        "announce_status",
        lang,
        rows,
        confirm_cancel=confirm_cancel,
        **await _status_values(context, pressed.session, announcement, outcome=outcome),
    )


async def _status_values(
    context: Context, session: AsyncSession, announcement: Announcement, *, outcome: str | None
) -> dict[str, Any]:
    """What `announce_status` shows; before it goes out, the audience's current size, which
    may still change."""
    audience = announcements.audience_from(announcement.audience)
    return {
        "announcement": announcement,
        "audience": audience,
        "audience_now": await _count(context, session, audience)
        if announcements.unstarted(announcement)
        else None,
        "preview": announcements.snippet(announcement.text),
        "tally": await announcements.tally(session, announcement_id=announcement.id),
        "outcome": outcome,
    }


def _status_rows(context: Context, lang: str, announcement: Announcement) -> list[list[InlineKeyboardButton]]:
    aid = announcement.id
    rows = [[button(context, lang, "announce.button.refresh", _data("st", aid))]]
    control = []
    if announcement.status in RUNNING:
        control.append(button(context, lang, "announce.button.pause", _data("pa", aid)))
    if announcement.status is AnnouncementStatus.PAUSED:
        control.append(button(context, lang, "announce.button.resume", _data("re", aid)))
    if announcement.status in (*RUNNING, AnnouncementStatus.PAUSED):
        control.append(button(context, lang, "announce.button.cancel_sending", _data("cq", aid)))
    rows.append(control)
    rows.append([button(context, lang, "announce.button.history", _data("hi", 0))])
    return [row for row in rows if row]


async def _control(
    pressed: Pressed, change: Callable[..., Awaitable[Change]], *, confirm_cancel: bool = False
) -> None:
    outcome = None
    if not confirm_cancel:
        result = await change(
            pressed.session,
            announcement_id=pressed.target,
            actor=pressed.me.telegram_user_id,
            now=pressed.context.now(),
        )
        if result is Change.NOT_FOUND:
            await _gone(pressed)
            return
        outcome = "not_allowed" if result is Change.NOT_ALLOWED else None
    found = await announcements.find(pressed.session, announcement_id=pressed.target)
    if found is None:
        await _gone(pressed)
        return
    await _status_view(pressed, found, outcome=outcome, confirm_cancel=confirm_cancel)


async def _pause(pressed: Pressed) -> None:
    """⏸ Hold what is not yet sent."""
    await _control(pressed, announcements.pause)


async def _resume(pressed: Pressed) -> None:
    """▶ Send the held rows."""
    await _control(pressed, announcements.resume)


async def _ask_cancel(pressed: Pressed) -> None:
    """🛑 Ask before withdrawing what is not yet sent."""
    await _control(pressed, announcements.cancel, confirm_cancel=True)


async def _cancel(pressed: Pressed) -> None:
    """🛑 Yes: withdraw every row not yet sent."""
    await _control(pressed, announcements.cancel)


async def _history(pressed: Pressed) -> None:
    """🗂 Sent and scheduled announcements, newest first, each opening its status."""
    context, lang = pressed.context, pressed.lang
    listing = await announcements.history(pressed.session, page=pressed.target, per_page=HISTORY_PER_PAGE)
    first = listing.page * HISTORY_PER_PAGE
    lines = [
        Line(
            first + n,
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
                _data("st", line.announcement.id),
                number=line.number,
                preview=_short(announcements.snippet(line.announcement.text, 4)),
            )
        ]
        for line in lines
    ]
    navigation = []
    if listing.page > 0:
        navigation.append(button(context, lang, "button.prev", _data("hi", listing.page - 1)))
    if listing.page + 1 < listing.pages:
        navigation.append(button(context, lang, "button.next", _data("hi", listing.page + 1)))
    rows.append(navigation)
    rows.append([button(context, lang, "announce.button.menu", _data("menu"))])
    await _show(
        pressed.update,
        context,
        "announce_history",
        lang,
        rows,
        lines=lines,
        page=listing.page,
        pages=listing.pages,
    )


_ACTIONS: dict[str, Callable[[Pressed], Awaitable[None]]] = {
    "menu": _menu,
    "new": _new,
    "x": _discard,
    "au": _audience_screen,
    "all": _everyone,
    "jp": _below_jp,
    "pv": _preview,
    "go": _send_now,
    "sc": _ask_time,
    "bk": _back,
    "st": _status,
    "pa": _pause,
    "re": _resume,
    "cq": _ask_cancel,
    "cy": _cancel,
    "hi": _history,
}
