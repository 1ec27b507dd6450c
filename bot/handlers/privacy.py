"""`/data_saya`: a copy of everything the bot holds about the caller, as a JSON file (the
right of access of UU PDP). Always the caller's own data: the Telegram user of the update."""

from __future__ import annotations

import json

from telegram import Update

from bot.context import Context
from bot.ui.caller import who
from db import privacy

FILENAME = "data_saya.json"


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
