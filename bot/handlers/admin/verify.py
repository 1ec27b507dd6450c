"""Is this certificate genuine? `/verifikasi KODE` and the `/start cek_KODE` deep link of the QR
code printed on it, for anyone, linked or not: the holder and HR see the full name and NIP, the
event's organizer a masked NIP, everyone else a masked name (`db.registration.certificates`)."""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot.context import Context
from bot.replies import reply
from bot.ui.caller import who
from db import admin
from db.registration.certificates import check_certificate


async def verify(update: Update, context: Context) -> None:
    """/verifikasi KODE — is this certificate genuine? (anyone)"""
    await check_code(update, context, " ".join(context.args or ()))


async def check_code(update: Update, context: Context, code: str) -> None:
    """Check the certificate numbered `code` (from `/verifikasi` or the QR code's deep link)."""
    values: dict[str, Any] = {"code": code.strip()}
    async with context.db() as session:
        me = await who(session, update, context)
        if not code.strip():
            await reply(update, context, "certificate_check", me.language, outcome="usage", **values)
            return
        scope = await admin.scope_for(session, telegram_user_id=me.telegram_user_id, roles=me.roles)
        check = await check_certificate(
            session,
            code=code,
            telegram_user_id=me.telegram_user_id,
            employee_id=me.employee.id if me.employee is not None else None,
            scope=scope,
            now=context.now(),
        )
    if check.found is not None:
        values |= {"outcome": "genuine", "shown": check.found}
    elif check.locked:
        values |= {"outcome": "locked", "until": check.locked_until}
    else:
        values |= {"outcome": "not_found", "attempts_left": check.attempts_left}
    await reply(update, context, "certificate_check", me.language, **values)
