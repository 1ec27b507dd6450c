"""Picking an event's competencies and who may register (position types, positions, work
units, ranks, employment statuses: any combination, nothing picked = everyone) page by page,
ticked values kept in the editor's state until "done"; and the poster, sent as a photo."""

from __future__ import annotations

from telegram import InlineKeyboardButton, Update

from bot.context import Context
from bot.handlers.admin.editor import offer
from bot.handlers.admin.editor_common import EDITOR, Screen, ask, data, event_of, invalid
from bot.handlers.announce import compose
from bot.replies import reply
from bot.ui.caller import who
from bot.ui.pages import Page
from bot.ui.router import Press
from db import admin
from db.events import editing, targets
from db.events.drafting import Item
from db.events.editing import Editing
from db.events.proposal import EventChangeError
from db.models import Event

OPTIONS_PER_PAGE = 8
#: A list's key in callback data → the list (`db.events.targets`).
LISTS = {
    "c": "competencies",
    "t": "position_types",
    "p": "positions",
    "u": "units",
    "r": "ranks",
    "s": "statuses",
}
NAME_LIMIT = 40


async def _picking(press: Press) -> tuple[Screen, Event, Editing] | None:
    """The event and the editor's state when the caller is picking this event's lists."""
    screen = Screen.of(press)
    event = await event_of(screen, press.number(0))
    if event is None:
        return None
    state = await editing.editing(press.session, telegram_user_id=press.me.telegram_user_id)
    if state is None or state.event_id != event.id or state.item not in (Item.COMPETENCIES, Item.TARGETS):
        await invalid(screen, event, "expired", retry=False)
        return None
    return screen, event, state


@EDITOR.on("pk", "tg")
async def _page(press: Press) -> None:
    """A page of one list, the picked values ticked; a value pressed is ticked or unticked."""
    found = await _picking(press)
    if found is None:
        return
    screen, event, state = found
    key = press.word(1)
    kind = LISTS.get(key)
    if kind is None or (kind == "competencies") != (state.item == Item.COMPETENCIES):
        await invalid(screen, event, "expired", retry=False)
        return
    picked = list(state.picked.get(kind, []))
    page = press.number(2, default=0)
    if press.data.action == "tg":
        page = press.number(3, default=0)
        picked = await targets.toggle(press.session, kind=kind, option_id=press.number(2), picked=picked)
        state = Editing(state.mode, state.item, event.id, picked=state.picked | {kind: picked})
        await editing.remember(press.session, telegram_user_id=press.me.telegram_user_id, editing=state)
    options = await targets.options(press.session, kind=kind, picked=picked)
    shown = Page.of(len(options), OPTIONS_PER_PAGE, page)
    rows: list[list[InlineKeyboardButton]] = []
    for option in shown.slice(options):
        name = option.name if len(option.name) <= NAME_LIMIT else option.name[: NAME_LIMIT - 1] + "…"
        toggle = data("tg", event.id, key, option.id, shown.number)
        label = "editor.button.picked" if option.picked else "editor.button.not_picked"
        rows.append([screen.button(label, toggle, name=name)])
    rows.append(shown.navigation(press.context, press.lang, lambda number: data("pk", event.id, key, number)))
    rows.append([screen.button("editor.button.lists_back", data("lb", event.id))])
    names = await targets.names(press.session, {kind: picked})
    await screen.show(
        "editor_picker",
        rows,
        event=event,
        kind=kind,
        picked=names[kind],
        page=shown.number,
        pages=shown.count,
    )


@EDITOR.on("lb")
async def _lists(press: Press) -> None:
    """◀ Back from a list to the question with every list (what is ticked is kept)."""
    found = await _picking(press)
    if found is not None:
        screen, event, state = found
        await ask(screen, event, Item(state.item), state)


@EDITOR.on("pd")
async def _done(press: Press) -> None:
    """✅ The lists are done: the next step, or before → after."""
    found = await _picking(press)
    if found is None:
        return
    screen, event, state = found
    try:
        await offer(screen, event, state, Item(state.item), dict(state.picked))
    except EventChangeError as refusal:
        await invalid(screen, event, refusal.reason, retry=False)


async def photo(update: Update, context: Context) -> None:
    """A photo: the poster when the editor asks for one; otherwise an announcement's. An album's
    photos go straight to the announcement (a poster is one photo): their order of arrival is
    what picks the album's first photo there, and a database read first would shuffle it."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None or not message.photo or message.media_group_id is not None:
        await compose.media(update, context)
        return
    async with context.db() as session:
        state = await editing.editing(session, telegram_user_id=user.id)
        if state is None or state.item != Item.POSTER or state.event_id is None:
            await compose.media(update, context)
            return
        me = await who(session, update, context)
        scope = await admin.scope_for(session, telegram_user_id=me.telegram_user_id, roles=me.roles)
        if scope is None:
            await reply(update, context, "admin_refused", me.language)
            return
        screen = Screen(update, context, session, me, scope, new_message=True)
        event = await event_of(screen, state.event_id)
        if event is None:
            return
        try:
            await offer(screen, event, state, Item.POSTER, {"poster_file_id": message.photo[-1].file_id})
        except EventChangeError as refusal:
            await invalid(screen, event, refusal.reason, retry=False)
