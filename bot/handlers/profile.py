"""`/profil`: the ASN's own profile."""

from __future__ import annotations

from telegram import Update

from bot.context import Context
from bot.replies import reply
from bot.ui.caller import who
from db.identity import rank_name


async def show_profile(update: Update, context: Context) -> None:
    """/profil — the linked ASN's own profile (nobody else's: the caller's account decides)."""
    async with context.db() as session:
        me = await who(session, update, context)
    if me.employee is None:
        await reply(update, context, "not_linked", me.language)
        return
    await reply(
        update,
        context,
        "profile",
        me.language,
        employee=me.employee,
        rank_name=rank_name(me.employee.rank, me.employee.status),
        linked_at=me.linked_at,
    )
