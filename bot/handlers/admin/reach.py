"""Reaching ASN from an event's `/admin` screen: 📣 announce the event to exactly the ASN it
targets (a preview with the count, then send), and ✉️ write to its registrants (the text typed,
a preview with the count, then send). HR may do both for any event, an organizer for its own.

Callback data is `rch:<action>:<id>`: `pb` (announce: preview) and `pg` (send) take an event
id; `wm` (write: wait for the text) and `wx` (stop waiting) an event id; `ws` (send) and `wd`
(discard) the writer's draft. Every press and the typed text re-read the caller's scope, and
the domain (`db.announcements.publish`, `db.announcements.registrants`) checks the event is
within it and audits refusals.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.context import Context
from bot.delivery import deliver
from bot.handlers.admin.common import back_to_event
from bot.replies import edit, reply
from bot.ui.callbacks import encode
from bot.ui.caller import office_today
from bot.ui.flows import Typed
from bot.ui.keyboards import button
from bot.ui.router import Buttons, Press, Role
from db import admin, announcements
from db.admin import EventSummary
from db.announcements import publish, registrants

PREFIX = "rch"


async def _refused(press: Press) -> None:
    await edit(press.update, press.context, "admin_refused", press.lang)


#: HR and organizers; the domain checks each event against the caller's scope.
REACH = Buttons(PREFIX, role=Role.STAFF, refused=_refused)


def entry_buttons(context: Context, lang: str, event: EventSummary) -> list[InlineKeyboardButton]:
    """📣 (before the event starts) and ✉️ for the `/admin` event screen; none once cancelled."""
    if event.event_cancelled:
        return []
    row = [button(context, lang, "reach.button.write", encode(PREFIX, "wm", event.id))]
    if event.starts_at > context.now():
        row.insert(0, button(context, lang, "reach.button.publish", encode(PREFIX, "pb", event.id)))
    return row


def _year_target(context: Context) -> dict[str, int]:
    return {"year": office_today(context).year, "target": context.services.settings.jp_target}


def _back(context: Context, lang: str, event_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([back_to_event(context, lang, event_id)])


async def _refusal(press: Press, event_id: int, reason: str) -> None:
    keyboard = _back(press.context, press.lang, event_id)
    await edit(
        press.update,
        press.context,
        "reach_refused",
        press.lang,
        keyboard=keyboard,
        reason=reason,
        per_day=registrants.PER_DAY,
    )


# ---------------------------------------------------------------------------- announce


@REACH.on("pb")
async def _publish_preview(press: Press) -> None:
    """📣 The announcement as the targets get it, how many it reaches, and send."""
    event_id, context, lang = press.number(0), press.context, press.lang
    try:
        found = await publish.preview(
            press.session, scope=press.staff, event_id=event_id, now=context.now(), **_year_target(context)
        )
    except publish.PublishRefused as refusal:
        await _refusal(press, event_id, refusal.reason)
        return
    rows = [back_to_event(context, lang, event_id)]
    if found.reached:
        send = button(
            context, lang, "reach.button.publish_send", encode(PREFIX, "pg", event_id), count=found.reached
        )
        rows.insert(0, [send])
    sample = context.services.renderer.render("announce_event", lang, **found.sample)
    keyboard = InlineKeyboardMarkup(rows)
    await edit(press.update, context, "reach_publish", lang, keyboard=keyboard, preview=found, sample=sample)


@REACH.on("pg")
async def _publish(press: Press) -> None:
    """📤 Announce the event to its targets now, through the outbox."""
    event_id, context = press.number(0), press.context
    try:
        sent = await publish.publish(
            press.session,
            scope=press.staff,
            event_id=event_id,
            actor=press.me.telegram_user_id,
            now=context.now(),
            **_year_target(context),
        )
    except publish.PublishRefused as refusal:
        await _refusal(press, event_id, refusal.reason)
        return
    keyboard = _back(context, press.lang, event_id)
    await edit(
        press.update, context, "reach_published", press.lang, keyboard=keyboard, count=sent.recipient_count
    )


# ---------------------------------------------------------------------------- write


@REACH.on("wm")
async def _write(press: Press) -> None:
    """✉️ The next text the caller types goes to the event's registrants (after a preview)."""
    event_id = press.number(0)
    try:
        event = await registrants.start(
            press.session, scope=press.staff, telegram_user_id=press.me.telegram_user_id, event_id=event_id
        )
    except registrants.MessageRefused as refusal:
        await _refusal(press, event_id, refusal.reason)
        return
    discard = button(press.context, press.lang, "reach.button.discard", encode(PREFIX, "wx", event.id))
    await edit(
        press.update,
        press.context,
        "reach_write",
        press.lang,
        keyboard=InlineKeyboardMarkup([[discard]]),
        title=event.title,
        code=event.code,
        limit=announcements.TEXT_LIMIT,
    )


