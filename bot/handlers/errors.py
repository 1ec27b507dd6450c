"""The one error handler: log the failure without personal data, tell the user."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from telegram import Update
from telegram.error import Forbidden, TelegramError

from bot.context import Context
from db.models import TelegramAccount
from messages import pick_language

log = logging.getLogger(__name__)


async def on_error(update: object, context: Context) -> None:
    """Log the traceback (update id and kind only, never its content) and apologise to the user."""
    kind = "none"
    update_id = None
    if isinstance(update, Update):
        update_id = update.update_id
        kind = next(
            (k for k in ("message", "callback_query", "edited_message") if getattr(update, k)), "other"
        )
    log.error("error while handling update %s (%s)", update_id, kind, exc_info=context.error)
    if (
        not isinstance(update, Update)
        or update.effective_chat is None
        or isinstance(context.error, Forbidden)
    ):
        return
    lang = await _language(update, context)
    text = context.services.renderer.render("error", lang)
    try:
        await update.effective_chat.send_message(text)
    except TelegramError:
        log.warning("could not tell the user about the error in update %s", update_id)


async def _language(update: Update, context: Context) -> str:
    """The user's chosen language, or their Telegram language when the database is what failed."""
    user = update.effective_user
    fallback = pick_language(user.language_code if user else None)
    if user is None:
        return fallback
    try:
        async with context.db() as session:
            chosen = await session.scalar(
                select(TelegramAccount.language).where(TelegramAccount.telegram_user_id == user.id)
            )
    except SQLAlchemyError:
        return fallback
    return chosen or fallback
