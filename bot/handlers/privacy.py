"""The caller's rights over their data (UU PDP): `/data_saya`, a copy of everything the bot
holds about them as a JSON file, and `/hapus_data`, unlinking and erasing after saying exactly
what happens (upcoming registrations cancelled, their seats to the waitlist). Always the
caller's own data: the Telegram user of the update."""

from __future__ import annotations

import json

from telegram import ReplyKeyboardRemove, Update

from bot.context import Context
from bot.replies import edit, reply
from bot.ui import keyboards
from bot.ui.caller import who
from bot.ui.router import Buttons, Press, Role
from db import erasure, privacy

FILENAME = "data_saya.json"
ERASE = Buttons("erase", role=Role.ANYONE)


async def send_my_data(update: Update, context: Context) -> None:
    """/data_saya — the caller's own data (account, profile, registrations, JP, messages) as a file."""
    chat = update.effective_chat
    if chat is None:
        return
    async with context.db() as session:
        me = await who(session, update, context)
        data = await privacy.personal_data(session, telegram_user_id=me.telegram_user_id, now=context.now())
    content = json.dumps(data, ensure_ascii=False, indent=2).encode()
    caption = context.services.renderer.render("my_data", me.language, linked=me.is_linked)
    await context.bot.send_document(chat.id, document=content, filename=FILENAME, caption=caption)


async def ask_erase(update: Update, context: Context) -> None:
    """/hapus_data — say what erasing does (upcoming registrations included), then ask."""
    async with context.db() as session:
        me = await who(session, update, context)
        upcoming = await erasure.upcoming(session, telegram_user_id=me.telegram_user_id, now=context.now())
    keyboard = keyboards.confirm_erase(context.services.renderer, me.language)
    await reply(
        update,
        context,
        "erase_confirm",
        me.language,
        keyboard=keyboard,
        linked=me.is_linked,
        upcoming=upcoming,
    )


@ERASE.on("yes")
async def _erase(press: Press) -> None:
    """The answer to `/hapus_data` is yes: cancel upcoming registrations, unlink, erase. The
    question becomes what was done; a linked user's menu keyboard goes with a last line."""
    now = press.context.now()
    erased = await erasure.erase(press.session, telegram_user_id=press.me.telegram_user_id, now=now)
    await edit(press.update, press.context, "erased", press.lang, erased=erased)
    if erased.was_linked:
        await reply(
            press.update, press.context, "erase_menu_closed", press.lang, keyboard=ReplyKeyboardRemove()
        )


@ERASE.on("no")
async def _keep(press: Press) -> None:
    """The answer to `/hapus_data` is no: nothing changes."""
    await edit(press.update, press.context, "erase_kept", press.lang)