@REACH.on("wx")
async def _stop_writing(press: Press) -> None:
    """✖️ Nothing is written: back to the event."""
    await registrants.stop(press.session, telegram_user_id=press.me.telegram_user_id)
    keyboard = _back(press.context, press.lang, press.number(0))
    await edit(press.update, press.context, "reach_discarded", press.lang, keyboard=keyboard)


async def typed(typed: Typed) -> None:
    """The text to the registrants: the message as they get it, then the count and send."""
    update, context, session, me = typed.update, typed.context, typed.session, typed.me
    scope = await admin.scope_for(session, telegram_user_id=me.telegram_user_id, roles=me.roles)
    event_id = await registrants.awaited_event(session, telegram_user_id=me.telegram_user_id)
    if scope is None or event_id is None:
        await registrants.stop(session, telegram_user_id=me.telegram_user_id)
        await reply(update, context, "admin_refused", typed.lang)
        return
    try:
        ready = await registrants.compose(
            session,
            scope=scope,
            telegram_user_id=me.telegram_user_id,
            event_id=event_id,
            text=typed.text,
            **_year_target(context),
        )
    except registrants.MessageRefused as refusal:
        await registrants.stop(session, telegram_user_id=me.telegram_user_id)
        await reply(
            update, context, "reach_refused", typed.lang, reason=refusal.reason, per_day=registrants.PER_DAY
        )
        return
    except announcements.TextTooLong as refusal:
        await reply(
            update, context, "reach_refused", typed.lang, reason="too_long", limit=refusal.limit, per_day=0
        )
        return
    chat = update.effective_chat
    if chat is not None:
        await deliver(
            context.bot, chat_id=chat.id, text=announcements.body(ready.announcement.text), attachment=None
        )
    await _write_summary(typed, ready)


async def _write_summary(typed: Typed, ready: registrants.Ready) -> None:
    context, lang, draft_id = typed.context, typed.lang, ready.announcement.id
    rows = []
    if ready.reached:
        send = button(
            context, lang, "reach.button.write_send", encode(PREFIX, "ws", draft_id), count=ready.reached
        )
        rows.append([send])
    rows.append([button(context, lang, "reach.button.discard", encode(PREFIX, "wd", draft_id))])
    await reply(
        typed.update, context, "reach_write_summary", lang, keyboard=InlineKeyboardMarkup(rows), ready=ready
    )


@REACH.on("ws")
async def _send(press: Press) -> None:
    """📤 Send the caller's draft to the registrants of its event (ownership checked again)."""
    context = press.context
    try:
        sent = await registrants.send(
            press.session,
            scope=press.staff,
            telegram_user_id=press.me.telegram_user_id,
            draft_id=press.number(0),
            now=context.now(),
            **_year_target(context),
        )
    except registrants.MessageRefused as refusal:
        await edit(
            press.update,
            context,
            "reach_refused",
            press.lang,
            reason=refusal.reason,
            per_day=registrants.PER_DAY,
        )
        return
    if sent is None:
        await edit(press.update, context, "reach_refused", press.lang, reason="gone", per_day=0)
        return
    await edit(press.update, context, "reach_write_sent", press.lang, count=sent.recipient_count)


@REACH.on("wd")
async def _discard(press: Press) -> None:
    """✖️ Drop the caller's draft."""
    await announcements.discard_draft(
        press.session, announcement_id=press.number(0), created_by=press.me.telegram_user_id
    )
    await edit(press.update, press.context, "reach_discarded", press.lang)
