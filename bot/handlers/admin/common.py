"""What every `/admin` screen shares: the `adm:` router, the event lookup within the caller's
scope, the "gone" answer, short names and the back buttons."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.context import Context
from bot.replies import edit
from bot.ui.callbacks import encode
from bot.ui.keyboards import button
from bot.ui.router import Buttons, Press, Role
from db import admin
from db.admin import EventSummary

PREFIX = "adm"
NAME_LIMIT = 30


async def _refused(press: Press) -> None:
    await edit(press.update, press.context, "admin_refused", press.lang)


#: HR and organizers; a press carries the caller's scope (which events they manage).
ADMIN = Buttons(PREFIX, role=Role.STAFF, refused=_refused)


def data(action: str, target: int, page: int | None = None) -> str:
    """`adm:<action>:<target>[:<page>]`."""
    return encode(PREFIX, action, target) if page is None else encode(PREFIX, action, target, page)


def page_of(press: Press) -> int:
    """The page a press asks for (the argument after its target; 0 when none)."""
    return press.number(1, default=0)


def short(name: str) -> str:
    """A name cut to fit a button."""
    return name if len(name) <= NAME_LIMIT else name[: NAME_LIMIT - 1] + "…"


def back_to_event(context: Context, lang: str, event_id: int) -> list[InlineKeyboardButton]:
    """◀ back to the event's screen."""
    return [button(context, lang, "admin.button.back_to_event", data("ev", event_id))]


async def gone(press: Press) -> None:
    """An unknown event or registration, or one outside the caller's scope (they look alike)."""
    back = button(press.context, press.lang, "admin.button.events", data("ls", 0))
    await edit(press.update, press.context, "admin_gone", press.lang, keyboard=InlineKeyboardMarkup([[back]]))


async def summary(press: Press, event_id: int) -> EventSummary | None:
    """The event if the caller may see it; otherwise says so and returns None."""
    found = await admin.event_summary(press.session, scope=press.staff, event_id=event_id)
    if found is None:
        await gone(press)
    return found
