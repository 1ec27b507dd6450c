"""How one outbox message goes to Telegram: the pacer that spaces the sends, the post itself,
and what a failed post says (was it a flood wait, did the message perhaps arrive).

Kept apart from `bot.dispatcher`, which decides what to send and records the outcomes; HR's
preview of an announcement goes through `deliver` too, so it is exactly what recipients get.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import time
import warnings
from collections.abc import Callable
from datetime import timedelta

import aiohttp
import httpx
from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions, ReplyKeyboardMarkup, ReplyKeyboardRemove
from telegram.constants import ParseMode
from telegram.error import RetryAfter, TelegramError, TimedOut
from telegram.ext import ExtBot
from telegram.request import RequestData

from bot.ptb_private import RequestParameter
from bot.request import AiohttpRequest
from db import announcements
from db.announcements import Attachment

_log = logging.getLogger(__name__)

#: Timeouts raised before the request left: the message cannot have arrived.
_NOT_SENT_TIMEOUTS = (aiohttp.ConnectionTimeoutError, httpx.ConnectTimeout, httpx.PoolTimeout)


def may_have_arrived(error: TimedOut) -> bool:
    """Whether the request went out before the timeout (a connect or pool timeout: it did not)."""
    return not isinstance(error.__cause__, _NOT_SENT_TIMEOUTS)


def retry_after_seconds(error: RetryAfter) -> float:
    """`retry_after` in seconds, whether PTB hands out an int or a timedelta (PTB_TIMEDELTA)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        value: int | float | timedelta = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class Pacer:
    """Spaces sends at least `1 / rate` seconds apart, and holds them all during a flood wait.

    Not a token bucket: a bucket of capacity `rate` lets `2 × rate` sends through in some
    one-second window (a full bucket plus a second of refill), which is exactly what
    Telegram's sliding window punishes.  Evenly spaced grants never exceed `rate` in any
    window; waiters queue on a FIFO lock, so only one of them sleeps at a time.
    """

    def __init__(self, rate: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = 1.0 / rate
        self._clock = clock
        self._next = 0.0
        self._paused_until = 0.0
        self._lock = asyncio.Lock()

    @property
    def paused_for(self) -> float:
        """Seconds left of the current flood wait (0 when none)."""
        return max(0.0, self._paused_until - self._clock())

    def pause(self, seconds: float) -> None:
        """Hold every send for `seconds` from now (a longer pause already in force stays)."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    async def acquire(self) -> None:
        """Wait for this send's turn."""
        async with self._lock:
            while True:
                now = self._clock()
                start = max(self._next, self._paused_until)
                if now >= start:
                    self._next = now + self.interval
                    return
                await asyncio.sleep(start - now)


#: What may go under a message: buttons in it, or a keyboard of the chat.
Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


def _encoded(value: object) -> str:
    """A parameter's value as PTB posts it: a text as it is, anything else JSON-encoded."""
    return value if isinstance(value, str) else json.dumps(value)


_HTML = ParseMode.HTML.value
_PAID = _encoded(True)


@functools.cache
def _link_preview(options: LinkPreviewOptions) -> str:
    """The bot's default link preview options, encoded once rather than on every send."""
    return _encoded(options.to_dict())


def _text(bot: Bot, key: str, text: str) -> dict[str, str]:
    """An HTML text (or caption) with the bot's default link preview options, as PTB applies them."""
    parameters = {"parse_mode": _HTML, key: text}
    defaults = bot.defaults if isinstance(bot, ExtBot) else None
    if key == "text" and defaults is not None and defaults.link_preview_options is not None:
        parameters["link_preview_options"] = _link_preview(defaults.link_preview_options)
    return parameters


async def _post(
    bot: Bot, method: str, parameters: dict[str, str], *, read_timeout: float | None = None
) -> object:
    """Post `method` with its parameters encoded (`_encoded`): Telegram's answer, unparsed.  The
    request layer still turns Telegram's refusals into `RetryAfter`, `Forbidden`,
    `BadRequest`…, while building PTB's call and parsing the `Message` it returns were most of
    the CPU of a send (`python -m bench`: the dispatcher's, and a fifth of the bot's answer to
    an update).  The bot's own `AiohttpRequest` posts the encoded parameters as they are; any
    other request layer gets them as PTB's `RequestData`."""
    _log.debug("calling Bot API endpoint %s", method)  # never its parameters: they are personal
    url, request = f"{bot.base_url}/{method}", bot.request
    if isinstance(request, AiohttpRequest):
        return await request.post_json(url, parameters, read_timeout=read_timeout)
    data = RequestData(
        [RequestParameter(name=name, value=value, input_files=None) for name, value in parameters.items()]
    )
    if read_timeout is None:
        return await request.post(url=url, request_data=data)
    return await request.post(url=url, request_data=data, read_timeout=read_timeout)


async def deliver(
    bot: Bot,
    *,
    chat_id: int,
    text: str,
    attachment: Attachment | None = None,
    keyboard: Markup | None = None,
    paid: bool = False,
    read_timeout: float | None = None,
) -> int:
    """Send one message: HTML text, or a photo or document with the text as its caption, with
    `keyboard` under it; Telegram's id of the message.  The outbox's messages, HR's preview of
    them (so it is exactly what recipients get) and the bot's answers all go out here, as
    `Bot.send_message` would send them (`_post`).  `read_timeout` replaces the request's own
    for this send."""
    parameters = {"chat_id": _encoded(chat_id)}
    if attachment is None:
        method = "sendMessage"
        parameters |= _text(bot, "text", text)
    else:
        photo = attachment.kind == announcements.PHOTO
        method = "sendPhoto" if photo else "sendDocument"
        parameters["photo" if photo else "document"] = attachment.file_id
        parameters |= _text(bot, "caption", text)
    if keyboard is not None:
        parameters["reply_markup"] = _encoded(keyboard.to_dict())
    if paid:
        parameters["allow_paid_broadcast"] = _PAID
    result = await _post(bot, method, parameters, read_timeout=read_timeout)
    if not isinstance(result, dict) or not isinstance(result.get("message_id"), int):
        raise TelegramError(f"{method} answered without a message: {result!r}")
    return int(result["message_id"])


async def edit(
    bot: Bot, *, chat_id: int, message_id: int, text: str, keyboard: InlineKeyboardMarkup | None = None
) -> None:
    """Rewrite a message's HTML text and buttons, as `Bot.edit_message_text` would (`_post`)."""
    parameters = {"chat_id": _encoded(chat_id), "message_id": _encoded(message_id)}
    parameters |= _text(bot, "text", text)
    if keyboard is not None:
        parameters["reply_markup"] = _encoded(keyboard.to_dict())
    await _post(bot, "editMessageText", parameters)


async def answer(bot: Bot, query_id: str) -> None:
    """Answer a button press with nothing to show, as `CallbackQuery.answer()` would (`_post`)."""
    await _post(bot, "answerCallbackQuery", {"callback_query_id": query_id})


__all__ = ["Markup", "Pacer", "answer", "deliver", "edit", "may_have_arrived", "retry_after_seconds"]
