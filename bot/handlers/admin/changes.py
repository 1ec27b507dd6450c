"""HR, or an organizer for its own events, changes or cancels an event from its `/admin`
screen: ✏️ a menu of what can change (schedule, place, registration deadline), the new value
typed, a before → after preview, then save; 🚫 a reason picked or typed, a confirmation, then
cancel. Registrants are told
through the outbox (`db.events`).

Callback data is `eva:<action>:<event id>[:<arg>]`: `m` the change menu, `f` ask for a field
(`arg` s, l or d), `ok` save the previewed change, `x` the cancellation's reasons, `r` a reason
picked (`arg` its key), `t` type a reason, `cx` cancel the event (`arg` the reason key, or
`typed`), `q` drop what was being typed. Every press and every typed text re-reads the
caller's roles: HR changes or cancels any event, an organizer only its own (another's reads as
gone, and the attempt is audited, `db.events.publishing.owned`); ASN are refused. An event
cancelled or started is refused at the first press; a refusal about the event itself (not
the typed text) ends the typing, since typing again cannot help.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.context import BotApplication, Context
from bot.replies import edit, reply
from bot.ui import flows
from bot.ui.callbacks import encode
from bot.ui.flows import Typed
from bot.ui.keyboards import button
from bot.ui.router import Buttons, Press, Role
from db import admin, events
from db.events import EventChangeError, EventFacts, Field, Typing, publishing

PREFIX = "eva"
FIELDS = {"s": Field.SCHEDULE, "l": Field.LOCATION, "d": Field.DEADLINE}
FIELD_LABELS = {
    Field.SCHEDULE: "events.button.schedule",
    Field.LOCATION: "events.button.location",
    Field.DEADLINE: "events.button.deadline",
}


async def _hr_only(press: Press) -> None:
    await edit(press.update, press.context, "event_refused", press.lang, outcome="hr_only")


CHANGES = Buttons(PREFIX, role=Role.STAFF, refused=_hr_only)
EventAction = Callable[[Press, EventFacts], Awaitable[None]]


def _on_event(*names: str) -> Callable[[EventAction], EventAction]:
    """Register an action on an event that exists (`eva:<name>:<event id>[:<arg>]`)."""

    def register(action: EventAction) -> EventAction:
        async def run(press: Press) -> None:
            event_id = press.number(0)
            mine = await publishing.owned(press.session, scope=press.staff, event_id=event_id)
            found = await events.facts(press.session, event_id=event_id) if mine is not None else None
            if found is None:
                await edit(press.update, press.context, "admin_gone", press.lang)
                return
            await action(press, found)

        CHANGES.on(*names)(run)
        return action

    return register


def _arg(press: Press) -> str:
    """The word after the event id (a field or a reason key), or "" when there is none."""
    args = press.data.args
    return args[1] if len(args) > 1 and isinstance(args[1], str) else ""


def add_handlers(application: BotApplication) -> None:
    """Attach this feature's buttons and its typed input (a new value or a reason)."""
    application.add_handler(CHANGES.handler())
    # organizers type too: `_typed` re-reads the caller's scope and the event's ownership
    flows.register(events.FLOW, _typed, role=Role.ANYONE)


def entry_buttons(context: Context, lang: str, event_id: int) -> list[InlineKeyboardButton]:
    """✏️ and 🚫 for the `/admin` event screen (HR, and the event's own organizer)."""
    return [
        button(context, lang, "events.button.edit", encode(PREFIX, "m", event_id)),
        button(context, lang, "events.button.cancel_event", encode(PREFIX, "x", event_id)),
    ]


def _back(context: Context, lang: str, event_id: int) -> InlineKeyboardButton:
    return button(context, lang, "admin.button.back_to_event", encode("adm", "ev", event_id))


def _discard(context: Context, lang: str, event_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button(context, lang, "events.button.discard", encode(PREFIX, "q", event_id))]]
    )


async def _closed(press: Press, event: EventFacts) -> bool:
    """Refuse, and end any typing, when the event is cancelled or has started; whether it was."""
    if event.cancelled:
        reason = "cancelled"
    elif event.starts_at <= press.context.now():
        reason = "started"
    else:
        return False
    await events.stop_typing(press.session, telegram_user_id=press.me.telegram_user_id)
    await _refusal(press, event, reason)
    return True


# ---------------------------------------------------------------------------- buttons


