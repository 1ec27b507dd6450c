"""A simulated user's phone: what they type, share, press and upload, and what they received.

Tests and the offline demo talk to the bot through a ``Phone``::

    phone = server.user(1001, "Maria", language_code="id")
    await phone.send("/start")
    [welcome] = await phone.wait_replies()
    await phone.press("Daftar")
"""

import asyncio
import mimetypes
import re
import time
from typing import TYPE_CHECKING

from bot.local_api.files import DOCUMENTS, PHOTOS, document_dict, image_size
from bot.local_api.html_check import utf16_len
from bot.local_api.models import BotMessage, CallbackAnswer, ChatState, JSONDict, JSONObject

if TYPE_CHECKING:
    from bot.local_api.server import LocalBotApi

_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?=\s|$)")


class Phone:
    """The Telegram client of one user in their private chat with the bot."""

    def __init__(self, server: "LocalBotApi", user_id: int) -> None:
        self._server = server
        self.user_id = user_id
        self._read = 0

    @property
    def chat(self) -> ChatState:
        """The private chat with the bot (KeyError after ``server.reset()``)."""
        return self._server.chat(self.user_id)

    @property
    def history(self) -> list[BotMessage]:
        """Everything the bot sent to this user, as it looks now."""
        return list(self.chat.history)

    @property
    def last_reply_keyboard(self) -> JSONObject | None:
        """The reply keyboard shown under the input field, if any."""
        return self.chat.reply_keyboard

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        """The bot's answers to this user's button presses, oldest first."""
        return list(self.chat.callback_answers)

    @property
    def chat_actions(self) -> list[str]:
        """The chat actions ("typing", ...) the bot showed, oldest first."""
        return list(self.chat.chat_actions)

    async def send(self, text: str) -> JSONDict:
        """Type ``text``; a leading /command (with deep-link payload) gets its bot_command entity."""
        message = self._new_message()
        message["text"] = text
        command = _COMMAND.match(text)
        if command is not None:
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(command.group())}]
        return await self._deliver({"message": message})

    async def share_contact(
        self,
        phone_number: str,
        user_id: int | None = None,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
    ) -> JSONDict:
        """Share a contact: one's own by default, or someone else's with their ``user_id``."""
        profile = self.chat.profile
        own = user_id is None or user_id == self.user_id
        contact: JSONObject = {
            "phone_number": phone_number,
            "first_name": first_name or (profile.first_name if own else "Contact"),
            "user_id": self.user_id if user_id is None else user_id,
        }
        surname = last_name or (profile.last_name if own else None)
        if surname:
            contact["last_name"] = surname
        message = self._new_message()
        message["contact"] = contact
        return await self._deliver({"message": message})

    async def upload(
        self, filename: str, data: bytes, *, mime_type: str | None = None, caption: str | None = None
    ) -> JSONDict:
        """Send a document; the bot can fetch it with getFile."""
        stored = self._server.files.add(
            data,
            folder=DOCUMENTS,
            filename=filename,
            mime_type=mime_type or mimetypes.guess_type(filename)[0] or "application/octet-stream",
        )
        message = self._new_message()
        message["document"] = document_dict(stored)
        if caption:
            message["caption"] = caption
        return await self._deliver({"message": message})

    async def send_photo(self, data: bytes, *, caption: str | None = None) -> JSONDict:
        """Send a photo (PNG, JPEG, GIF or WebP); the bot can fetch it or send it on by its file_id."""
        size = image_size(data)
        if size is None:
            raise ValueError("a photo must be a PNG, JPEG, GIF or WebP image")
        stored = self._server.files.add(data, folder=PHOTOS, size=size)
        message = self._new_message()
        message["photo"] = [
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "width": stored.width,
                "height": stored.height,
                "file_size": stored.size,
            }
        ]
        if caption:
            message["caption"] = caption
        return await self._deliver({"message": message})

    async def press(
        self, text: str | None = None, *, data: str | None = None, message_id: int | None = None
    ) -> JSONDict:
        """Press an inline button, by text or callback ``data``, on the last keyboard (or ``message_id``)."""
        if (text is None) == (data is None):
            raise ValueError("press() needs either the button text or data=")
        chat = self.chat
        message = self._keyboard_message(chat, message_id)
        rows = message.inline_keyboard or []
        buttons = [button for row in rows for button in row]
        wanted = "text" if text is not None else "callback_data"
        button = next((b for b in buttons if b.get(wanted) == (text if text is not None else data)), None)
        if button is None:
            labels = ", ".join(f"{b.get('text')!r} ({b.get('callback_data')!r})" for b in buttons)
            raise LookupError(
                f"no button {text or data!r} on message {message.message_id}; buttons: {labels}"
            )
        callback_data = button.get("callback_data")
        if not isinstance(callback_data, str):
            raise LookupError(f"button {button.get('text')!r} sends no callback data: {button}")
        query_id = self._server.open_callback_query(self.user_id, message.message_id, callback_data)
        query: JSONObject = {
            "id": query_id,
            "from": chat.profile.user_dict(),
            "message": self._server.message_dict(chat, message),
            "chat_instance": f"-{self.user_id}",
            "data": callback_data,
        }
        return await self._deliver({"callback_query": query})

    async def press_forged(self, data: str, *, message_id: int | None = None) -> JSONDict:
        """A button press with callback data no button carries (a stale or tampered client):
        the bot must check it as it checks any other."""
        chat = self.chat
        message = self._keyboard_message(chat, message_id)
        query: JSONObject = {
            "id": self._server.open_callback_query(self.user_id, message.message_id, data),
            "from": chat.profile.user_dict(),
            "message": self._server.message_dict(chat, message),
            "chat_instance": f"-{self.user_id}",
            "data": data,
        }
        return await self._deliver({"callback_query": query})

    # A timeout argument reads better in tests than wrapping every call in asyncio.timeout().
    async def wait_replies(self, count: int = 1, timeout: float = 5.0) -> list[BotMessage]:  # noqa: ASYNC109
        """The next ``count`` bot messages (sends and edits) not yet returned by this method."""
        chat = self.chat
        wanted = self._read + count
        deadline = asyncio.get_running_loop().time() + timeout
        if not await chat.wait_outbox(wanted, deadline):
            received = chat.outbox[self._read :]
            summary = [reply.plain_text[:80] for reply in received]
            raise TimeoutError(
                f"user {self.user_id} expected {count} replies within {timeout}s, "
                f"got {len(received)}: {summary}"
            )
        replies = chat.outbox[self._read : wanted]
        self._read = wanted
        return replies

    def _keyboard_message(self, chat: ChatState, message_id: int | None) -> BotMessage:
        if message_id is not None:
            message = chat.message(message_id)
            if message is None or message.inline_keyboard is None:
                raise LookupError(f"message {message_id} in chat {self.user_id} has no inline keyboard")
            return message
        for message in reversed(chat.history):
            if not message.deleted and message.inline_keyboard:
                return message
        raise LookupError(f"no bot message with an inline keyboard in chat {self.user_id}")

    def _new_message(self) -> JSONObject:
        chat = self.chat
        return {
            "message_id": chat.next_message_id(),
            "from": chat.profile.user_dict(),
            "chat": chat.profile.chat_dict(),
            "date": int(time.time()),
        }

    async def _deliver(self, update: JSONObject) -> JSONDict:
        """Queue the update, then yield once so a waiting long poll can answer."""
        queued = self._server.inject_update(update)
        await asyncio.sleep(0)
        return queued
