"""`/hadir KODE` and the `/start hadir_KODE` deep link of the QR code shown at the event."""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot.context import Context
from bot.replies import reply
from bot.ui.caller import who
from db import registration
from db.registration import (
    CheckInLocked,
    CheckInNotOpen,
    NotRegistered,
    RegistrationError,
    UnknownCheckInCode,
)


async def check_in(update: Update, context: Context) -> None:
    """/hadir KODE — check in at an event with the code shown there."""
    if not context.args:
        async with context.db() as session:
            me = await who(session, update, context)
        await reply(update, context, "reg_checkin", me.language, outcome="usage")
        return
    await check_in_code(update, context, context.args[0])


async def check_in_code(update: Update, context: Context, code: str) -> None:
    """Check the caller in with `code` (from `/hadir KODE` or the `/start hadir_KODE` deep link)."""
    values: dict[str, Any] = {}
    async with context.db() as session:
        me = await who(session, update, context)
        if me.employee is None:
            await reply(update, context, "not_linked", me.language)
            return
        try:
            result = await registration.check_in(
                session,
                employee_id=me.employee.id,
                telegram_user_id=me.telegram_user_id,
                code=code,
                now=context.now(),
                timezone=context.services.settings.timezone,
                policy=context.services.checkin_policy,
            )
        except RegistrationError as refusal:
            outcome = refusal.reason
            if isinstance(refusal, CheckInNotOpen):
                values["opens_at"] = refusal.opens_at
            if isinstance(refusal, NotRegistered):
                values["status"] = refusal.status.value if refusal.status is not None else None
            if isinstance(refusal, UnknownCheckInCode):
                values["attempts_left"] = refusal.attempts_left
            if isinstance(refusal, CheckInLocked):
                values["until"] = refusal.until
        else:
            outcome = "already" if result.already else "done"
            values = {"title": result.event_title, "jp": result.jp_credited}
    await reply(
        update, context, "reg_checkin", me.language, outcome=outcome, code=code.strip().upper(), **values
    )
