"""What the `/admin` event editor's screens share: the `edt:` router, the screen a press or a
typed text is answered on, the ownership check, and the screens that ask for an item, show
the whole event, or refuse.

Callback data is `edt:<action>[:<event id>[:…]]`: `new` start, `k` a kind for a new
event, `f` ask for an item, `c` a choice pressed (`item`, `value`), `og` an organizer picked
(HR), `s` skip a step, `ok` save the previewed change, `q` drop it, `m` the edit menu, `sm`
the summary, `x` stop; `pk`/`tg`/`lb`/`pd` a list's page, a value toggled, back to the
lists, the lists done (`editor_lists`); `pb` publish, `dr` keep as draft, `du` duplicate,
`rv` the events waiting for approval, `ri` one of them, `ap` approve, `rb` send back
(`editor_review`). Every press and every typed text re-reads the caller's scope and the
event's owner.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.context import Context
from bot.replies import edit, reply
from bot.ui.callbacks import encode
from bot.ui.keyboards import button, markup
from bot.ui.router import Buttons, Press, Role
from db.accounts import Caller
from db.admin import Scope
from db.events import drafting, publishing, targets
from db.events.drafting import CHOICES, PICKED, TYPED, Item
from db.events.editing import CREATE, Editing
from db.models import Event, EventStatus

PREFIX = "edt"


async def _refused(press: Press) -> None:
    await edit(press.update, press.context, "admin_refused", press.lang)


EDITOR = Buttons(PREFIX, role=Role.STAFF, refused=_refused)


def data(action: str, *args: int | str) -> str:
    """`edt:<action>[:<arg>…]`."""
    return encode(PREFIX, action, *args)


@dataclass(frozen=True, slots=True)
class Screen:
    """Where to answer: the press's message (edited) or a new message after a typed text."""

    update: Update
    context: Context
    session: AsyncSession
    me: Caller
    scope: Scope
    new_message: bool

    @property
    def lang(self) -> str:
        """The caller's language."""
        return self.me.language

    @classmethod
    def of(cls, press: Press) -> Screen:
        """The screen of a press."""
        return cls(press.update, press.context, press.session, press.me, press.staff, False)

    async def show(self, template: str, rows: list[list[InlineKeyboardButton]], **values: Any) -> None:
        """Render the template with these buttons, as a new message or over the pressed one."""
        keyboard = markup(rows)
        if self.new_message:
            await reply(self.update, self.context, template, self.lang, keyboard=keyboard, **values)
        else:
            await edit(self.update, self.context, template, self.lang, keyboard=keyboard, **values)

    def button(self, key: str, callback: str, **values: object) -> InlineKeyboardButton:
        """A button labelled from `messages/` in the caller's language."""
        return button(self.context, self.lang, key, callback, **values)


def steps(scope: Scope) -> tuple[Item, ...]:
    """A new event's steps after its kind and title (an organizer's organizer is its own)."""
    skipped = {Item.KIND, Item.TITLE} | (set() if scope.hr else {Item.ORGANIZER})
    return tuple(item for item in Item if item not in skipped)


def next_step(scope: Scope, item: str) -> Item | None:
    """The step after `item` while making an event; None after the last."""
    order = steps(scope)
    # the kind and the title come before every step
    done = order.index(Item(item)) if item in order else -1
    return order[done + 1] if done + 1 < len(order) else None


async def event_of(screen: Screen, event_id: int) -> Event | None:
    """The event when the caller may edit it; otherwise says it is gone (audited by the domain)."""
    found = await publishing.owned(screen.session, scope=screen.scope, event_id=event_id)
    if found is None:
        back = screen.button("admin.button.events", encode("adm", "ls", 0))
        await screen.show("admin_gone", [[back]])
    return found


async def values_of(session: AsyncSession, event: Event) -> dict[str, Any]:
    """Every item of the event as screens show it."""
    return {
        item.value: await targets.shown(session, item.value, drafting.snapshot(event, item)) for item in Item
    }


