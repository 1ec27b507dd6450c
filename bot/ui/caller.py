"""Who is asking: every handler that shows or changes someone's data starts here."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from bot.context import Context
from db.accounts import Caller, identify
from messages import pick_language


async def who(session: AsyncSession, update: Update, context: Context) -> Caller:
    """The caller behind this update, with their language and linked employee (if any)."""
    user = update.effective_user
    if user is None:
        raise LookupError("an update without a user reached a private-chat handler")
    return await identify(
        session,
        telegram_user_id=user.id,
        default_language=pick_language(user.language_code),
        admin_ids=context.services.settings.bot_admin_ids,
    )


def office_today(context: Context) -> date:
    """Today's date in the office time zone (the JP year turns at midnight WITA)."""
    return context.now().astimezone(context.services.settings.timezone).date()
