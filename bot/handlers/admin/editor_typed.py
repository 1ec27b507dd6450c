"""What HR or an organizer types in the event editor: a new event's title (the DRAFT is made
then), an item's value (read with the same parsers as every other time in the bot, in office
time), or HR's reason for sending an event back to its organizer. The caller's scope and the
event's owner are read again for every text."""

from __future__ import annotations

from bot.handlers.admin import editor_review
from bot.handlers.admin.editor import advance, offer
from bot.handlers.admin.editor_common import Screen, event_of, invalid
from bot.replies import reply
from bot.ui.flows import Typed
from db import admin
from db.events import creating, drafting, editing
from db.events.drafting import TYPED, Item
from db.events.editing import RETURN_REASON, Editing
from db.events.proposal import EventChangeError
from db.models import EventKind


async def typed(typed: Typed) -> None:
    """A text typed while the editor waits for one."""
    scope = await admin.scope_for(
        typed.session, telegram_user_id=typed.me.telegram_user_id, roles=typed.me.roles
    )
    if scope is None:
        await editing.stop(typed.session, telegram_user_id=typed.me.telegram_user_id)
        await reply(typed.update, typed.context, "admin_refused", typed.lang)
        return
    screen = Screen(typed.update, typed.context, typed.session, typed.me, scope, new_message=True)
    state = await editing.editing(typed.session, telegram_user_id=typed.me.telegram_user_id)
    if state is None:
        return
    if state.item == RETURN_REASON:
        await editor_review.returned(screen, state, typed.text)
    elif state.event_id is None:
        await _title(screen, state, typed.text)
    else:
        await _value(screen, state, typed.text)


async def _title(screen: Screen, state: Editing, text: str) -> None:
    """The first title of a new event: the DRAFT is made with it."""
    if state.kind is None:
        await editing.stop(screen.session, telegram_user_id=screen.me.telegram_user_id)
        await invalid(screen, None, "expired", retry=False)
        return
    try:
        title = drafting.parse_text(text, limit=drafting.TITLE_LIMIT)
    except EventChangeError as refusal:
        await invalid(screen, None, refusal.reason, retry=True)
        return
    organizer = "" if screen.scope.hr else sorted(screen.scope.organizers)[0]
    event = await creating.create_draft(
        screen.session,
        kind=EventKind(state.kind),
        title=title,
        organizer=organizer,
        actor=screen.me.telegram_user_id,
        now=screen.context.now(),
        timezone=screen.context.services.settings.timezone,
    )
    await advance(screen, event, Item.TITLE.value)


async def _value(screen: Screen, state: Editing, text: str) -> None:
    """A typed item's value: written (making) or previewed (changing); refused with the reason."""
    event = await event_of(screen, state.event_id or 0)
    if event is None:
        await editing.stop(screen.session, telegram_user_id=screen.me.telegram_user_id)
        return
    item = Item(state.item)
    if item not in TYPED:
        await invalid(screen, event, "use_buttons", retry=False)
        return
    try:
        after = drafting.read_typed(item, text, timezone=screen.context.services.settings.timezone)
        await offer(screen, event, state, item, after)
    except EventChangeError as refusal:
        await invalid(screen, event, refusal.reason, retry=True)
