"""`/profil`: the ASN's own profile."""

from __future__ import annotations

from telegram import Update

from bot.context import Context
from bot.handlers.common import who
from bot.replies import reply


async def show_profile(update: Update, context: Context) -> None:
    """/profil — name, NIP, position and unit of the linked ASN (their own, nobody else's)."""
    async with context.db() as session:
        me = await who(session, update, context)
    if me.employee is None:
        await reply(update, context, "not_linked", me.language)
        return
    await reply(update, context, "profile", me.language, employee=me.employee)
