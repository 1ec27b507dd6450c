"""Sending rendered templates back to the user (HTML parse mode is the application default)."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.error import BadRequest

from bot.context import Context

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


async def reply(
    update: Update,
    context: Context,
    template: str,
    lang: str,
    /,
    *,
    keyboard: Markup | None = None,
    **values: Any,
) -> None:
    """Send a new message rendered from `template` to the chat the update came from."""
    chat = update.effective_chat
    if chat is None:
        return
    text = context.services.renderer.render(template, lang, **values)
    await chat.send_message(text, reply_markup=keyboard)


async def edit(
    update: Update,
    context: Context,
    template: str,
    lang: str,
    /,
    *,
    keyboard: InlineKeyboardMarkup | None = None,
    **values: Any,
) -> None:
    """Answer a button press by rewriting the message that carried the button."""
    await edit_text(update, context.services.renderer.render(template, lang, **values), keyboard=keyboard)


async def edit_text(update: Update, text: str, /, *, keyboard: InlineKeyboardMarkup | None = None) -> None:
    """`edit` with a text already rendered (and fitted to Telegram's limits by the caller)."""
    query = update.callback_query
    if query is None:
        if update.effective_chat is not None:
            await update.effective_chat.send_message(text, reply_markup=keyboard)
        return
    await query.answer()
    try:
        await query.edit_message_text(text, reply_markup=keyboard)
    except BadRequest as exc:
        if "no text in the message" in exc.message and update.effective_chat is not None:
            # A press on a photo or a file (a QR code, a chart): its caption is not the
            # screen's text, so the screen comes as a new message.
            await update.effective_chat.send_message(text, reply_markup=keyboard)
            return
        # Same text: Telegram refuses a no-op edit. A toggle may still have changed the
        # buttons; a double tap or a refresh with nothing new changed nothing at all.
        if not _not_modified(exc):
            raise
        if keyboard is not None:
            try:
                await query.edit_message_reply_markup(keyboard)
            except BadRequest as again:
                if not _not_modified(again):
                    raise


def _not_modified(error: BadRequest) -> bool:
    return "not modified" in error.message
