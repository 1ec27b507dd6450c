"""Telegram out of reach for a minute: an announcement to 30 ASN still reaches every one of
them once it is back, and answers that never came (timeouts) cause a bounded number of copies.

The outage runs on the dispatcher's clock (`Clock`, moved by hand), so a minute of backoff
takes a few seconds of the test; the local Bot API server answers 5xx, or is stopped, for
that minute."""

from __future__ import annotations

import html
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.dispatcher import Dispatcher
from bot.local_api import FaultKind, LocalBotApi
from bot.settings import Settings
from db import announcements, outbox
from db.engine import SessionFactory
from db.models import Announcement, AnnouncementStatus, NotificationKind, OutboxMessage, OutboxState
from db.types import utcnow
from messages import Renderer
from tests.e2e.conftest import TOKEN, Clock
from tests.e2e.test_dispatcher import make_services, seed_broadcast, states

RECIPIENTS = 30
OUTAGE = timedelta(seconds=60)
#: How far the test moves the dispatcher's clock between two rounds.
STEP = timedelta(seconds=1)


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    """The local server on a fixed port, so that it can be stopped and started again there."""
    server = LocalBotApi(token=TOKEN, port=free_port())
    await server.start()
    yield server
    await server.stop()


def make_dispatcher(
    settings: Settings, api: LocalBotApi, sessions: SessionFactory, clock: Clock, bot: Bot, **options: Any
) -> Dispatcher:
    """A dispatcher on the test's clock, with the production backoff."""
    services = make_services(settings, api, sessions)
    services = type(services)(
        settings=services.settings,
        engine=services.engine,
        sessions=services.sessions,
        renderer=services.renderer,
        clock=clock,
    )
    return Dispatcher(services, bot, rate=500, per_chat_interval=0.0, **options)


async def rounds_until_empty(
    dispatcher: Dispatcher, sessions: SessionFactory, clock: Clock, *, up_to: timedelta
) -> None:
    """Dispatch and move the clock a `STEP` at a time until nothing is left to send."""
    end = clock.now + up_to
    while clock.now < end:
        await dispatcher.drain()
        async with sessions() as session:
            if await outbox.unfinished(session) == 0:
                return
        clock.advance(STEP)


async def outage(dispatcher: Dispatcher, clock: Clock) -> None:
    """A minute of the dispatcher trying, on its own clock."""
    end = clock.now + OUTAGE
    while clock.now < end:
        await dispatcher.drain()
        clock.advance(STEP)


@pytest.mark.parametrize("kind", ["5xx", "unreachable"])
async def test_an_announcement_sent_into_a_minute_long_outage_reaches_everyone_once_it_is_back(
    api: LocalBotApi, settings: Settings, sessions: SessionFactory, clock: Clock, kind: str
) -> None:
    announcement_id, chats = await seed_broadcast(sessions, api, recipients=RECIPIENTS, block=False)
    clock.now = started = utcnow()  # the rows are due from now
    async with Bot(TOKEN, base_url=api.base_url, request=HTTPXRequest(connection_pool_size=64)) as bot:
        dispatcher = make_dispatcher(settings, api, sessions, clock, bot)
        if kind == "5xx":
            api.faults.add("*", FaultKind.SERVER_ERROR, count=10**9)
        else:
            await api.stop()
        await outage(dispatcher, clock)
        async with sessions() as session:
            during = await announcements.tally(session, announcement_id=announcement_id)
        if kind == "5xx":
            api.faults.clear()
        else:
            await api.start()
        await rounds_until_empty(dispatcher, sessions, clock, up_to=timedelta(minutes=15))

    reason = "server_error" if kind == "5xx" else "unreachable"
    assert (during.waiting, during.sent, during.failed, during.retrying) == (
        RECIPIENTS,
        0,
        0,
        {reason: RECIPIENTS},
    )
    assert during.retry_until is not None
    assert timedelta(hours=24) <= during.retry_until - started <= timedelta(hours=24, seconds=5)
    async with sessions() as session:
        assert await states(session) == {OutboxState.SENT: RECIPIENTS}
    assert {chat: len(api.chat_history(chat)) for chat in chats} == dict.fromkeys(chats, 1)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_hr_reads_what_is_waiting_and_why(lang: str) -> None:
    """The announcement's status during an outage, in both languages."""
    renderer = Renderer(ZoneInfo("Asia/Makassar"))
    until = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
    announcement = Announcement(id=7, text="Rapat", status=AnnouncementStatus.SENDING, recipient_count=30)
    announcement.scheduled_at = until - timedelta(hours=24)
    text = renderer.render(
        "announce_status",
        lang,
        announcement=announcement,
        audience=announcements.audience_from({}),
        audience_now=None,
        preview="Rapat",
        tally=announcements.Tally(pending=27, sent=3, retrying={"unreachable": 27}, retry_until=until),
        outcome=None,
        confirm_cancel=False,
    )

    expected = {
        "id": "27 di antaranya akan dicoba lagi: server Telegram tidak dapat dihubungi. "
        "Dicoba terus sampai Rabu, 2 Desember 2026, 09.00 WITA",
        "en": "27 of them will be tried again: Telegram's servers cannot be reached. "
        "Tried until Wednesday, 2 December 2026, 09.00 WITA",
    }[lang]
    assert expected in html.unescape(text)


