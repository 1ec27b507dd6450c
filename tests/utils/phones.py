"""Phones on the local Bot API server as the end-to-end tests drive them: the one way to send
a message or press a button and read the replies, and a linked ASN's phone without walking
through /start each time (the linking flow itself has its own end-to-end tests)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.local_api import BotMessage, LocalBotApi, Phone
from bot.local_api.models import JSONDict
from db.models import Employee, TelegramAccount

LINKED_AT = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)


async def linked_phone(
    session: AsyncSession, api: LocalBotApi, employee: Employee, *, user_id: int, lang: str = "id"
) -> Phone:
    """The employee's Telegram account, linked (committed), and its phone."""
    session.add(
        TelegramAccount(
            telegram_user_id=user_id,
            chat_id=user_id,
            employee_id=employee.id,
            language=lang,
            linked_at=LINKED_AT,
        )
    )
    await session.commit()
    return api.user(user_id=user_id, first_name=employee.name.split()[0], language_code=lang)


async def say(phone: Phone, text: str, count: int = 1) -> list[BotMessage]:
    """Send `text` from the phone and wait for the bot's `count` replies."""
    await phone.send(text)
    return await phone.wait_replies(count=count)


async def press(phone: Phone, text: str, count: int = 1) -> list[BotMessage]:
    """Press the button labelled `text` on the phone's latest message and wait for `count` replies."""
    await phone.press(text)
    return await phone.wait_replies(count=count)


def forge(api: LocalBotApi, phone: Phone, data: str) -> JSONDict:
    """A press with any callback `data` on the bot's latest message, whatever buttons it shows
    now (a stale or tampered client; forged presses may have edited the keyboard away)."""
    chat = phone.chat
    message = next(message for message in reversed(chat.history) if not message.deleted)
    query = {
        "id": api.open_callback_query(phone.user_id, message.message_id, data),
        "from": chat.profile.user_dict(),
        "message": api.message_dict(chat, message),
        "chat_instance": f"-{phone.user_id}",
        "data": data,
    }
    return api.inject_update({"callback_query": query})
