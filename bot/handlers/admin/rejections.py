"""Rejecting a pending registration with a reason the ASN receives: ❌ in the approvals picker
(`adm:nr:<registration>:<page>`) asks why — a reason picked with one press, or the approver's
own words typed — then rejects and tells the ASN.

Callback data: `rch:rr:<registration>:<reason key>` rejects with that reason, `rch:rt:<registration>`
waits for typed words. The registration must be within the caller's scope at every press and
when the words arrive (`db.admin.registrant`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup

from bot.context import Context
from bot.handlers.admin.common import ADMIN, data, gone
from bot.handlers.admin.reach import PREFIX, REACH
from bot.replies import edit, reply
from bot.ui.callbacks import encode
from bot.ui.flows import Typed
from bot.ui.keyboards import button
from bot.ui.router import Press
from db import admin, registration
from db.admin import Registrant
from db.registration import RegistrationError
from db.registration.approval import REASONS, await_reason, awaited_reason, stop_reason


def _to_pending(context: Context, lang: str, event_id: int) -> InlineKeyboardMarkup:
    back = button(context, lang, "reach.button.back_to_pending", data("pd", event_id, 0))
    return InlineKeyboardMarkup([[back]])


async def _registrant(press: Press) -> Registrant | None:
    """The pending registration pressed, when within the caller's scope; otherwise says so."""
    found = await admin.registrant(press.session, scope=press.staff, registration_id=press.number(0))
    if found is None:
        await gone(press)
    return found


@ADMIN.on("nr")
async def _reasons(press: Press) -> None:
    """❌ Why is it rejected: a reason to pick, or the approver's own words."""
    found = await _registrant(press)
    if found is None:
        return
    context, lang, rid = press.context, press.lang, found.registration_id
    rows = [[button(context, lang, f"reach.reject.{key}", encode(PREFIX, "rr", rid, key))] for key in REASONS]
    rows.append([button(context, lang, "reach.button.type_reason", encode(PREFIX, "rt", rid))])
    rows.append(list(_to_pending(context, lang, found.event_id).inline_keyboard[0]))
    await edit(
        press.update, context, "reach_reject_ask", lang, keyboard=InlineKeyboardMarkup(rows), name=found.name
    )


@REACH.on("rr")
async def _reason_picked(press: Press) -> None:
    """A reason pressed: reject with it, and the ASN is told."""
    key = press.word(1)  # read first: a forged press without one is answered only once
    found = await _registrant(press)
    if found is None:
        return
    if key not in REASONS:
        await _reasons(press)
        return
    values = await _reject(press.session, found, press.me.telegram_user_id, press.context.now(), key)
    keyboard = _to_pending(press.context, press.lang, found.event_id)
    await edit(press.update, press.context, "reach_rejected", press.lang, keyboard=keyboard, **values)


@REACH.on("rt")
async def _type_reason(press: Press) -> None:
    """✍️ The approver's next text is the reason."""
    found = await _registrant(press)
    if found is None:
        return
    await await_reason(
        press.session, telegram_user_id=press.me.telegram_user_id, registration_id=found.registration_id
    )
    keyboard = _to_pending(press.context, press.lang, found.event_id)
    await edit(
        press.update, press.context, "reach_reject_type", press.lang, keyboard=keyboard, name=found.name
    )


async def typed(typed: Typed) -> None:
    """The reason typed: reject with the approver's words (scope checked again)."""
    session, me = typed.session, typed.me
    registration_id = await awaited_reason(session, telegram_user_id=me.telegram_user_id)
    await stop_reason(session, telegram_user_id=me.telegram_user_id)
    scope = await admin.scope_for(session, telegram_user_id=me.telegram_user_id, roles=me.roles)
    found = None
    if scope is not None and registration_id is not None:
        found = await admin.registrant(session, scope=scope, registration_id=registration_id)
    if found is None:
        await reply(typed.update, typed.context, "admin_gone", typed.lang)
        return
    values = await _reject(session, found, me.telegram_user_id, typed.context.now(), typed.text)
    keyboard = _to_pending(typed.context, typed.lang, found.event_id)
    await reply(typed.update, typed.context, "reach_rejected", typed.lang, keyboard=keyboard, **values)


async def _reject(
    session: AsyncSession, found: Registrant, actor: int, now: datetime, reason: str
) -> dict[str, Any]:
    """Reject with the reason; what `reach_rejected` shows of how it went."""
    try:
        await registration.decide(
            session,
            registration_id=found.registration_id,
            approve=False,
            actor_telegram_id=actor,
            now=now,
            reason=reason,
        )
    except RegistrationError as refusal:
        return {"outcome": refusal.reason, "name": found.name, "reason": None}
    return {"outcome": "rejected", "name": found.name, "reason": reason.strip()}
