"""The account itself: help, settings (language, notifications), `/hapus_data`, and
answers for commands and buttons the bot does not know."""

from __future__ import annotations

from telegram import ReplyKeyboardRemove, Update

from bot import keyboards
from bot.context import Context
from bot.handlers.common import who
from bot.replies import edit, reply
from db import accounts
from db.models import NotificationKind
from messages import LANGUAGES


async def show_help(update: Update, context: Context) -> None:
    """/help, /bantuan — what the bot can do for this user."""
    async with context.db() as session:
        me = await who(session, update, context)
    await reply(update, context, "help", me.language, linked=me.is_linked, staff=bool(me.roles))


async def show_settings(update: Update, context: Context) -> None:
    """/settings, /pengaturan — language, and notifications for linked users."""
    user = update.effective_user
    if user is None:
        return
    async with context.db() as session:
        me = await who(session, update, context)
        notifications = (
            await accounts.notification_settings(session, telegram_user_id=user.id) if me.is_linked else None
        )
    keyboard = keyboards.settings(context.services.renderer, me.language, notifications)
    await reply(
        update, context, "settings", me.language, keyboard=keyboard, lang=me.language, linked=me.is_linked
    )


async def on_settings_button(update: Update, context: Context) -> None:
    """A settings button: switch language or flip one notification kind (own account only)."""
    user, chat, query = update.effective_user, update.effective_chat, update.callback_query
    if user is None or chat is None or query is None:
        return
    data = keyboards.parse_callback(query.data)
    async with context.db() as session:
        me = await who(session, update, context)
        lang = me.language
        if data is not None and data.action == "lang" and data.arg in LANGUAGES:
            lang = data.arg
            await accounts.set_language(session, telegram_user_id=user.id, chat_id=chat.id, language=lang)
        elif data is not None and data.action == "ntf" and me.is_linked and data.arg in set(NotificationKind):
            await accounts.toggle_notification(
                session,
                telegram_user_id=user.id,
                chat_id=chat.id,
                language=lang,
                kind=NotificationKind(data.arg),
            )
        else:
            await query.answer()
            return
        notifications = (
            await accounts.notification_settings(session, telegram_user_id=user.id) if me.is_linked else None
        )
    keyboard = keyboards.settings(context.services.renderer, lang, notifications)
    await edit(update, context, "settings", lang, keyboard=keyboard, lang=lang, linked=me.is_linked)
    if lang != me.language:
        menu = keyboards.main_menu(context.services.renderer, lang) if me.is_linked else None
        await reply(update, context, "language_set", lang, keyboard=menu)


async def ask_erase(update: Update, context: Context) -> None:
    """/hapus_data — ask before unlinking and erasing."""
    async with context.db() as session:
        me = await who(session, update, context)
    keyboard = keyboards.confirm_erase(context.services.renderer, me.language)
    await reply(update, context, "erase_confirm", me.language, keyboard=keyboard)


async def on_erase_button(update: Update, context: Context) -> None:
    """The answer to `/hapus_data`: erase the caller's own account, or keep it."""
    user, query = update.effective_user, update.callback_query
    if user is None or query is None:
        return
    data = keyboards.parse_callback(query.data)
    async with context.db() as session:
        me = await who(session, update, context)
        if data is None or data.action != "yes":
            await edit(update, context, "erase_kept", me.language)
            return
        await accounts.erase(session, telegram_user_id=user.id, now=context.now())
    await edit(update, context, "erased", me.language)
    await reply(update, context, "link_cancelled", me.language, keyboard=ReplyKeyboardRemove())


async def unknown_command(update: Update, context: Context) -> None:
    """A command the bot does not have: point to /help."""
    async with context.db() as session:
        me = await who(session, update, context)
    await reply(update, context, "unknown_command", me.language)


async def anything_else(update: Update, context: Context) -> None:
    """A sticker, photo, voice note…: never silence, say what the bot understands."""
    async with context.db() as session:
        me = await who(session, update, context)
    await reply(update, context, "unknown_text", me.language, linked=me.is_linked)


async def stale_button(update: Update, _context: Context) -> None:
    """A button from an old or unknown message: acknowledge it so the phone stops spinning."""
    if update.callback_query is not None:
        await update.callback_query.answer()