@pytest.mark.parametrize("kind", ["announcement", "reminder"])
async def test_a_message_is_given_up_only_when_it_no_longer_matters(
    api: LocalBotApi, settings: Settings, sessions: SessionFactory, clock: Clock, kind: str
) -> None:
    """Telegram failing for good: an announcement is retried for its horizon (a minute here,
    OUTBOX_RETRY_HOURS in production) from its first failure, a reminder until its event
    starts; then each is failed as expired, and sent no more."""
    api.user(41)
    clock.now = started = utcnow()
    async with sessions() as session:
        await outbox.enqueue(
            session,
            chat_id=41,
            kind=NotificationKind.ANNOUNCEMENT if kind == "announcement" else NotificationKind.EVENT_REMINDER,
            text="Besok: Pelatihan Kepemimpinan",
            due_at=started,
            expires_at=None if kind == "announcement" else started + timedelta(seconds=30),
        )
        await session.commit()
    async with Bot(TOKEN, base_url=api.base_url, request=HTTPXRequest()) as bot:
        api.faults.add("*", FaultKind.SERVER_ERROR, count=10**9)
        dispatcher = make_dispatcher(settings, api, sessions, clock, bot, retry_horizon=timedelta(minutes=1))
        await rounds_until_empty(dispatcher, sessions, clock, up_to=timedelta(minutes=10))

    given_up_after = clock.now - started
    async with sessions() as session:
        row = (await session.execute(select(OutboxMessage.state, OutboxMessage.last_error))).one()
    assert row.state == OutboxState.FAILED
    assert row.last_error.startswith(outbox.EXPIRED)
    limit = timedelta(minutes=1) if kind == "announcement" else timedelta(seconds=30)
    assert limit <= given_up_after <= limit + STEP * 2


@pytest.mark.parametrize("copies", [1, 2, 3])
async def test_answers_that_never_come_cause_at_most_timeout_copies_copies(
    api: LocalBotApi, settings: Settings, sessions: SessionFactory, clock: Clock, copies: int
) -> None:
    """Every send is carried out but answered after both timeouts: each ASN gets exactly
    `timeout_copies` copies (the bound is reached, never passed), and the rows are recorded
    sent without Telegram's message id."""
    _, chats = await seed_broadcast(sessions, api, recipients=RECIPIENTS, block=False)
    clock.now = utcnow()
    api.faults.add("sendMessage", FaultKind.DELAY, count=10**9, delay=0.6)
    request = HTTPXRequest(connection_pool_size=64, read_timeout=0.1)
    async with Bot(TOKEN, base_url=api.base_url, request=request) as bot:
        dispatcher = make_dispatcher(
            settings, api, sessions, clock, bot, timeout_copies=copies, patient_read_timeout=0.3
        )
        await rounds_until_empty(dispatcher, sessions, clock, up_to=timedelta(minutes=5))

    assert {chat: len(api.chat_history(chat)) for chat in chats} == dict.fromkeys(chats, copies)
    async with sessions() as session:
        rows = (await session.execute(select(OutboxMessage.state, OutboxMessage.unconfirmed))).tuples().all()
    assert set(rows) == {(OutboxState.SENT, copies)}


async def test_a_slow_answer_is_waited_for_longer_the_second_time(
    api: LocalBotApi, settings: Settings, sessions: SessionFactory, clock: Clock
) -> None:
    """Answers come after 0.3 s: the first send gives up waiting at 0.1 s, the second waits
    long enough and gets Telegram's message id; two copies, the bound."""
    _, chats = await seed_broadcast(sessions, api, recipients=RECIPIENTS, block=False)
    clock.now = utcnow()
    api.faults.add("sendMessage", FaultKind.DELAY, count=10**9, delay=0.3)
    request = HTTPXRequest(connection_pool_size=64, read_timeout=0.1)
    async with Bot(TOKEN, base_url=api.base_url, request=request) as bot:
        dispatcher = make_dispatcher(settings, api, sessions, clock, bot, patient_read_timeout=2.0)
        await rounds_until_empty(dispatcher, sessions, clock, up_to=timedelta(minutes=5))

    assert {chat: len(api.chat_history(chat)) for chat in chats} == dict.fromkeys(chats, 2)
    async with sessions() as session:
        rows = await session.execute(
            select(
                OutboxMessage.state, OutboxMessage.unconfirmed, OutboxMessage.telegram_message_id.is_not(None)
            )
        )
        assert set(rows.tuples()) == {(OutboxState.SENT, 1, True)}