@_on_event("m")
async def _menu(press: Press, event: EventFacts) -> None:
    """✏️ What can change, with the event's current values."""
    context, lang = press.context, press.lang
    if await _closed(press, event):
        return
    await events.stop_typing(press.session, telegram_user_id=press.me.telegram_user_id)
    rows = [
        [button(context, lang, FIELD_LABELS[field], encode(PREFIX, "f", event.id, key))]
        for key, field in FIELDS.items()
    ]
    rows.append([_back(context, lang, event.id)])
    await edit(press.update, context, "event_menu", lang, keyboard=InlineKeyboardMarkup(rows), event=event)


@_on_event("f")
async def _ask_field(press: Press, event: EventFacts) -> None:
    """📅 / 📍 / ⏰: the next text HR types is the new value."""
    field = FIELDS.get(_arg(press))
    if field is None:
        await _menu(press, event)
        return
    if await _closed(press, event):
        return
    typing = Typing(event.id, field.value)
    await events.await_typing(press.session, telegram_user_id=press.me.telegram_user_id, typing=typing)
    await edit(
        press.update,
        press.context,
        "event_ask",
        press.lang,
        keyboard=_discard(press.context, press.lang, event.id),
        event=event,
        field=field.value,
    )


@_on_event("ok")
async def _save(press: Press, event: EventFacts) -> None:
    """✅ Save the previewed change; a second press finds nothing left to save."""
    session, me, context = press.session, press.me, press.context
    typing = await events.typing(session, telegram_user_id=me.telegram_user_id)
    if typing is None or typing.proposal is None or typing.event_id != event.id:
        await edit(press.update, context, "event_refused", press.lang, outcome="expired")
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
        await _refusal(press, event, refusal.reason)
        return
    await events.stop_typing(session, telegram_user_id=me.telegram_user_id)
    await edit(
        press.update,
        context,
        "event_saved",
        press.lang,
        keyboard=InlineKeyboardMarkup([[_back(context, press.lang, event.id)]]),
        event=event,
        field=proposal.field.value,
        already=applied.already,
        notified=applied.notified,
    )


@_on_event("x")
async def _reasons(press: Press, event: EventFacts) -> None:
    """🚫 Why the event is cancelled: a reason to pick, or HR's own words."""
    context, lang = press.context, press.lang
    if await _closed(press, event):
        return
    await events.stop_typing(press.session, telegram_user_id=press.me.telegram_user_id)
    rows = [
        [button(context, lang, f"events.reason.{key}", encode(PREFIX, "r", event.id, key))]
        for key in events.REASONS
    ]
    rows.append([button(context, lang, "events.button.type_reason", encode(PREFIX, "t", event.id))])
    rows.append([_back(context, lang, event.id)])
    await edit(
        press.update, context, "event_cancel_ask", lang, keyboard=InlineKeyboardMarkup(rows), event=event
    )


@_on_event("r")
async def _reason_picked(press: Press, event: EventFacts) -> None:
    """A reason pressed: confirm before cancelling."""
    if _arg(press) not in events.REASONS:
        await _reasons(press, event)
        return
    if await _closed(press, event):
        return
    await _confirm_cancel(
        press.update, press.context, press.lang, event, _arg(press), None, new_message=False
    )


@_on_event("t")
async def _type_reason(press: Press, event: EventFacts) -> None:
    """✍️ The next text HR types is the reason."""
    if await _closed(press, event):
        return
    typing = Typing(event.id, events.REASON)
    await events.await_typing(press.session, telegram_user_id=press.me.telegram_user_id, typing=typing)
    await edit(
        press.update,
        press.context,
        "event_cancel_reason",
        press.lang,
        keyboard=_discard(press.context, press.lang, event.id),
        event=event,
    )


async def _confirm_cancel(
    update: Update,
    context: Context,
    lang: str,
    event: EventFacts,
    reason: str,
    reason_text: str | None,
    *,
    new_message: bool,
) -> None:
    keyboard = InlineKeyboardMarkup(
        [
            [button(context, lang, "events.button.confirm_cancel", encode(PREFIX, "cx", event.id, reason))],
            [_back(context, lang, event.id)],
        ]
    )
    values = {"event": event, "reason": reason, "reason_text": reason_text}
    if new_message:
        await reply(update, context, "event_cancel_confirm", lang, keyboard=keyboard, **values)
    else:
        await edit(update, context, "event_cancel_confirm", lang, keyboard=keyboard, **values)


