"""The dispatcher: sends what is due in the outbox at Telegram's limits and records the outcome.

Each round claims a batch of due rows (`db.outbox.claim`; by default about a second's sends),
sends them through one pacer — at most `rate` messages a second overall, at most one a
`per_chat_interval` per chat, at most `concurrency` in flight — and writes the outcomes as they
come, `commit_every` rows per commit and at least every `commit_interval` seconds:

* accepted → sent;
* 429 (RetryAfter) → every send of this dispatcher pauses for `retry_after`; the row goes
  back to pending and the wait is not counted as an attempt (Telegram asked us to wait; the
  message is not at fault);
* 403 (blocked, deactivated) → the chat is marked inactive and its pending rows skipped;
* other 4xx → failed, with Telegram's reason;
* 5xx, timeouts, network errors → pending again after an exponential backoff, failed after
  `max_attempts` attempts.

An announcement's row with a photo or document goes out as that photo or document with the
text as its caption.  Each round first starts the scheduled announcements that fell due
(`db.announcements.start_due`: their rows are written then, for the audience as it is then).
After each batch, and every `sweep_interval` seconds when idle (the last rows of an
announcement may vanish without a batch, e.g. a chat erasing its data), the announcements
that have no row left to send are marked done and their creator's report is queued
(`db.announcements.finish`).

A row is claimed before it is sent and recorded after, so a crash re-sends at most the rows
of the batch in flight at that moment, in practice those sent in the last `commit_interval`
(see README: at-least-once delivery).  Sends are posted without PTB's `Bot.send_message`
(see `deliver`), which spent more CPU than the HTTP exchange itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import socket
import time
import warnings
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError
from telegram.ext import ExtBot
from telegram.request import RequestData

# RequestData's parts; not re-exported by telegram.request, but what every Bot method posts
from bot.context import SERVICES_KEY, BotApplication, Context, Services
from bot.ptb_private import RequestParameter
from bot.ui.keyboards import outbox_keyboard
from db import announcements, outbox
from db.announcements import Attachment
from messages import pick_language

log = logging.getLogger(__name__)

#: Telegram's free broadcast limit; above it a send must opt in to paid broadcasting.
FREE_RATE = 30.0
DEFAULT_LANGUAGE = "id"
#: Bounds of the default batch, which is a second's sends at `rate`.
MIN_BATCH = 100
MAX_BATCH = 500
#: Share of the lease within which a claimed row may still be sent.
LEASE_MARGIN = 0.8


def default_worker_id() -> str:
    """host:pid — unique among live dispatchers, readable in `outbox.claimed_by`."""
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


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


#: Writes the outcome of one row that is not a plain "sent" (those are written many at a time).
_Write = Callable[[AsyncSession], Awaitable[object]]
#: A claimed row to send: the row, its chat's language and its announcement's photo or document.
_Turn = tuple[outbox.Claimed, str, Attachment | None]


class _Recorder:
    """Writes the outcomes of one batch on one session, the sent rows many to an UPDATE: a commit
    every `every` outcomes, and at least every `interval` seconds while any are waiting (a row
    sent but not yet recorded would be sent again by whoever reclaims it after its lease)."""

    def __init__(self, session: AsyncSession, *, every: int, interval: float) -> None:
        self.session = session
        self.every = every
        self.interval = interval
        self._sent: list[tuple[int, int, datetime]] = []
        self._writes: list[_Write] = []
        self._lock = asyncio.Lock()

    def sent(self, outbox_id: int, message_id: int, at: datetime) -> None:
        """Telegram accepted the row's message."""
        self._sent.append((outbox_id, message_id, at))

    def write(self, write: _Write) -> None:
        """Any other outcome."""
        self._writes.append(write)

    @property
    def waiting(self) -> int:
        """Outcomes not yet written."""
        return len(self._sent) + len(self._writes)

    async def maybe_flush(self) -> None:
        """Write and commit if `every` outcomes are waiting and no flush is under way."""
        if self.waiting >= self.every and not self._lock.locked():
            await self.flush()

    async def keep_flushing(self, done: asyncio.Event) -> None:
        """Until `done`: write what is waiting every `interval` seconds."""
        while not done.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), timeout=self.interval)
            if self.waiting and not self._lock.locked():
                await self.flush()

    async def flush(self) -> None:
        """Write and commit every outcome collected so far."""
        async with self._lock:
            sent, self._sent = self._sent, []
            writes, self._writes = self._writes, []
            for write in writes:
                await write(self.session)
            await outbox.mark_sent_many(self.session, sent)
            await self.session.commit()


