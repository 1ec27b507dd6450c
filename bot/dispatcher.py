"""The dispatcher: sends what is due in the outbox at Telegram's limits and records the outcome.

Each round claims a batch of due rows (`db.outbox.claim`; by default about a second's sends,
up to Telegram's paid-broadcast ceiling of 1,000 a second), sends them through one pacer — at
most `rate` messages a second overall, at most one a `per_chat_interval` per chat, at most
`concurrency` in flight — and writes the outcomes as they come, `commit_every` rows per commit
and at least every `commit_interval` seconds:

* accepted → sent;
* 429 (RetryAfter) → every send of this dispatcher pauses for `retry_after`; the row goes
  back to pending and the wait is not counted as an attempt (Telegram asked us to wait; the
  message is not at fault);
* 403 (blocked, deactivated) → the chat is marked inactive and its pending rows skipped;
* other 4xx → failed, with Telegram's reason;
* 5xx, timeouts, network errors → pending again after an exponential backoff (capped at
  `max_backoff`) for as long as the message matters: until the row's `expires_at` (a
  reminder: its event's start), else for `retry_horizon` (OUTBOX_RETRY_HOURS) from its first
  failure; then failed as expired.  A timeout once the request went out may hide a delivered
  message: such a row is sent again at most `timeout_copies - 1` times, waiting
  `patient_read_timeout` for the answer, and then recorded sent unconfirmed, so a timeout
  causes at most `timeout_copies` copies;
* anything unforeseen (a bug, an unknown Telegram error) → retried like a 5xx, failed after
  `max_attempts` attempts.

An announcement's row with a photo or document goes out as that photo or document with the
text as its caption.  Each round first starts the scheduled announcements that fell due
(`db.announcements.start_due`: their rows are written then, for the audience as it is then).
After each batch, and every `sweep_interval` seconds when idle (the last rows of an
announcement may vanish without a batch, e.g. a chat erasing its data), the announcements
that have no row left to send are marked done and their creator's report is queued
(`db.announcements.finish`).

A row is claimed before it is sent and recorded after, so a crash re-sends at most the rows
of the batches in flight at that moment (the tail of one and the start of the next, at most
`concurrency` sends), in practice those sent in the last `commit_interval`
(see README: at-least-once delivery).  Sends are posted without PTB's `Bot.send_message`
(see `bot.delivery.deliver`), which spent more CPU than the HTTP exchange itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import socket
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.context import SERVICES_KEY, BotApplication, Context, Services
from bot.delivery import Pacer, deliver, may_have_arrived, retry_after_seconds
from bot.ui.keyboards import outbox_keyboard
from db import announcements, outbox
from db.announcements import Attachment
from messages import pick_language

log = logging.getLogger(__name__)

#: Telegram's free broadcast limit; above it a send must opt in to paid broadcasting.
FREE_RATE = 30.0
DEFAULT_LANGUAGE = "id"
#: Bounds of the default batch, which is a second's sends at `rate` (Telegram's paid broadcasting
#: goes up to 1,000 a second).
MIN_BATCH = 100
MAX_BATCH = 1000
#: Share of the lease within which a claimed row may still be sent.
LEASE_MARGIN = 0.8
#: Beyond this many attempts the backoff is at its cap anyway (and 2 ** n stays small).
_BACKOFF_DOUBLINGS = 20


def default_worker_id() -> str:
    """host:pid — unique among live dispatchers, readable in `outbox.claimed_by`."""
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


#: Writes the outcome of one row that is not a plain "sent" (those are written many at a time).
_Write = Callable[[AsyncSession], Awaitable[object]]
#: A claimed row to send: the row, its chat's language and its announcement's photo or document.
_Turn = tuple[outbox.Claimed, str, Attachment | None]


class _Recorder:
    """Writes the outcomes of one batch on one session, the sent rows many to an UPDATE (sent at
    the time they are written, within `interval` of Telegram's answer): a commit every `every`
    outcomes, and at least every `interval` seconds while any are waiting (a row sent but not
    yet recorded would be sent again by whoever reclaims it after its lease)."""

    def __init__(
        self, session: AsyncSession, *, every: int, interval: float, clock: Callable[[], datetime]
    ) -> None:
        self.session = session
        self.every = every
        self.interval = interval
        self.clock = clock
        self._sent: list[tuple[int, int]] = []
        self._writes: list[_Write] = []
        self._lock = asyncio.Lock()

    def sent(self, outbox_id: int, message_id: int) -> None:
        """Telegram accepted the row's message."""
        self._sent.append((outbox_id, message_id))

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
            await outbox.mark_sent_many(self.session, sent, at=self.clock())
            await self.session.commit()


@dataclass(frozen=True, slots=True)
class _Batch:
    """Rows claimed at once: how many, the outcomes settled without a send, the sends, and the
    monotonic time after which a send still waiting goes back instead."""

    claimed: int
    settled: list[_Write]
    sends: list[_Turn]
    send_by: float


class _Upcoming:
    """The claim of the next batch, started once, when the sends left fall to `at` (never
    without `claim`)."""

    def __init__(self, claim: Callable[[], Coroutine[Any, Any, _Batch]] | None, *, at: int) -> None:
        self._claim = claim
        self._at = at
        self.task: asyncio.Task[_Batch] | None = None

    def left(self, sends: int) -> None:
        """`sends` of the batch are not done yet."""
        if self._claim is not None and self.task is None and sends <= self._at:
            self.task = asyncio.create_task(self._claim())

    def cancel(self) -> None:
        """Give the next claim up (the batch failed)."""
        if self.task is not None:
            self.task.cancel()


def _reap(running: dict[asyncio.Task[None], frozenset[int]]) -> None:
    """Forget the batches that finished (raising what one of them raised)."""
    for sending in [sending for sending in running if sending.done()]:
        del running[sending]
        sending.result()


def _chats(running: dict[asyncio.Task[None], frozenset[int]]) -> frozenset[int]:
    """The chats of the batches still sending."""
    return frozenset().union(*running.values())


async def _finish(running: dict[asyncio.Task[None], frozenset[int]]) -> None:
    """Wait for every batch still sending (raising what one of them raised)."""
    while running:
        await asyncio.wait(running, return_when="FIRST_COMPLETED")
        _reap(running)


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
        retry_horizon: timedelta | None = None,
        timeout_copies: int = 2,
        patient_read_timeout: float = 30.0,
        idle_interval: float = 1.0,
        commit_every: int = 100,
        commit_interval: float = 0.1,
        sweep_interval: float = 60.0,
        prefetch_share: float = 0.5,
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
        hours = services.settings.outbox_retry_hours
        self.retry_horizon = retry_horizon if retry_horizon is not None else timedelta(hours=hours)
        if timeout_copies < 1:
            raise ValueError("timeout_copies must be at least 1")
        self.timeout_copies = timeout_copies
        self.patient_read_timeout = patient_read_timeout
        self.idle_interval = idle_interval
        self.commit_every = commit_every
        self.commit_interval = commit_interval
        self.concurrency = concurrency
        self.sweep_interval = sweep_interval
        self.prefetch_share = prefetch_share
        self._next_sweep = 0.0
        self.pacer = Pacer(self.rate)
        self.paid_broadcast = self.rate > FREE_RATE
        # monotonic time before which a chat must not be sent to; set when a send *finishes*,
        # so the next one reaches Telegram at least `per_chat_interval` after the last one did.
        self._chat_free_at: dict[int, float] = {}
        # sends in flight, whichever batch they belong to
        self._slots = asyncio.Semaphore(concurrency)

    # -- the loop ----------------------------------------------------------------------------

    async def run_once(self) -> int:
        """Claim one batch, send it, record every outcome; how many rows were claimed."""
        batch = await self._next_batch(busy=frozenset())
        await self._dispatch(batch, _Upcoming(None, at=0), asyncio.Event())
        return batch.claimed

    async def drain(self, stop: asyncio.Event | None = None) -> int:
        """Send batches until nothing is due (or `stop` is set); how many rows were claimed.

        Each batch's next claim starts while its last sends are still out (`prefetch_share`),
        and the next batch starts sending as soon as this one has handed out its last send,
        while those are still out and its outcomes are being written: the sends in flight stay
        at `concurrency` from one batch to the next, instead of running dry at each boundary.
        Once `stop` is set the batches already claimed are still sent, and no other is claimed."""
        if stop is not None and stop.is_set():
            return 0
        total = 0
        running: dict[asyncio.Task[None], frozenset[int]] = {}
        upcoming: _Upcoming | None = None
        try:
            batch = await self._next_batch(busy=frozenset())
            while batch.claimed:
                total += batch.claimed
                prefetch = stop is None or not stop.is_set()
                upcoming = _Upcoming(
                    # a chat of a batch still sending waits its turn in the outbox
                    (lambda: self._next_batch(busy=_chats(running))) if prefetch else None,
                    at=math.ceil(self.prefetch_share * len(batch.sends)),
                )
                handed_out = asyncio.Event()
                sending = asyncio.create_task(self._dispatch(batch, upcoming, handed_out))
                running[sending] = frozenset(row.chat_id for row, _, _ in batch.sends)
                await handed_out.wait()  # set at the latest when the batch ends, however it ends
                _reap(running)
                upcoming.left(0)  # every send handed out: nothing is left to overlap with
                if upcoming.task is None:
                    break
                batch = await upcoming.task
                if not batch.claimed:
                    # claimed before the batches before it finished: rows they wrote on
                    # finishing (an announcement's report) are only seen by a claim after them
                    await _finish(running)
                    batch = await self._next_batch(busy=frozenset())
            await _finish(running)
        except BaseException:
            if upcoming is not None:
                upcoming.cancel()  # its rows, if it claimed any, return when their lease ends
            for sending in running:
                sending.cancel()
            # their sends answered so far are recorded as each winds down (else they would go
            # out again after the lease); what they raise besides is not this error
            await asyncio.gather(*running, return_exceptions=True)
            raise
        return total

    async def _next_batch(self, busy: frozenset[int]) -> _Batch:
        """Claim the next batch, after any flood wait in force; chats in `busy` (a send of a
        batch before may be under way for them) wait their turn in the outbox."""
        if self.pacer.paused_for > 0:
            await asyncio.sleep(self.pacer.paused_for)
        clock = time.monotonic()
        self._chat_free_at = {chat: at for chat, at in self._chat_free_at.items() if at > clock}
        claimed, settled, sends = await self._claim(clock, busy)
        # a row still waiting for its turn this late (a long flood wait) goes back unsent rather
        # than risk a send after its lease ended and another dispatcher reclaimed it
        send_by = time.monotonic() + LEASE_MARGIN * self.lease.total_seconds()
        return _Batch(claimed, settled, sends, send_by)

    async def _dispatch(self, batch: _Batch, upcoming: _Upcoming, handed_out: asyncio.Event) -> None:
        """Send the batch and record every outcome; `upcoming` (the next claim) hears how many
        sends are left, and `handed_out` is set once every send has been taken up."""
        if not batch.claimed:
            handed_out.set()
            return
        try:
            async with self.services.sessions() as session:
                recorder = _Recorder(
                    session, every=self.commit_every, interval=self.commit_interval, clock=self.services.clock
                )
                for write in batch.settled:
                    recorder.write(write)
                await self._send_all(batch.sends, batch.send_by, recorder, upcoming, handed_out)
                # every announcement under way, not only this batch's: a blocked chat's rows of
                # other announcements were skipped too, and a crash may have fallen between the
                # last outcome and this check; two UPDATEs over the few announcements under way
                await announcements.finish(session, now=self.services.clock())
                await session.commit()
        except BaseException:
            if not handed_out.is_set():
                # the next claim is this batch's to give up; once every send was handed out,
                # `drain` is waiting for it, and this batch's error is raised when it is reaped
                upcoming.cancel()  # its rows, if it claimed any, return when their lease ends
            raise
        finally:
            handed_out.set()

    async def _claim(self, clock: float, busy: frozenset[int]) -> tuple[int, list[_Write], list[_Turn]]:
        """Start the scheduled announcements that fell due and claim a batch: how many rows were
        claimed, the outcomes settled without a send (the chat blocked the bot or turned the
        kind off, or has another row in this batch or one in `busy`) and the sends. With
        nothing due, the finished announcements are swept, at most once a `sweep_interval`."""
        now = self.services.clock()
        async with self.services.sessions() as session:
            settings = self.services.settings
            await announcements.start_due(
                session, now=now, year=now.astimezone(settings.timezone).year, target=settings.jp_target
            )
            claimed = await outbox.claim(
                session,
                worker=self.worker_id,
                now=now,
                limit=self.batch,
                lease=self.lease,
                quiet=settings.quiet,
            )
            if not claimed:
                if clock >= self._next_sweep:
                    self._next_sweep = clock + self.sweep_interval
                    await announcements.finish(session, now=now)
                    await session.commit()
                return 0, [], []
            media = await announcements.attachments(
                session, {row.announcement_id for row in claimed if row.announcement_id is not None}
            )
            await session.commit()
        settled: list[_Write] = []
        sends: list[_Turn] = []
        seen: set[int] = set(busy)
        for row in claimed:
            if row.blocked:
                settled.append(self._skip_blocked(row, "chat already marked inactive"))
            elif row.silenced:
                settled.append(self._skip_unwanted(row))
            elif row.chat_id in seen:
                # one message per chat per batch; the next one waits its turn in the outbox
                settled.append(self._defer(row))
            else:
                seen.add(row.chat_id)
                attachment = None if row.announcement_id is None else media.get(row.announcement_id)
                sends.append((row, row.language or DEFAULT_LANGUAGE, attachment))
        return len(claimed), settled, sends

    async def _send_all(
        self,
        sends: list[_Turn],
        send_by: float,
        recorder: _Recorder,
        upcoming: _Upcoming,
        handed_out: asyncio.Event,
    ) -> None:
        """Send with up to `concurrency` senders taking the next turn as each finishes, each send
        holding one of the dispatcher's `concurrency` slots (shared with the batch before and
        after); the outcomes are written as they come and all of them by the time this
        returns. `upcoming` hears how many sends are left; `handed_out` is set when the last
        one is taken up."""
        turns = iter(sends)
        left = len(sends)
        upcoming.left(left)

        async def sender() -> None:
            nonlocal left
            for row, language, attachment in turns:
                async with self._slots:
                    await self._send(row, language, attachment, send_by, recorder)
                left -= 1
                upcoming.left(left)
                await recorder.maybe_flush()
            handed_out.set()

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
                read_timeout=self.patient_read_timeout if row.unconfirmed else None,
            )
        except RetryAfter as exc:
            seconds = retry_after_seconds(exc)
            self.pacer.pause(seconds)
            log.warning("flood control: all sends pause for %.1f s", seconds)
            reason = f"{outbox.RETRYING}{outbox.RetryReason.FLOOD}: {exc}"
            recorder.write(self._later(row, timedelta(seconds=seconds), reason, count_attempt=False))
        except Forbidden as exc:
            recorder.write(self._skip_blocked(row, exc.message))
        except (BadRequest, ChatMigrated) as exc:
            recorder.write(self._fail(row, exc.message))
        except TimedOut as exc:
            recorder.write(self._after_timeout(row, exc))
        except NetworkError as exc:
            # PTB raises a 5xx answer as a NetworkError of its own (caused, at most, by its
            # failure to parse the body); a failed connection as one the HTTP library's caused
            unreachable = exc.__cause__ is not None and not isinstance(exc.__cause__, TelegramError)
            cause = outbox.RetryReason.UNREACHABLE if unreachable else outbox.RetryReason.SERVER_ERROR
            recorder.write(self._retry(row, cause, exc.message))
        except TelegramError as exc:  # anything unforeseen
            recorder.write(self._retry_or_fail(row, exc.message))
        except Exception as exc:  # a bug must not leave the row claimed until its lease ends
            log.exception("sending outbox row %s failed unexpectedly", row.id)
            recorder.write(self._retry_or_fail(row, repr(exc)))
        else:
            recorder.sent(row.id, message_id)
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

    def _retry(
        self, row: outbox.Claimed, reason: outbox.RetryReason, detail: str, *, unconfirmed: bool = False
    ) -> _Write:
        """Pending again after the backoff, while the row is within its retry horizon."""
        now = self.services.clock()
        expires = row.expires_at or now + self.retry_horizon
        if now >= expires:
            return self._fail(row, f"{outbox.EXPIRED} retried until {expires:%Y-%m-%d %H:%M} UTC: {detail}")
        doublings = min(max(row.attempts - 1, 0), _BACKOFF_DOUBLINGS)
        due_at = min(now + min(self.backoff * 2**doublings, self.max_backoff), expires)
        return lambda s: outbox.retry_later(
            s,
            outbox_id=row.id,
            worker=self.worker_id,
            due_at=due_at,
            reason=f"{outbox.RETRYING}{reason}: {detail}",
            expires_at=expires,
            unconfirmed=unconfirmed,
        )

    def _after_timeout(self, row: outbox.Claimed, error: TimedOut) -> _Write:
        """A timeout before the request left is a connection failure; after, the message may
        have arrived: sent again while fewer than `timeout_copies` sends went unanswered."""
        if not may_have_arrived(error):
            return self._retry(row, outbox.RetryReason.UNREACHABLE, error.message)
        if row.unconfirmed + 1 >= self.timeout_copies:
            now = self.services.clock()
            reason = f"{row.unconfirmed + 1} sends timed out: {error.message}"
            return lambda s: outbox.mark_unconfirmed(
                s, outbox_id=row.id, worker=self.worker_id, now=now, reason=reason
            )
        return self._retry(row, outbox.RetryReason.TIMEOUT, error.message, unconfirmed=True)

    def _skip_blocked(self, row: outbox.Claimed, reason: str) -> _Write:
        now = self.services.clock()
        return lambda s: outbox.mark_blocked(s, outbox_id=row.id, chat_id=row.chat_id, now=now, reason=reason)

    def _skip_unwanted(self, row: outbox.Claimed) -> _Write:
        reason = f"{row.kind.value} turned off by the user"
        return lambda s: outbox.mark_skipped(s, outbox_id=row.id, worker=self.worker_id, reason=reason)


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


__all__ = [
    "Dispatcher",
    "Pacer",
    "default_worker_id",
    "deliver",
    "may_have_arrived",
    "retry_after_seconds",
    "schedule",
]
