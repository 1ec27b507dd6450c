"""HR changes or cancels an event from its `/admin` screen: ✏️ a menu of what can change
(schedule, place, registration deadline), the new value typed, a before → after preview,
then save; 🚫 a reason picked or typed, a confirmation, then cancel. Registrants are told
through the outbox (`db.events`).

Callback data is `eva:<action>:<event id>[:<arg>]`: `m` the change menu, `f` ask for a field
(`arg` s, l or d), `ok` save the previewed change, `x` the cancellation's reasons, `r` a reason
picked (`arg` its key), `t` type a reason, `cx` cancel the event (`arg` the reason key, or
`typed`), `q` drop what was being typed. Every press and every typed text re-reads the
caller's roles: only HR changes or cancels events; organizers and ASN are refused. An event
cancelled or started is refused at the first press; a refusal about the event itself (not
the typed text) ends the typing, since typing again cannot help.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler

from bot.context import BotApplication, Context
from bot.handlers.common import button, who
from bot.keyboards import callback, parse_callback
from bot.replies import edit, reply
from db import events
from db.accounts import Caller
from db.events import EventChangeError, EventFacts, Field, Typing

PREFIX = "eva"
FIELDS = {"s": Field.SCHEDULE, "l": Field.LOCATION, "d": Field.DEADLINE}
FIELD_LABELS = {
    Field.SCHEDULE: "events.button.schedule",
    Field.LOCATION: "events.button.location",
    Field.DEADLINE: "events.button.deadline",
}


@dataclass(frozen=True, slots=True)
class Pressed:
    """An `eva:` press by HR, on an event that exists."""

    update: Update
    context: Context
    session: AsyncSession
    me: Caller
    event: EventFacts
    arg: str

    @property
    def lang(self) -> str:
        """HR's language."""
        return self.me.language


def add_handlers(application: BotApplication) -> None:
    """Attach this feature's button handler (typed text comes through `typed_text`)."""
    application.add_handler(CallbackQueryHandler(on_button, pattern=rf"^{PREFIX}:"))


def entry_buttons(context: Context, lang: str, event_id: int) -> list[InlineKeyboardButton]:
    """✏️ and 🚫 for the `/admin` event screen (shown to HR only)."""
    return [
        button(context, lang, "events.button.edit", callback(PREFIX, "m", event_id)),
        button(context, lang, "events.button.cancel_event", callback(PREFIX, "x", event_id)),
    ]


def _back(context: Context, lang: str, event_id: int) -> InlineKeyboardButton:
    return button(context, lang, "admin.button.back_to_event", callback("adm", "ev", event_id))


def _discard(context: Context, lang: str, event_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button(context, lang, "events.button.discard", callback(PREFIX, "q", event_id))]]
    )


async def _closed(pressed: Pressed) -> bool:
    """Refuse, and end any typing, when the event is cancelled or has started; whether it was."""
    if pressed.event.cancelled:
        reason = "cancelled"
    elif pressed.event.starts_at <= pressed.context.now():
        reason = "started"
    else:
        return False
    await events.stop_typing(pressed.session, telegram_user_id=pressed.me.telegram_user_id)
    await _refusal(pressed, reason)
    return True


# ---------------------------------------------------------------------------- buttons


async def on_button(update: Update, context: Context) -> None:
    """Every `eva:` button: HR only, on an event that exists; then do what it says."""
    query = update.callback_query
    data = parse_callback(query.data if query else None)
    if query is None or data is None:
        return
    target, _, arg = (data.arg or "").partition(":")
    action = ACTIONS.get(data.action)
    if action is None or not target.isdigit():
        await query.answer()
        return
    async with context.db() as session:
        me = await who(session, update, context)
        if not me.is_hr:
            await edit(update, context, "event_refused", me.language, outcome="hr_only")
            return
        found = await events.facts(session, event_id=int(target))
        if found is None:
            await edit(update, context, "admin_gone", me.language)
            return
        await action(Pressed(update, context, session, me, found, arg))


async def _menu(pressed: Pressed) -> None:
    """✏️ What can change, with the event's current values."""
    context, lang, event = pressed.context, pressed.lang, pressed.event
    if await _closed(pressed):
        return
    await events.stop_typing(pressed.session, telegram_user_id=pressed.me.telegram_user_id)
    rows = [
        [button(context, lang, FIELD_LABELS[field], callback(PREFIX, "f", f"{event.id}:{key}"))]
        for key, field in FIELDS.items()
    ]
    rows.append([_back(context, lang, event.id)])
    await edit(pressed.update, context, "event_menu", lang, keyboard=InlineKeyboardMarkup(rows), event=event)