class Dispatcher:
    """Claims due outbox rows and sends them; one per process, or several on PostgreSQL."""

    def __init__(
        self,
        services: Services,
        bot: Bot,
        *,
        worker_id: str | None = None,
        rate: float | None = None,
        per_chat_interval: float = 1.0,
        batch: int | None = None,
        concurrency: int = 100,
        lease: timedelta = timedelta(minutes=2),
        max_attempts: int = 5,
        backoff: timedelta = timedelta(seconds=2),
        max_backoff: timedelta = timedelta(minutes=5),
        idle_interval: float = 1.0,
        commit_every: int = 100,
        commit_interval: float = 0.1,
        sweep_interval: float = 60.0,
    ) -> None:
        self.services = services
        self.bot = bot
        self.worker_id = worker_id or default_worker_id()
        self.rate = float(rate if rate is not None else services.settings.broadcast_rate)
        self.per_chat_interval = per_chat_interval
        # about a second's sends per claim: the per-batch queries weigh little at high rates
        self.batch = batch if batch is not None else min(MAX_BATCH, max(MIN_BATCH, round(self.rate)))
        self.lease = lease
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.idle_interval = idle_interval
        self.commit_every = commit_every
        self.commit_interval = commit_interval
        self.concurrency = concurrency
        self.sweep_interval = sweep_interval
        self._next_sweep = 0.0
        self.pacer = Pacer(self.rate)
        self.paid_broadcast = self.rate > FREE_RATE
        # monotonic time before which a chat must not be sent to; set when a send *finishes*,
        # so the next one reaches Telegram at least `per_chat_interval` after the last one did.
        self._chat_free_at: dict[int, float] = {}

    # -- the loop ----------------------------------------------------------------------------

    async def run_once(self) -> int:
        """Claim one batch, send it, record every outcome; how many rows were claimed."""
        if self.pacer.paused_for > 0:
            await asyncio.sleep(self.pacer.paused_for)
        clock = time.monotonic()
        self._chat_free_at = {chat: at for chat, at in self._chat_free_at.items() if at > clock}
        claimed, settled, sends = await self._claim(clock)
        if not claimed:
            return 0
        # a row still waiting for its turn this late (a long flood wait) goes back unsent rather
        # than risk a send after its lease ended and another dispatcher reclaimed it
        send_by = time.monotonic() + LEASE_MARGIN * self.lease.total_seconds()
        async with self.services.sessions() as session:
            recorder = _Recorder(session, every=self.commit_every, interval=self.commit_interval)
            for write in settled:
                recorder.write(write)
            await self._send_all(sends, send_by, recorder)
            # every announcement under way, not only this batch's: a blocked chat's rows of other
            # announcements were skipped too, and a crash may have fallen between the last
            # outcome and this check; two UPDATEs over the few announcements under way
            await announcements.finish(session, now=self.services.clock())
            await session.commit()
        return claimed

    async def _claim(self, clock: float) -> tuple[int, list[_Write], list[_Turn]]:
        """Start the scheduled announcements that fell due and claim a batch: how many rows were
        claimed, the outcomes settled without a send (the chat blocked the bot or turned the
        kind off, or has another row in the batch) and the sends. With nothing due, the finished
        announcements are swept, at most once a `sweep_interval`."""
        now = self.services.clock()
        async with self.services.sessions() as session:
            settings = self.services.settings
            await announcements.start_due(
                session, now=now, year=now.astimezone(settings.timezone).year, target=settings.jp_target
            )
            claimed = await outbox.claim(
                session, worker=self.worker_id, now=now, limit=self.batch, lease=self.lease
            )
            if not claimed:
                if clock >= self._next_sweep:
                    self._next_sweep = clock + self.sweep_interval
                    await announcements.finish(session, now=now)
                    await session.commit()
                return 0, [], []
            accounts = await outbox.recipients(session, [row.chat_id for row in claimed])
            silenced = await outbox.opted_out(session, [row.chat_id for row in claimed])
            media = await announcements.attachments(
                session, {row.announcement_id for row in claimed if row.announcement_id is not None}
            )
            await session.commit()
        settled: list[_Write] = []
        sends: list[_Turn] = []
        seen: set[int] = set()
        for row in claimed:
            language, blocked = accounts.get(row.chat_id, (DEFAULT_LANGUAGE, False))
            if blocked:
                settled.append(self._skip_blocked(row, "chat already marked inactive"))
            elif (row.chat_id, row.kind) in silenced:
                settled.append(self._skip_unwanted(row))
            elif row.chat_id in seen:
                # one message per chat per batch; the next one waits its turn in the outbox
                settled.append(self._defer(row))
            else:
                seen.add(row.chat_id)
                attachment = None if row.announcement_id is None else media.get(row.announcement_id)
                sends.append((row, language, attachment))
        return len(claimed), settled, sends

    async def _send_all(self, sends: list[_Turn], send_by: float, recorder: _Recorder) -> None:
        """Send with up to `concurrency` senders taking the next turn as each finishes; the
        outcomes are written as they come and all of them by the time this returns."""
        turns = iter(sends)

        async def sender() -> None:
            for row, language, attachment in turns:
                await self._send(row, language, attachment, send_by, recorder)
                await recorder.maybe_flush()

        done = asyncio.Event()
        ticker = asyncio.create_task(recorder.keep_flushing(done))
        try:
            async with asyncio.TaskGroup() as senders:
                for _ in range(min(self.concurrency, len(sends))):
                    senders.create_task(sender())
        finally:
            done.set()
            await ticker
            await recorder.flush()

    async def drain(self, stop: asyncio.Event | None = None) -> int:
        """Send batches until nothing is due (or `stop` is set); how many rows were claimed."""
        total = 0
        while stop is None or not stop.is_set():
            claimed = await self.run_once()
            total += claimed
            if claimed == 0:
                break
        return total

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Dispatch until `stop` is set, looking for due rows every `idle_interval` when idle."""
        while not stop.is_set():
            try:
                await self.drain(stop)
            except Exception:
                log.exception("dispatch round failed; retrying in %.1f s", self.idle_interval)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.idle_interval)

    # -- sending -----------------------------------------------------------------------------

    async def _send(
        self,
        row: outbox.Claimed,
        language: str,
        attachment: Attachment | None,
        send_by: float,
        recorder: _Recorder,
    ) -> None:
        try:
            text = self._text(row, language)
            keyboard = outbox_keyboard(self.services.renderer, pick_language(language), row.kind, row.context)
        except Exception as exc:
            log.warning("outbox row %s cannot be rendered: %s", row.id, exc)
            recorder.write(self._fail(row, f"render: {exc}"))
            return
        wait = self._chat_free_at.get(row.chat_id, 0.0) - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        await self.pacer.acquire()
        if time.monotonic() > send_by:
            recorder.write(self._later(row, timedelta(0), "deferred: lease running out", count_attempt=False))
            return
        try:
            message_id = await deliver(
                self.bot,
                chat_id=row.chat_id,
                text=text,
                attachment=attachment,
                keyboard=keyboard,
                paid=self.paid_broadcast,
            )
        except RetryAfter as exc:
            seconds = retry_after_seconds(exc)
            self.pacer.pause(seconds)
            log.warning("flood control: all sends pause for %.1f s", seconds)
            recorder.write(self._later(row, timedelta(seconds=seconds), str(exc), count_attempt=False))
        except Forbidden as exc:
            recorder.write(self._skip_blocked(row, exc.message))
        except (BadRequest, ChatMigrated) as exc:
            recorder.write(self._fail(row, exc.message))
        except TelegramError as exc:  # NetworkError, TimedOut, 5xx and anything unforeseen
            recorder.write(self._retry_or_fail(row, exc.message))
        except Exception as exc:  # a bug must not leave the row claimed until its lease ends
            log.exception("sending outbox row %s failed unexpectedly", row.id)
            recorder.write(self._retry_or_fail(row, repr(exc)))
        else:
            recorder.sent(row.id, message_id, self.services.clock())
        finally:
            self._chat_free_at[row.chat_id] = time.monotonic() + self.per_chat_interval

    def _text(self, row: outbox.Claimed, language: str) -> str:
        if row.text is not None:
            return row.text
        if row.template is None:
            raise ValueError("neither text nor template")
        return self.services.renderer.render(row.template, pick_language(language), **row.context)

    # -- outcomes ----------------------------------------------------------------------------

    def _fail(self, row: outbox.Claimed, reason: str) -> _Write:
        log.info("outbox row %s failed: %s", row.id, reason)
        return lambda s: outbox.mark_failed(s, outbox_id=row.id, worker=self.worker_id, reason=reason)

    def _later(self, row: outbox.Claimed, delay: timedelta, reason: str, *, count_attempt: bool) -> _Write:
        due_at = self.services.clock() + delay
        return lambda s: outbox.retry_later(
            s,
            outbox_id=row.id,
            worker=self.worker_id,
            due_at=due_at,
            reason=reason,
            count_attempt=count_attempt,
        )

    def _defer(self, row: outbox.Claimed) -> _Write:
        return self._later(
            row, timedelta(seconds=self.per_chat_interval), "deferred: chat busy", count_attempt=False
        )

    def _retry_or_fail(self, row: outbox.Claimed, reason: str) -> _Write:
        if row.attempts >= self.max_attempts:
            return self._fail(row, f"gave up after {row.attempts} attempts: {reason}")
        delay = min(self.backoff * 2 ** (row.attempts - 1), self.max_backoff)
        return self._later(row, delay, reason, count_attempt=True)

    def _skip_blocked(self, row: outbox.Claimed, reason: str) -> _Write:
        now = self.services.clock()
        return lambda s: outbox.mark_blocked(s, outbox_id=row.id, chat_id=row.chat_id, now=now, reason=reason)

    def _skip_unwanted(self, row: outbox.Claimed) -> _Write:
        reason = f"{row.kind.value} turned off by the user"
        return lambda s: outbox.mark_skipped(s, outbox_id=row.id, worker=self.worker_id, reason=reason)


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
) -> int:
    """Send one outbox message: HTML text, or a photo or document with the text as its caption,
    with `keyboard` under it; Telegram's id of the message.  HR's preview goes through here
    too, so it is exactly what recipients get.

    Posted through the bot's request object rather than `Bot.send_message`: that request layer
    still turns Telegram's answers into `RetryAfter`, `Forbidden`, `BadRequest`…, while building
    PTB's call and parsing the `Message` it returns were most of the dispatcher's CPU (`python
    -m bench`).  The bot's default link preview options apply to a text as they would there.
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
    result = await bot.request.post(url=f"{bot.base_url}/{method}", request_data=RequestData(parameters))
    if not isinstance(result, dict) or not isinstance(result.get("message_id"), int):
        raise TelegramError(f"{method} answered without a message: {result!r}")
    return int(result["message_id"])


def schedule(application: BotApplication, *, interval: float = 1.0, **options: Any) -> Dispatcher:
    """Run a dispatcher on the application's JobQueue every `interval` seconds (one at a time).

    Each run sends until nothing is due; a run still busy when the next is due makes
    APScheduler skip (and log) that tick, which is what `max_instances=1` is for.
    """
    services: Services = application.bot_data[SERVICES_KEY]
    dispatcher = Dispatcher(services, application.bot, **options)
    job_queue = application.job_queue
    if job_queue is None:
        raise RuntimeError("the application has no JobQueue; install python-telegram-bot[job-queue]")

    async def dispatch(_context: Context) -> None:
        await dispatcher.drain()

    job_queue.run_repeating(
        dispatch,
        interval=interval,
        first=0.0,
        name="outbox-dispatcher",
        job_kwargs={"max_instances": 1, "coalesce": True},
    )
    return dispatcher


__all__ = ["Dispatcher", "Pacer", "default_worker_id", "deliver", "retry_after_seconds", "schedule"]
