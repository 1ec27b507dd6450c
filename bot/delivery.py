"""How one outbox message goes to Telegram: the pacer that spaces the sends, the post itself,
and what a failed post says (was it a flood wait, did the message perhaps arrive).

Kept apart from `bot.dispatcher`, which decides what to send and records the outcomes; HR's
preview of an announcement goes through `deliver` too, so it is exactly what recipients get.
"""

from __future__ import annotations

import asyncio
import functools
import time
import warnings
from collections.abc import Callable
from datetime import timedelta

import aiohttp
import httpx
from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import RetryAfter, TelegramError, TimedOut
from telegram.ext import ExtBot
from telegram.request import RequestData

from bot.ptb_private import RequestParameter
from db import announcements
from db.announcements import Attachment

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


def _parameter(name: str, value: str | int | bool) -> RequestParameter:
    return RequestParameter(name=name, value=value, input_files=None)


_HTML = _parameter("parse_mode", ParseMode.HTML.value)
_PAID = _parameter("allow_paid_broadcast", True)


@functools.cache
def _link_preview(options: LinkPreviewOptions) -> RequestParameter:
    """The bot's default link preview options, converted once rather than on every send."""
    return RequestParameter.from_input("link_preview_options", options)


async def deliver(
    bot: Bot,
    *,
    chat_id: int,
    text: str,
    attachment: Attachment | None,
    keyboard: InlineKeyboardMarkup | None = None,
    paid: bool = False,
    read_timeout: float | None = None,
) -> int:
    """Send one outbox message: HTML text, or a photo or document with the text as its caption,
    with `keyboard` under it; Telegram's id of the message.  HR's preview goes through here
    too, so it is exactly what recipients get.

    Posted through the bot's request object rather than `Bot.send_message`: that request layer
    still turns Telegram's answers into `RetryAfter`, `Forbidden`, `BadRequest`…, while building
    PTB's call and parsing the `Message` it returns were most of the dispatcher's CPU (`python
    -m bench`).  The bot's default link preview options apply to a text as they would there.
    `read_timeout` replaces the request's own for this send.
    """
    parameters = [_parameter("chat_id", chat_id), _HTML]
    if attachment is None:
        method = "sendMessage"
        parameters.append(_parameter("text", text))
        defaults = bot.defaults if isinstance(bot, ExtBot) else None
        if defaults is not None and defaults.link_preview_options is not None:
            parameters.append(_link_preview(defaults.link_preview_options))
    else:
        photo = attachment.kind == announcements.PHOTO
        method = "sendPhoto" if photo else "sendDocument"
        parameters.append(_parameter("photo" if photo else "document", attachment.file_id))
        parameters.append(_parameter("caption", text))
    if keyboard is not None:
        parameters.append(RequestParameter.from_input("reply_markup", keyboard))
    if paid:
        parameters.append(_PAID)
    url, data = f"{bot.base_url}/{method}", RequestData(parameters)
    if read_timeout is None:
        result = await bot.request.post(url=url, request_data=data)
    else:
        result = await bot.request.post(url=url, request_data=data, read_timeout=read_timeout)
    if not isinstance(result, dict) or not isinstance(result.get("message_id"), int):
        raise TelegramError(f"{method} answered without a message: {result!r}")
    return int(result["message_id"])


__all__ = ["Pacer", "deliver", "may_have_arrived", "retry_after_seconds"]
