"""What every announcement screen shares: the `ann:` router (HR only), the caller's own draft
named by a press, the "gone" answer and the recipient count."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, Update

from bot.context import Context
from bot.replies import edit
from bot.ui.callbacks import encode
from bot.ui.caller import office_today
from bot.ui.keyboards import button, markup
from bot.ui.router import Buttons, Press, Role
from db import announcements
from db.announcements import Audience
from db.models import Announcement

PREFIX = "ann"
NAME_LIMIT = 30


async def _refused(press: Press) -> None:
    await show(press.update, press.context, "announce_refused", press.lang)


#: HR only: every press re-reads the caller's roles.
ANNOUNCE = Buttons(PREFIX, role=Role.HR, refused=_refused)


def data(action: str, *args: int) -> str:
    """`ann:<action>[:<args>]`."""
    return encode(PREFIX, action, *args)


def short(name: str) -> str:
    """A name cut to fit a button."""
    return name if len(name) <= NAME_LIMIT else name[: NAME_LIMIT - 1] + "…"


def target(press: Press) -> int:
    """The press's first argument: a draft or announcement id, or a page (0 when absent)."""
    return press.number(0, default=0)


async def count(context: Context, session: AsyncSession, audience: Audience) -> int:
    """How many linked ASN the audience reaches now."""
    return await announcements.count(
        session,
        audience=audience,
        year=office_today(context).year,
        target=context.services.settings.jp_target,
    )


async def show(
    update: Update,
    context: Context,
    template: str,
    lang: str,
    rows: list[list[InlineKeyboardButton]] | None = None,
    **values: Any,
) -> None:
    """Rewrite the pressed message with these button rows (empty rows dropped)."""
    await edit(update, context, template, lang, keyboard=markup(rows or []), **values)


async def gone(press: Press) -> None:
    """A draft or announcement that is not there (sent, discarded, or someone else's draft)."""
    rows = [[button(press.context, press.lang, "announce.button.menu", data("menu"))]]
    await show(press.update, press.context, "announce_gone", press.lang, rows)


async def draft(press: Press) -> Announcement | None:
    """The caller's own draft named by the press; otherwise says so and returns None."""
    found = await announcements.find_draft(
        press.session, announcement_id=target(press), created_by=press.me.telegram_user_id
    )
    if found is None:
        await gone(press)
    return found
