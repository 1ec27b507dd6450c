"""➕ Making an event in `/admin` step by step, and ✏️ changing one item of an event: the kind,
then the title (the DRAFT is made then), then every other item with a default to skip to, a
summary, and "save as draft" or "publish"; an item changed shows before → after first.

A step is the `event_editor` flow of `db.conversation` (`db.events.editing`): typed values
arrive in `editor_typed`, lists and the poster in `editor_lists`, publishing and HR's review
in `editor_review`.
"""

from __future__ import annotations

from bot.handlers.admin.editor_common import (
    EDITOR,
    Screen,
    ask,
    data,
    event_of,
    invalid,
    next_step,
    overview,
)
from bot.ui.router import Press, Role
from db.events import drafting, editing, publishing, targets
from db.events.drafting import CHOICES, Item
from db.events.editing import CREATE, EDIT, Change, Editing
from db.events.proposal import EventChangeError
from db.models import Event


@EDITOR.on("new")
async def _new(press: Press) -> None:
    """➕ A new event: first its kind (organizers: seminars, workshops, webinars)."""
    screen = Screen.of(press)
    if not screen.scope.hr and not screen.scope.organizers:
        await invalid(screen, None, "no_organizer_role", retry=False)
        return
    await editing.stop(press.session, telegram_user_id=press.me.telegram_user_id)
    kinds = [kind for kind in CHOICES[Item.KIND] if publishing.may_make(screen.scope, kind)]
    rows = [[screen.button(f"editor.choice.kind.{kind}", data("k", kind))] for kind in kinds]
    rows.append([screen.button("editor.button.stop", data("x"))])
    await screen.show("editor_start", rows)


@EDITOR.on("k")
async def _kind(press: Press) -> None:
    """A kind pressed for a new event: now its title."""
    screen, kind = Screen.of(press), press.word(0)
    if kind not in CHOICES[Item.KIND] or not publishing.may_make(screen.scope, kind):
        await invalid(screen, None, "kind_not_allowed", retry=False)
        return
    state = Editing(CREATE, Item.TITLE.value, kind=kind)
    await editing.remember(press.session, telegram_user_id=press.me.telegram_user_id, editing=state)
    await screen.show("editor_title", [[screen.button("editor.button.stop", data("x"))]], kind=kind)


async def advance(screen: Screen, event: Event, after: str) -> None:
    """The step after `after` while making an event, or the summary after the last."""
    step = next_step(screen.scope, after)
    user = screen.me.telegram_user_id
    if step is None:
        await editing.stop(screen.session, telegram_user_id=user)
        await overview(screen, event, creating=True)
        return
    state = Editing(CREATE, step.value, event_id=event.id, picked=_picked(event, step))
    await editing.remember(screen.session, telegram_user_id=user, editing=state)
    tz = screen.context.services.settings.timezone
    days_off = publishing.days_off(event, timezone=tz, lang=screen.lang) if after == Item.SCHEDULE else []
    await ask(screen, event, step, state, days_off=days_off)


def _item(word: str) -> Item | None:
    """The item a press names, or None for a forged word."""
    return next((item for item in Item if item.value == word), None)


def _picked(event: Event, item: Item) -> dict[str, object]:
    return drafting.snapshot(event, item) if item in drafting.PICKED else {}


@EDITOR.on("s")
async def _skip(press: Press) -> None:
    """⏭ Keep the default of this step and go on."""
    screen = Screen.of(press)
    event = await event_of(screen, press.number(0))
    if event is not None:
        await advance(screen, event, press.word(1))


@EDITOR.on("sm")
async def _summary(press: Press) -> None:
    """📋 The event as it stands, with save as draft and publish."""
    screen = Screen.of(press)
    event = await event_of(screen, press.number(0))
    if event is not None:
        await editing.stop(press.session, telegram_user_id=press.me.telegram_user_id)
        await overview(screen, event, creating=True)


@EDITOR.on("m", "q")
async def _menu(press: Press) -> None:
    """✏️ Every item of the event, each a button to change it."""
    screen = Screen.of(press)
    event = await event_of(screen, press.number(0))
    if event is not None:
        await editing.stop(press.session, telegram_user_id=press.me.telegram_user_id)
        await overview(screen, event, creating=False)


@EDITOR.on("f")
async def _field(press: Press) -> None:
    """An item pressed in the menu: its question (typed, a choice, or lists)."""
    screen = Screen.of(press)
    event = await event_of(screen, press.number(0))
    if event is None:
        return
    item = _item(press.word(1))
    if item is None:
        await overview(screen, event, creating=False)
        return
    state = Editing(EDIT, item.value, event_id=event.id, picked=_picked(event, item))
    await editing.remember(press.session, telegram_user_id=press.me.telegram_user_id, editing=state)
    await ask(screen, event, item, state)


