"""What every handler and job can reach: settings, sessions, the renderer, the clock and the
chart workers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeAlias

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from bot.documents.drawing import ChartPool
from bot.settings import Settings
from db.attempts import Policy
from db.engine import SessionFactory
from db.types import utcnow
from messages import Renderer

SERVICES_KEY = "services"


@dataclass(frozen=True, slots=True)
class Services:
    """Built once at start-up and shared by every update and job."""

    settings: Settings
    engine: AsyncEngine
    sessions: SessionFactory
    renderer: Renderer
    clock: Callable[[], datetime] = utcnow
    #: Draws the charts: a fixed number of workers, stopped by the application's post_shutdown.
    charts: ChartPool = field(default_factory=ChartPool)

    @property
    def link_policy(self) -> Policy:
        """The attempt limit for account linking, from the settings."""
        return Policy(
            max_failures=self.settings.link_max_failures,
            window=timedelta(minutes=self.settings.link_lockout_minutes),
        )

    @property
    def checkin_policy(self) -> Policy:
        """The limit on wrong check-in codes, from the settings."""
        return Policy(
            max_failures=self.settings.checkin_max_failures,
            window=timedelta(minutes=self.settings.checkin_lockout_minutes),
        )


class Context(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """PTB's context with typed access to the services."""

    @property
    def services(self) -> Services:
        """The services this application was built with."""
        services = self.bot_data[SERVICES_KEY]
        if not isinstance(services, Services):
            raise TypeError("application built without services; use bot.app.build_application")
        return services

    def db(self) -> AsyncSession:
        """A new session: use one per update, as `async with context.db() as session:`."""
        return self.services.sessions()

    def now(self) -> datetime:
        """The current instant (UTC), from the services' clock so tests can move time."""
        return self.services.clock()


BotApplication: TypeAlias = Application[
    ExtBot[None], Context, dict[Any, Any], dict[Any, Any], dict[Any, Any], JobQueue[Any]
]