@_on_event("cx")
async def _cancel(press: Press, event: EventFacts) -> None:
    """🚫 Yes: cancel the event; a second press finds it cancelled already."""
    session, me, context = press.session, press.me, press.context
    reason, reason_text = _arg(press), None
    typing = await events.typing(session, telegram_user_id=me.telegram_user_id)
    await events.stop_typing(session, telegram_user_id=me.telegram_user_id)
    if event.cancelled:
        await _cancelled(press, event, events.Cancelled(already=True))
        return
    if reason == events.TYPED:
        if typing is not None and typing.event_id == event.id:
            reason_text = typing.reason_text
        if reason_text is None:
            await edit(press.update, context, "event_refused", press.lang, outcome="expired")
            return
    elif reason not in events.REASONS:
        await _reasons(press, event)
        return
    try:
        result = await events.cancel_event(
            session,
            event_id=event.id,
            reason=reason,
            reason_text=reason_text,
            actor=me.telegram_user_id,
            now=context.now(),
            timezone=context.services.settings.timezone,
        )
    except EventChangeError as refusal:
        await _refusal(press, event, refusal.reason)
        return
    await _cancelled(press, event, result)


async def _cancelled(press: Press, event: EventFacts, result: events.Cancelled) -> None:
    await edit(
        press.update,
        press.context,
        "event_cancel_done",
        press.lang,
        keyboard=InlineKeyboardMarkup([[_back(press.context, press.lang, event.id)]]),
        event=event,
        already=result.already,
        result=result,
    )


@_on_event("q")
async def _drop(press: Press, event: EventFacts) -> None:
    """✖️ Nothing is changed: back to the change menu."""
    await _menu(press, event)


async def _refusal(press: Press, event: EventFacts, reason: str) -> None:
    await edit(
        press.update,
        press.context,
        "event_invalid",
        press.lang,
        keyboard=InlineKeyboardMarkup([[_back(press.context, press.lang, event.id)]]),
        reason=reason,
        retry=False,
    )


# ---------------------------------------------------------------------------- typed text


async def _typed(typed: Typed) -> None:
    """The new value or the reason HR is typing: a before → after preview, or the cancellation
    to confirm; a value that cannot be used is refused with the reason."""
    update, context, session, me = typed.update, typed.context, typed.session, typed.me
    typing = await events.typing(session, telegram_user_id=me.telegram_user_id)
    scope = await admin.scope_for(session, telegram_user_id=me.telegram_user_id, roles=me.roles)
    mine = (
        await publishing.owned(session, scope=scope, event_id=typing.event_id)
        if typing is not None and scope is not None
        else None
    )
    found = await events.facts(session, event_id=mine.id) if mine is not None else None
    if typing is None or found is None:
        await events.stop_typing(session, telegram_user_id=me.telegram_user_id)
        await reply(update, context, "event_refused", me.language, outcome="expired")
        return
    try:
        ready = await _read_typed(typed, typing, found)
    except EventChangeError as refusal:
        await _typed_refused(typed, found, refusal)
        return
    await events.await_typing(session, telegram_user_id=me.telegram_user_id, typing=ready)
    if ready.proposal is None:
        await _confirm_cancel(
            update, context, me.language, found, events.TYPED, ready.reason_text, new_message=True
        )
        return
    keyboard = InlineKeyboardMarkup(
        [
            [button(context, me.language, "events.button.save", encode(PREFIX, "ok", found.id))],
            [button(context, me.language, "events.button.discard", encode(PREFIX, "q", found.id))],
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


async def _read_typed(typed: Typed, typing: Typing, found: EventFacts) -> Typing:
    """What HR typed, read for its field: the reason's words, or the proposed change."""
    if typing.field == events.REASON:
        return Typing(found.id, typing.field, reason_text=events.parse_reason(typed.text))
    proposal = await events.propose(
        typed.session,
        event_id=found.id,
        field=Field(typing.field),
        text=typed.text,
        now=typed.context.now(),
        timezone=typed.context.services.settings.timezone,
    )
    return Typing(found.id, typing.field, proposal=proposal)


async def _typed_refused(typed: Typed, found: EventFacts, refusal: EventChangeError) -> None:
    """A typed value refused: type again (with ✖️), or — when the event itself refuses — stop."""
    context, lang = typed.context, typed.lang
    retry = refusal.reason not in events.EVENT_REFUSALS
    if not retry:
        await events.stop_typing(typed.session, telegram_user_id=typed.me.telegram_user_id)
    await reply(
        typed.update,
        context,
        "event_invalid",
        lang,
        keyboard=(
            _discard(context, lang, found.id)
            if retry
            else InlineKeyboardMarkup([[_back(context, lang, found.id)]])
        ),
        reason=refusal.reason,
        retry=retry,
    )
