"""Sending rendered templates back to the user: HTML, posted through `bot.delivery` (PTB's
`send_message` would parse every answer into a `Message` the handlers never read)."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot import delivery
from bot.context import Context
from bot.delivery import Markup


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
    await delivery.deliver(context.bot, chat_id=chat.id, text=text, keyboard=keyboard)


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
    query, chat, bot = update.callback_query, update.effective_chat, update.get_bot()
    if query is None:
        if chat is not None:
            await delivery.deliver(bot, chat_id=chat.id, text=text, keyboard=keyboard)
        return
    await delivery.answer(bot, query.id)
    try:
        if query.message is None:  # a message sent inline through the bot: only PTB knows its id
            await query.edit_message_text(text, reply_markup=keyboard)
        else:
            await delivery.edit(
                bot,
                chat_id=query.message.chat.id,
                message_id=query.message.message_id,
                text=text,
                keyboard=keyboard,
            )
    except BadRequest as exc:
        if "no text in the message" in exc.message.lower() and chat is not None:
            # a button pressed under a picture or a file (a stale or forged one): answer below it
            await delivery.deliver(bot, chat_id=chat.id, text=text, keyboard=keyboard)
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