async def _ask_field(pressed: Pressed) -> None:
    """📅 / 📍 / ⏰: the next text HR types is the new value."""
    field = FIELDS.get(pressed.arg)
    if field is None:
        await _menu(pressed)
        return
    if await _closed(pressed):
        return
    typing = Typing(pressed.event.id, field.value)
    await events.await_typing(pressed.session, telegram_user_id=pressed.me.telegram_user_id, typing=typing)
    await edit(
        pressed.update,
        pressed.context,
        "event_ask",
        pressed.lang,
        keyboard=_discard(pressed.context, pressed.lang, pressed.event.id),
        event=pressed.event,
        field=field.value,
    )


async def _save(pressed: Pressed) -> None:
    """✅ Save the previewed change; a second press finds nothing left to save."""
    session, me, context = pressed.session, pressed.me, pressed.context
    typing = await events.typing(session, telegram_user_id=me.telegram_user_id)
    if typing is None or typing.proposal is None or typing.event_id != pressed.event.id:
        await edit(pressed.update, context, "event_refused", pressed.lang, outcome="expired")
        return
    proposal = typing.proposal
    try:
        applied = await events.apply_change(
            session,
            proposal=proposal,
            actor=me.telegram_user_id,
            now=context.now(),
            timezone=context.services.settings.timezone,
        )
    except EventChangeError as refusal:
        await events.stop_typing(session, telegram_user_id=me.telegram_user_id)
        await _refusal(pressed, refusal.reason)
        return
    await events.stop_typing(session, telegram_user_id=me.telegram_user_id)
    await edit(
        pressed.update,
        context,
        "event_saved",
        pressed.lang,
        keyboard=InlineKeyboardMarkup([[_back(context, pressed.lang, pressed.event.id)]]),
        event=pressed.event,
        field=proposal.field.value,
        already=applied.already,
        notified=applied.notified,
    )


async def _reasons(pressed: Pressed) -> None:
    """🚫 Why the event is cancelled: a reason to pick, or HR's own words."""
    context, lang, event = pressed.context, pressed.lang, pressed.event
    if await _closed(pressed):
        return
    await events.stop_typing(pressed.session, telegram_user_id=pressed.me.telegram_user_id)
    rows = [
        [button(context, lang, f"events.reason.{key}", callback(PREFIX, "r", f"{event.id}:{key}"))]
        for key in events.REASONS
    ]
    rows.append([button(context, lang, "events.button.type_reason", callback(PREFIX, "t", event.id))])
    rows.append([_back(context, lang, event.id)])
    await edit(
        pressed.update, context, "event_cancel_ask", lang, keyboard=InlineKeyboardMarkup(rows), event=event
    )


async def _reason_picked(pressed: Pressed) -> None:
    """A reason pressed: confirm before cancelling."""
    if pressed.arg not in events.REASONS:
        await _reasons(pressed)
        return
    if await _closed(pressed):
        return
    await _confirm_cancel(pressed, pressed.arg, None, new_message=False)


async def _type_reason(pressed: Pressed) -> None:
    """✍️ The next text HR types is the reason."""
    if await _closed(pressed):
        return
    typing = Typing(pressed.event.id, events.REASON)
    await events.await_typing(pressed.session, telegram_user_id=pressed.me.telegram_user_id, typing=typing)
    await edit(
        pressed.update,
        pressed.context,
        "event_cancel_reason",
        pressed.lang,
        keyboard=_discard(pressed.context, pressed.lang, pressed.event.id),
        event=pressed.event,
    )


async def _confirm_cancel(
    pressed: Pressed, reason: str, reason_text: str | None, *, new_message: bool
) -> None:
    context, lang, event = pressed.context, pressed.lang, pressed.event
    keyboard = InlineKeyboardMarkup(
        [
            [
                button(
                    context,
                    lang,
                    "events.button.confirm_cancel",
                    callback(PREFIX, "cx", f"{event.id}:{reason}"),
                )
            ],
            [_back(context, lang, event.id)],
        ]
    )
    values = {"event": event, "reason": reason, "reason_text": reason_text}
    if new_message:
        await reply(pressed.update, context, "event_cancel_confirm", lang, keyboard=keyboard, **values)
    else:
        await edit(pressed.update, context, "event_cancel_confirm", lang, keyboard=keyboard, **values)


