"""`/admin` → 👥 roles and organizers (HR only): who holds which role, revoking one after a
confirmation (audited), and each organizer's certificate signer and review setting (read only;
set with `asn-bot admin organizer`). Granting stays on the server (`asn-bot admin grant`), for
the id the person reads with `/id_saya`.

Callback data is `rol:<action>:<id>`: `ls` and `org` take a page, `ask` a grant id, and `yes`
the grant id and its holder's Telegram id, so that a stale or forged press never revokes
anyone but the person the confirmation named. Anyone but HR is refused; a grant that is gone
reads as gone.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton

from bot.context import Context
from bot.replies import edit
from bot.ui.callbacks import encode
from bot.ui.keyboards import button, markup
from bot.ui.pages import Page
from bot.ui.router import Buttons, Press, Role
from db import organizer_settings, roles
from db.roles import Holder

PREFIX = "rol"
PER_PAGE = 8


async def _refused(press: Press) -> None:
    await edit(press.update, press.context, "admin_roles", press.lang, screen="refused")


#: HR only: organizers and everyone else are refused.
ROLES = Buttons(PREFIX, role=Role.HR, refused=_refused)


def entry_button(context: Context, lang: str) -> list[InlineKeyboardButton]:
    """The 👥 row on HR's admin menu."""
    return [button(context, lang, "roles.button.open", encode(PREFIX, "ls", 0))]


def _who(holder: Holder) -> str:
    return holder.employee_name or str(holder.telegram_user_id)


@ROLES.on("ls")
async def _list(press: Press) -> None:
    """👥 Everyone with a role, a page at a time; ✖ beside each one HR may revoke."""
    await _show_list(press, press.number(0))


async def _show_list(press: Press, wanted: int, **notice: Any) -> None:
    context, lang, me = press.context, press.lang, press.me.telegram_user_id
    configured = context.services.settings.bot_admin_ids
    found = await roles.holders(press.session, configured_hr=configured)
    page = Page.of(len(found), PER_PAGE, wanted)
    shown = list(page.slice(found))
    rows: list[list[InlineKeyboardButton]] = [
        [
            button(
                context,
                lang,
                "roles.button.revoke",
                encode(PREFIX, "ask", holder.grant_id),
                role=context.services.renderer.label(f"role.{holder.role.value}", lang),
                who=_who(holder)[:30],
            )
        ]
        for holder in shown
        if holder.grant_id is not None and holder.telegram_user_id != me
    ]
    rows.append(page.navigation(context, lang, lambda number: encode(PREFIX, "ls", number)))
    rows.append([button(context, lang, "roles.button.organizers", encode(PREFIX, "org", 0))])
    rows.append([button(context, lang, "roles.button.admin", encode("adm", "ls", 0))])
    await edit(
        press.update,
        context,
        "admin_roles",
        lang,
        keyboard=markup(rows),
        screen="list",
        holders=shown,
        total=len(found),
        first=page.first,
        page=page.number,
        pages=page.count,
        **({"notice": None} | notice),
    )


@ROLES.on("ask")
async def _ask(press: Press) -> None:
    """✖ Ask before revoking one grant."""
    holder = await roles.holder(press.session, grant_id=press.number(0))
    if holder is None or holder.grant_id is None:
        await _show_list(press, 0, notice="gone")
        return
    if holder.telegram_user_id == press.me.telegram_user_id:
        await _show_list(press, 0, notice="self")
        return
    context, lang = press.context, press.lang
    rows = [
        [
            button(
                context,
                lang,
                "roles.button.confirm",
                encode(PREFIX, "yes", holder.grant_id, holder.telegram_user_id),
            )
        ],
        [button(context, lang, "roles.button.cancel", encode(PREFIX, "ls", 0))],
    ]
    await edit(
        press.update, context, "admin_roles", lang, keyboard=markup(rows), screen="confirm", holder=holder
    )


@ROLES.on("yes")
async def _revoke(press: Press) -> None:
    """✅ Revoke the grant named with its holder (audited with the HR officer's id), then the list."""
    holder = await roles.holder(press.session, grant_id=press.number(0))
    if holder is None or holder.telegram_user_id != press.number(1):
        await _show_list(press, 0, notice="gone")
        return
    if holder.telegram_user_id == press.me.telegram_user_id:
        await _show_list(press, 0, notice="self")
        return
    await roles.revoke(
        press.session,
        telegram_user_id=holder.telegram_user_id,
        role=holder.role,
        actor=press.me.telegram_user_id,
    )
    await _show_list(press, 0, notice="revoked", revoked=holder)


@ROLES.on("org")
async def _organizers(press: Press) -> None:
    """🏛 Each organizer's signer and whether HR approves its events first (read only)."""
    context, lang = press.context, press.lang
    found = await organizer_settings.all_settings(press.session)
    page = Page.of(len(found), PER_PAGE, press.number(0))
    rows = [
        page.navigation(context, lang, lambda number: encode(PREFIX, "org", number)),
        [button(context, lang, "roles.button.back", encode(PREFIX, "ls", 0))],
    ]
    await edit(
        press.update,
        context,
        "admin_roles",
        lang,
        keyboard=markup(rows),
        screen="organizers",
        organizer_rows=list(page.slice(found)),
        total=len(found),
        page=page.number,
        pages=page.count,
    )
