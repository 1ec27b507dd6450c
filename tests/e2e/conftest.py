"""End-to-end fixtures: the local Bot API server, and the real bot polling it over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import build_application, start_polling, stop
from bot.context import BotApplication, Services
from bot.local_api import LocalBotApi
from bot.settings import Settings
from db.engine import SessionFactory
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
async def start_bot(
    api: LocalBotApi, settings: Settings, engine: AsyncEngine, sessions: SessionFactory, clock: Clock
) -> AsyncIterator[BotFactory]:
    """Starts the real application polling the local server; call again after a stop to 'restart'."""
    running: list[BotApplication] = []
    configured = settings.model_copy(update={"telegram_api_base_url": api.base_url})

    async def start(*, jobs: bool = False) -> BotApplication:
        services = Services(
            settings=configured,
            engine=engine,
            sessions=sessions,
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