async def _cancel(pressed: Pressed) -> None:
    """🚫 Yes: cancel the event; a second press finds it cancelled already."""
    session, me, context = pressed.session, pressed.me, pressed.context
    reason, reason_text = pressed.arg, None
    typing = await events.typing(session, telegram_user_id=me.telegram_user_id)
    await events.stop_typing(session, telegram_user_id=me.telegram_user_id)
    if pressed.event.cancelled:
        await _cancelled(pressed, events.Cancelled(already=True))
        return
    if reason == events.TYPED:
        if typing is not None and typing.event_id == pressed.event.id:
            reason_text = typing.reason_text
        if reason_text is None:
            await edit(pressed.update, context, "event_refused", pressed.lang, outcome="expired")
            return
    elif reason not in events.REASONS:
        await _reasons(pressed)
        return
    try:
        result = await events.cancel_event(
            session,
            event_id=pressed.event.id,
            reason=reason,
            reason_text=reason_text,
            actor=me.telegram_user_id,
            now=context.now(),
            timezone=context.services.settings.timezone,
        )
    except EventChangeError as refusal:
        await _refusal(pressed, refusal.reason)
        return
    await _cancelled(pressed, result)


async def _cancelled(pressed: Pressed, result: events.Cancelled) -> None:
    await edit(
        pressed.update,
        pressed.context,
        "event_cancel_done",
        pressed.lang,
        keyboard=InlineKeyboardMarkup([[_back(pressed.context, pressed.lang, pressed.event.id)]]),
        event=pressed.event,
        already=result.already,
        result=result,
    )


async def _drop(pressed: Pressed) -> None:
    """✖️ Nothing is changed: back to the change menu."""
    await _menu(pressed)


async def _refusal(pressed: Pressed, reason: str) -> None:
    await edit(
        pressed.update,
        pressed.context,
        "event_invalid",
        pressed.lang,
        keyboard=InlineKeyboardMarkup([[_back(pressed.context, pressed.lang, pressed.event.id)]]),
        reason=reason,
        retry=False,
    )


# ---------------------------------------------------------------------------- typed text


async def typed_text(update: Update, context: Context) -> bool:
    """A plain text that is the new value or the reason HR is typing; False when none is awaited.

    For the text router: call it before answering "unknown text"; True means consumed.
    """
    user, message = update.effective_user, update.effective_message
    if user is None or message is None or message.text is None:
        return False
    async with context.db() as session:
        typing = await events.typing(session, telegram_user_id=user.id)
        if typing is None:
            return False
        me = await who(session, update, context)
        if not me.is_hr:
            await events.stop_typing(session, telegram_user_id=user.id)
            await reply(update, context, "event_refused", me.language, outcome="hr_only")
            return True
        found = await events.facts(session, event_id=typing.event_id)
        if found is None:
            await events.stop_typing(session, telegram_user_id=user.id)
            await reply(update, context, "event_refused", me.language, outcome="expired")
            return True
        try:
            if typing.field == events.REASON:
                reason_text = events.parse_reason(message.text)
                ready = Typing(found.id, typing.field, reason_text=reason_text)
            else:
                proposal = await events.propose(
                    session,
                    event_id=found.id,
                    field=Field(typing.field),
                    text=message.text,
                    now=context.now(),
                    timezone=context.services.settings.timezone,
                )
                ready = Typing(found.id, typing.field, proposal=proposal)
        except EventChangeError as refusal:
            retry = refusal.reason not in events.EVENT_REFUSALS
            if not retry:
                await events.stop_typing(session, telegram_user_id=user.id)
            await reply(
                update,
                context,
                "event_invalid",
                me.language,
                keyboard=(
                    _discard(context, me.language, found.id)
                    if retry
                    else InlineKeyboardMarkup([[_back(context, me.language, found.id)]])
                ),
                reason=refusal.reason,
                retry=retry,
            )
            return True
        await events.await_typing(session, telegram_user_id=user.id, typing=ready)
        if ready.proposal is None:
            pressed = Pressed(update, context, session, me, found, "")
            await _confirm_cancel(pressed, events.TYPED, ready.reason_text, new_message=True)
            return True
    keyboard = InlineKeyboardMarkup(
        [
            [button(context, me.language, "events.button.save", callback(PREFIX, "ok", found.id))],
            [button(context, me.language, "events.button.discard", callback(PREFIX, "q", found.id))],
        ]
    )
    await reply(
        update,
        context,
        "event_preview",
        me.language,
        keyboard=keyboard,
        event=found,
        field=ready.proposal.field.value,
        before=ready.proposal.before,
        after=ready.proposal.after,
    )
    return True


ACTIONS = {
    "m": _menu,
    "f": _ask_field,
    "ok": _save,
    "x": _reasons,
    "r": _reason_picked,
    "t": _type_reason,
    "cx": _cancel,
    "q": _drop,
}
