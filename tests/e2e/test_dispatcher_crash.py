"""kill -9 in the middle of a broadcast, again and again: once a dispatcher finally runs to the
end, nobody is missing, and each crash re-sent at most the batch that was in flight."""

from __future__ import annotations

import asyncio
import logging
import os
import random
import signal
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.local_api import LocalBotApi, RateLimits
from db.engine import SessionFactory
from db.models import OutboxMessage, OutboxState
from tests.e2e.conftest import TOKEN
from tests.e2e.test_dispatcher import poll_until, seed_broadcast

ROOT = Path(__file__).resolve().parents[2]
RECIPIENTS = 1000
KILLS = 4
SEED = 5
#: Rows claimed at once by one dispatcher: the in-flight window a crash may re-send.
BATCH = 50
RATE = 400
LEASE_SECONDS = 1.5

log = logging.getLogger(__name__)


@pytest.fixture
async def limited_api() -> AsyncIterator[LocalBotApi]:
    """The local server with paid-broadcast flood limits, reached by the dispatcher processes."""
    limits = RateLimits(global_per_second=1000, per_chat_per_second=1, per_chat_burst=1)
    async with LocalBotApi(token=TOKEN, rate_limits=limits) as server:
        yield server


def sending_since(api: LocalBotApi, accepted: int) -> Callable[[], bool]:
    """Whether the server accepted more sends than `accepted`: a dispatcher is up and sending."""
    return lambda: api.stats.sends_accepted > accepted


async def start_dispatcher(api: LocalBotApi, database_url: str, worker: str) -> asyncio.subprocess.Process:
    """`python -m tests.e2e.dispatch_child` against this test's database and server."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.e2e.dispatch_child",
        "--database-url",
        database_url,
        "--api-base-url",
        api.base_url,
        "--token",
        TOKEN,
        "--worker-id",
        worker,
        "--rate",
        str(RATE),
        "--batch",
        str(BATCH),
        "--lease",
        str(LEASE_SECONDS),
        "--backoff",
        "0.2",
        cwd=ROOT,
        env={**os.environ, "PTB_TIMEDELTA": "true"},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_a_broadcast_killed_four_times_reaches_everyone_with_bounded_duplicates(
    limited_api: LocalBotApi, database_url: str, sessions: SessionFactory
) -> None:
    api = limited_api
    _, chats = await seed_broadcast(sessions, api, recipients=RECIPIENTS, block=False)
    rng = random.Random(SEED)

    for crash in range(KILLS):
        process = await start_dispatcher(api, database_url, worker=f"crash-{crash}")
        await poll_until(sending_since(api, api.stats.sends_accepted), within=30)
        await asyncio.sleep(rng.uniform(0.05, 0.6))
        process.send_signal(signal.SIGKILL)
        await process.wait()

    async with sessions() as session:
        unsent = await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.state != OutboxState.SENT)
        )
    assert unsent, "the crashes left work for the last dispatcher"

    survivor = await start_dispatcher(api, database_url, worker="survivor")
    async with asyncio.timeout(45):
        _, errors = await survivor.communicate()
    assert survivor.returncode == 0, errors.decode()

    received = {chat: len(api.chat_history(chat)) for chat in chats}
    assert [chat for chat, n in received.items() if n == 0] == [], "nobody is missing"
    duplicates = sum(n - 1 for n in received.values())
    assert duplicates <= KILLS * BATCH
    async with sessions() as session:
        states = dict(
            (await session.execute(select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)))
            .tuples()
            .all()
        )
    assert states == {OutboxState.SENT: RECIPIENTS}
    log.info("%d kills, %d duplicates (bound %d)", KILLS, duplicates, KILLS * BATCH)
