"""The account itself: help, settings (language, notifications), and answers for
commands and buttons the bot does not know (`/hapus_data` is in `privacy`)."""

from __future__ import annotations

from telegram import Update

from bot.context import Context
from bot.replies import edit, reply
from bot.ui import keyboards
from bot.ui.callbacks import BadCallback
from bot.ui.caller import who
from bot.ui.router import Buttons, Press, Role
from db import accounts
from db.models import NotificationKind
from messages import LANGUAGES


async def show_help(update: Update, context: Context) -> None:
    """/help, /bantuan — what the bot can do for this user."""
    async with context.db() as session:
        me = await who(session, update, context)
    await reply(update, context, "help", me.language, linked=me.is_linked, staff=bool(me.roles))


async def show_my_id(update: Update, context: Context) -> None:
    """/id_saya, /myid — the caller's own Telegram id, to give HR when asking for a role."""
    async with context.db() as session:
        me = await who(session, update, context)
    await reply(
        update, context, "my_id", me.language, telegram_id=me.telegram_user_id, roles=sorted(me.roles)
    )


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


SETTINGS = Buttons("set", role=Role.ANYONE)


@SETTINGS.on("lang")
async def _set_language(press: Press) -> None:
    """🇮🇩/🇬🇧: switch the caller's own language."""
    lang, chat = press.word(), press.update.effective_chat
    if lang not in LANGUAGES or chat is None:
        raise BadCallback(lang)
    await accounts.set_language(
        press.session, telegram_user_id=press.me.telegram_user_id, chat_id=chat.id, language=lang
    )
    await _settings_changed(press, lang)


@SETTINGS.on("ntf")
async def _toggle_notification(press: Press) -> None:
    """🔔/🔕: flip one notification kind of the caller's own (linked) account."""
    kind, chat = press.word(), press.update.effective_chat
    if kind not in set(NotificationKind) or not press.me.is_linked or chat is None:
        raise BadCallback(kind)
    await accounts.toggle_notification(
        press.session,
        telegram_user_id=press.me.telegram_user_id,
        chat_id=chat.id,
        language=press.lang,
        kind=NotificationKind(kind),
    )
    await _settings_changed(press, press.lang)


async def _settings_changed(press: Press, lang: str) -> None:
    update, context, me = press.update, press.context, press.me
    notifications = (
        await accounts.notification_settings(press.session, telegram_user_id=me.telegram_user_id)
        if me.is_linked
        else None
    )
    keyboard = keyboards.settings(context.services.renderer, lang, notifications)
    await edit(update, context, "settings", lang, keyboard=keyboard, lang=lang, linked=me.is_linked)
    if lang != me.language:
        menu = keyboards.main_menu(context.services.renderer, lang) if me.is_linked else None
        await reply(update, context, "language_set", lang, keyboard=menu)


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
