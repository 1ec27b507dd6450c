"""What the local Bot API server remembers: users, their chats, files and the bot's messages.

A private chat's id equals its user's id.  ``BotMessage`` objects are immutable snapshots: an
edit replaces the message in the chat's history with a new snapshot and also appends that
snapshot to the chat's outbox, the stream of "new bot messages" a phone waits on.
"""

import asyncio
from dataclasses import dataclass, field
from typing import Any

from bot.local_api.html_check import Entity

JSONObject = dict[str, object]
# Updates handed back to callers, who index into them (update["message"]["message_id"]): like PTB's JSONDict.
JSONDict = dict[str, Any]


@dataclass(frozen=True, slots=True)
class StoredFile:
    """A file the server holds, downloadable via getFile while the server runs."""

    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes = field(repr=False)
    filename: str | None = None
    mime_type: str | None = None
    url: str | None = None
    width: int = 0
    height: int = 0

    @property
    def size(self) -> int:
        """Size in bytes."""
        return len(self.data)


@dataclass(frozen=True, slots=True)
class BotMessage:
    """One message the bot sent to a chat, as the chat sees it now."""

    message_id: int
    chat_id: int
    date: int
    method: str
    text: str | None = None
    caption: str | None = None
    plain_text: str = ""
    parse_mode: str | None = None
    entities: tuple[Entity, ...] = ()
    reply_markup: JSONObject | None = None
    media: str | None = None
    file: StoredFile | None = None
    reply_to_message_id: int | None = None
    link_preview_options: JSONObject | None = None
    disable_notification: bool = False
    protect_content: bool = False
    allow_paid_broadcast: bool = False
    edited: bool = False
    edit_date: int | None = None
    deleted: bool = False

    @property
    def photo(self) -> bytes | None:
        """The bytes of a sent photo."""
        return self.file.data if self.media == "photo" and self.file is not None else None

    @property
    def document(self) -> bytes | None:
        """The bytes of a sent document."""
        return self.file.data if self.media == "document" and self.file is not None else None

    @property
    def document_name(self) -> str | None:
        """The file name of a sent document."""
        return self.file.filename if self.media == "document" and self.file is not None else None

    @property
    def inline_keyboard(self) -> list[list[JSONObject]] | None:
        """The rows of the message's inline keyboard, if it has one."""
        markup = self.reply_markup
        rows = markup.get("inline_keyboard") if markup is not None else None
        return rows if isinstance(rows, list) else None

    @property
    def button_texts(self) -> list[str]:
        """The texts of the inline keyboard's buttons, row by row (none without a keyboard)."""
        return [str(button["text"]) for row in self.inline_keyboard or [] for button in row]

    def as_dict(self) -> JSONObject:
        """A JSON-ready summary for the control API."""
        summary: JSONObject = {
            "message_id": self.message_id,
            "chat_id": self.chat_id,
            "date": self.date,
            "method": self.method,
            "text": self.text,
            "caption": self.caption,
            "plain_text": self.plain_text,
            "parse_mode": self.parse_mode,
            "entities": list(self.entities),
            "reply_markup": self.reply_markup,
            "edited": self.edited,
            "deleted": self.deleted,
        }
        if self.file is not None:
            summary[self.media or "file"] = {
                "file_id": self.file.file_id,
                "file_name": self.file.filename,
                "mime_type": self.file.mime_type,
                "file_size": self.file.size,
                "url": self.file.url,
            }
        return summary


@dataclass(frozen=True, slots=True)
class CallbackAnswer:
    """The bot's answerCallbackQuery for a button the user pressed."""

    query_id: str
    message_id: int | None
    data: str | None
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int

    def as_dict(self) -> JSONObject:
        """A JSON-ready form for the control API."""
        return {
            "query_id": self.query_id,
            "message_id": self.message_id,
            "data": self.data,
            "text": self.text,
            "show_alert": self.show_alert,
            "url": self.url,
            "cache_time": self.cache_time,
        }


@dataclass(slots=True)
class UserProfile:
    """A Telegram user who talks to the bot in a private chat."""

    user_id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None

    def user_dict(self) -> JSONObject:
        """The user as a Bot API User object."""
        user: JSONObject = {"id": self.user_id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def chat_dict(self) -> JSONObject:
        """The private chat with this user as a Bot API Chat object."""
        chat: JSONObject = {"id": self.user_id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            chat["last_name"] = self.last_name
        if self.username:
            chat["username"] = self.username
        return chat


@dataclass(slots=True)
class ChatState:
    """Everything about one private chat: what the bot sent and what the user did."""

    profile: UserProfile
    history: list[BotMessage] = field(default_factory=list)
    outbox: list[BotMessage] = field(default_factory=list)
    positions: dict[int, int] = field(default_factory=dict)
    user_messages: dict[int, JSONObject] = field(default_factory=dict)
    reply_keyboard: JSONObject | None = None
    callback_answers: list[CallbackAnswer] = field(default_factory=list)
    chat_actions: list[str] = field(default_factory=list)
    last_message_id: int = 0
    _waiters: list[asyncio.Future[None]] = field(default_factory=list)

    def next_message_id(self) -> int:
        """Allocate the next message id of this chat (shared by the user and the bot)."""
        self.last_message_id += 1
        return self.last_message_id

    def message(self, message_id: int) -> BotMessage | None:
        """The bot's message with ``message_id``, if the bot sent it and it is not deleted."""
        position = self.positions.get(message_id)
        if position is None:
            return None
        message = self.history[position]
        return None if message.deleted else message

    def add(self, message: BotMessage) -> None:
        """Record a new bot message and wake whoever waits for replies."""
        self.positions[message.message_id] = len(self.history)
        self.history.append(message)
        self._publish(message)
        markup = message.reply_markup
        if markup is not None and "keyboard" in markup:
            self.reply_keyboard = markup
        elif markup is not None and markup.get("remove_keyboard"):
            self.reply_keyboard = None

    def replace(self, message: BotMessage, *, publish: bool) -> None:
        """Put a new snapshot of an existing message in place; edits are also published."""
        self.history[self.positions[message.message_id]] = message
        if publish:
            self._publish(message)

    def _publish(self, message: BotMessage) -> None:
        self.outbox.append(message)
        if self._waiters:
            for waiter in self._waiters:
                if not waiter.done():
                    waiter.set_result(None)
            self._waiters.clear()

    async def wait_outbox(self, length: int, deadline: float) -> bool:
        """Wait until the outbox holds ``length`` messages or the loop time passes ``deadline``."""
        loop = asyncio.get_running_loop()
        while len(self.outbox) < length:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            waiter: asyncio.Future[None] = loop.create_future()
            self._waiters.append(waiter)
            try:
                await asyncio.wait_for(waiter, remaining)
            except TimeoutError:
                return len(self.outbox) >= length
        return True