def item_buttons(
    screen: Screen, event: Event, item: Item, editing: Editing
) -> list[list[InlineKeyboardButton]]:
    """The buttons under a question for one item: its choices, the lists, skip or back."""
    rows: list[list[InlineKeyboardButton]] = []
    if item in CHOICES:
        choices = [
            value
            for value in CHOICES[item]
            if item is not Item.KIND or publishing.may_make(screen.scope, value)
        ]
        rows += [
            [screen.button(f"editor.choice.{item.value}.{value}", data("c", event.id, item.value, value))]
            for value in choices
        ]
    if item in PICKED:
        rows += list_buttons(screen, event.id, item)
    if editing.mode == CREATE:
        if item not in PICKED:
            rows.append([screen.button("editor.button.skip", data("s", event.id, item.value))])
        rows.append([screen.button("editor.button.summary", data("sm", event.id))])
    else:
        rows.append([screen.button("editor.button.back_to_menu", data("m", event.id))])
    return rows


def list_buttons(screen: Screen, event_id: int, item: Item) -> list[list[InlineKeyboardButton]]:
    """The lists of a picked item, and "done"."""
    keys = ("c",) if item is Item.COMPETENCIES else ("t", "p", "u", "r", "s")
    rows = [[screen.button(f"editor.list.{key}", data("pk", event_id, key, 0))] for key in keys]
    rows.append([screen.button("editor.button.lists_done", data("pd", event_id))])
    return rows


async def ask(
    screen: Screen,
    event: Event,
    item: Item,
    editing: Editing,
    *,
    days_off: list[publishing.DayOff] | None = None,
) -> None:
    """The question for one item, with its current value and its buttons (and a warning when
    the schedule just set falls on a Sunday or a holiday)."""
    current = await targets.shown(screen.session, item.value, drafting.snapshot(event, item))
    position = steps(screen.scope).index(item) + 1 if item in steps(screen.scope) else None
    rows = item_buttons(screen, event, item, editing)
    if item is Item.ORGANIZER and screen.scope.hr:
        known = await publishing.organizers(screen.session)
        picks = [
            [InlineKeyboardButton(name[:40], callback_data=data("og", event.id, oid))] for oid, name in known
        ]
        rows = picks + rows
    await screen.show(
        "editor_ask",
        rows,
        event=event,
        item=item.value,
        current=current,
        typed=item in TYPED,
        creating=editing.mode == CREATE,
        step=position,
        steps=len(steps(screen.scope)),
        days_off=days_off or [],
    )


async def overview(screen: Screen, event: Event, *, creating: bool) -> None:
    """The whole event: the summary at the end of making it, or the edit menu."""
    tz = screen.context.services.settings.timezone
    rows: list[list[InlineKeyboardButton]] = []
    if not creating:
        pairs = [item for item in Item if item is not Item.KIND or event.status is not EventStatus.PUBLISHED]
        for index in range(0, len(pairs), 2):
            rows.append(
                [
                    screen.button(f"editor.item.{i.value}", data("f", event.id, i.value))
                    for i in pairs[index : index + 2]
                ]
            )
    if event.status is EventStatus.REVIEW and screen.scope.hr:
        rows.append([screen.button("editor.button.approve", data("ap", event.id))])
        rows.append([screen.button("editor.button.send_back", data("rb", event.id))])
    if event.status is EventStatus.DRAFT:
        if creating:
            rows.append([screen.button("editor.button.keep_draft", data("dr", event.id))])
            rows.append([screen.button("editor.button.edit", data("m", event.id))])
        rows.append([screen.button("editor.button.publish", data("pb", event.id))])
    rows.append([screen.button("admin.button.back_to_event", encode("adm", "ev", event.id))])
    await screen.show(
        "editor_event",
        rows,
        event=event,
        values=await values_of(screen.session, event),
        creating=creating,
        status=event.status.value,
        days_off=publishing.days_off(event, timezone=tz, lang=screen.lang),
        problems=drafting.problems(event, screen.context.now()),
    )


async def invalid(screen: Screen, event: Event | None, reason: str, *, retry: bool) -> None:
    """A value or an action refused, with the reason; type again, or back to the menu."""
    rows = [[screen.button("editor.button.back_to_menu", data("m", event.id))]] if event is not None else []
    await screen.show("editor_invalid", rows, reason=reason, retry=retry)


def menu_rows(screen: Screen, event_id: int) -> InlineKeyboardMarkup:
    """◀ back to the event's edit menu."""
    return InlineKeyboardMarkup([[screen.button("editor.button.back_to_menu", data("m", event_id))]])