@EDITOR.on("c")
async def _choice(press: Press) -> None:
    """A choice pressed (kind, allocation, approval): the next step, or before → after."""
    screen = Screen.of(press)
    event = await event_of(screen, press.number(0))
    state = await editing.editing(press.session, telegram_user_id=press.me.telegram_user_id)
    if event is None:
        return
    if state is None or state.event_id != event.id:
        await invalid(screen, event, "expired", retry=False)
        return
    item, value = _item(press.word(1)), press.word(2)
    if item is None:
        await invalid(screen, event, "expired", retry=False)
        return
    if item is Item.KIND and not publishing.may_make(screen.scope, value):
        await invalid(screen, event, "kind_not_allowed", retry=False)
        return
    try:
        await offer(screen, event, state, item, drafting.read_choice(item, value))
    except EventChangeError as refusal:
        await invalid(screen, event, refusal.reason, retry=False)


@EDITOR.on("og", role=Role.HR)
async def _organizer(press: Press) -> None:
    """An organizer picked from the known ones (HR), like typing its name."""
    screen = Screen.of(press)
    event = await event_of(screen, press.number(0))
    state = await editing.editing(press.session, telegram_user_id=press.me.telegram_user_id)
    if event is None:
        return
    name = await publishing.organizer_name(press.session, organizer_id=press.number(1))
    if state is None or state.event_id != event.id or name is None:
        await invalid(screen, event, "expired", retry=False)
        return
    try:
        await offer(screen, event, state, Item.ORGANIZER, {"organizer": name})
    except EventChangeError as refusal:
        await invalid(screen, event, refusal.reason, retry=False)


async def offer(screen: Screen, event: Event, state: Editing, item: Item, after: dict[str, object]) -> None:
    """A new value read: written at once while making the event (then the next step), or
    previewed before → after while changing it. Refusals are the caller's to show."""
    now, tz = screen.context.now(), screen.context.services.settings.timezone
    user = screen.me.telegram_user_id
    try:
        change = editing.preview(event=event, item=item, after=after, now=now)
    except EventChangeError as refusal:
        if state.mode != CREATE or refusal.reason != "unchanged":
            raise
        await advance(screen, event, item.value)
        return
    if state.mode == CREATE:
        await editing.write(
            screen.session, event=event, item=item, values=change.after, actor=user, now=now, timezone=tz
        )
        await advance(screen, event, item.value)
        return
    await editing.remember(
        screen.session, telegram_user_id=user, editing=Editing(EDIT, item.value, event.id, change=change)
    )
    rows = [
        [screen.button("editor.button.save", data("ok", event.id))],
        [screen.button("editor.button.discard", data("q", event.id))],
    ]
    await screen.show(
        "editor_preview",
        rows,
        event=event,
        item=item.value,
        before=await targets.shown(screen.session, item.value, change.before),
        after=await targets.shown(screen.session, item.value, change.after),
        told=event.status.value == "published" and item in (Item.SCHEDULE, Item.PLACE, Item.DEADLINE),
        days_off=_days_off_after(screen, change),
    )


def _days_off_after(screen: Screen, change: Change) -> list[publishing.DayOff]:
    """Sundays and holidays of a new schedule (a warning with the preview)."""
    if change.item is not Item.SCHEDULE:
        return []
    probe = Event(
        starts_at=drafting.moment(change.after["starts_at"]), ends_at=drafting.moment(change.after["ends_at"])
    )
    return publishing.days_off(probe, timezone=screen.context.services.settings.timezone, lang=screen.lang)


@EDITOR.on("ok")
async def _save(press: Press) -> None:
    """✅ Save the previewed change; a second press finds nothing left to save."""
    screen = Screen.of(press)
    event = await event_of(screen, press.number(0))
    if event is None:
        return
    user = press.me.telegram_user_id
    state = await editing.editing(press.session, telegram_user_id=user)
    if state is None or state.change is None or state.change.event_id != event.id:
        await invalid(screen, event, "expired", retry=False)
        return
    await editing.stop(press.session, telegram_user_id=user)
    try:
        notified = await editing.save(
            press.session,
            change=state.change,
            actor=user,
            now=press.context.now(),
            timezone=press.context.services.settings.timezone,
        )
    except EventChangeError as refusal:
        await invalid(screen, event, refusal.reason, retry=False)
        return
    event = await event_of(screen, event.id)
    if event is not None:
        rows = [[screen.button("editor.button.back_to_menu", data("m", event.id))]]
        await screen.show("editor_saved", rows, event=event, item=state.change.item.value, notified=notified)


@EDITOR.on("x")
async def _stop(press: Press) -> None:
    """✖️ Stop making or changing: a draft made so far stays a draft."""
    screen = Screen.of(press)
    await editing.stop(press.session, telegram_user_id=press.me.telegram_user_id)
    rows = [[screen.button("admin.button.events", "adm:ls:0")]]
    await screen.show("editor_stopped", rows)
