"""End-to-end fixtures: the local Bot API server, and the real bot polling it over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import build_application, start_polling, stop
from bot.context import BotApplication, Services
from bot.local_api import LocalBotApi
from bot.settings import Settings
from db.engine import SessionFactory, create_engine, session_factory
from messages import Renderer

TOKEN = "123456:TEST-TOKEN"


@dataclass
class Clock:
    """A clock the test moves by hand."""

    now: datetime = field(default_factory=lambda: datetime(2026, 12, 1, 1, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        """Move time forward."""
        self.now += delta


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    """The local Bot API server, on a free loopback port."""
    async with LocalBotApi(token=TOKEN, bot_username="asn_karier_bot") as server:
        yield server


@pytest.fixture
def clock() -> Clock:
    """The bot's clock."""
    return Clock()


class BotFactory(Protocol):
    """Starts the bot; `jobs=True` also runs the scheduled jobs (off by default so tests that
    count what handlers do see only the handlers)."""

    def __call__(self, *, jobs: bool = False) -> Awaitable[BotApplication]: ...


@pytest.fixture
def bot_sessions() -> Callable[[AsyncEngine], SessionFactory]:
    """How a started bot makes its session factory from its engine (a test may count them)."""
    return session_factory


@pytest.fixture
async def start_bot(
    api: LocalBotApi,
    settings: Settings,
    clock: Clock,
    bot_sessions: Callable[[AsyncEngine], SessionFactory],
) -> AsyncIterator[BotFactory]:
    """Starts the real application polling the local server; call again after a stop to 'restart'.

    Each start has an engine of its own on the test's database, as a bot process has: stopping
    the bot disposes it, which must not pull a connection from under the test's own session
    (a session still in a transaction when the bot stops would leak its connection)."""
    running: list[BotApplication] = []
    configured = settings.model_copy(update={"telegram_api_base_url": api.base_url})

    async def start(*, jobs: bool = False) -> BotApplication:
        engine = create_engine(configured.database_url)
        services = Services(
            settings=configured,
            engine=engine,
            sessions=bot_sessions(engine),
            renderer=Renderer(configured.timezone),
            clock=clock,
        )
        application = build_application(services, jobs=jobs)
        await start_polling(application, poll_timeout=1)
        running.append(application)
        return application

    yield start
    for application in running:
        await stop(application)


@pytest.fixture
async def bot(start_bot: BotFactory) -> BotApplication:
    """The bot, running."""
    return await start_bot()
