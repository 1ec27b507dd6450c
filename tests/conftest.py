"""Shared fixtures: one fresh database per test (SQLite file, or PostgreSQL when
TEST_DATABASE_URL is set), sessions over it, and settings for tests."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from bot.settings import Settings
from db.engine import SessionFactory, create_engine, session_factory
from db.migrate import upgrade

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
# python-telegram-bot 22 hands out `RetryAfter.retry_after` as a timedelta with this set, and
# warns (an error under our pytest settings) when an int is read without it.
os.environ.setdefault("PTB_TIMEDELTA", "true")
DB_FIXTURES = {"engine", "session", "sessions", "database_url"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that touch the database are marked `db`, so CI can re-run them on PostgreSQL."""
    for item in items:
        if DB_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database, built once and copied for each test."""
    path = tmp_path_factory.mktemp("template") / "template.db"

    async def build() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        await upgrade(engine)
        async with engine.connect() as conn:
            await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        await engine.dispose()

    asyncio.run(build())
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str | None]:
    """A database of this test run's own on the TEST_DATABASE_URL server, so runs never collide."""
    if not TEST_DATABASE_URL:
        yield None
        return
    url = make_url(TEST_DATABASE_URL)
    name = f"asn_test_{os.getpid()}"

    async def admin(statement: str) -> None:
        engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
        async with engine.connect() as conn:
            await conn.execute(text(statement))
        await engine.dispose()

    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}"'))
    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def database_url(tmp_path: Path, sqlite_template: Path, postgres_url: str | None) -> Iterator[str]:
    """A fresh, migrated database for this test."""
    if postgres_url is not None:
        asyncio.run(_reset_postgres(postgres_url))
        yield postgres_url
        return
    path = tmp_path / "test.db"
    shutil.copyfile(sqlite_template, path)
    yield f"sqlite+aiosqlite:///{path}"


async def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await upgrade(engine)
    await engine.dispose()


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """The engine over this test's database."""
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> SessionFactory:
    """The session factory, as the bot uses it."""
    return session_factory(engine)


@pytest.fixture
async def session(sessions: SessionFactory) -> AsyncIterator[AsyncSession]:
    """One session for a test that works at the domain level."""
    async with sessions() as session:
        yield session


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings for a test: this test's database, no token, no .env file, and no quiet hours
    (tests on the wall clock would otherwise hold reminders when run at night)."""
    return Settings(
        _env_file=None,
        database_url=database_url,
        telegram_bot_token="123456:TEST-TOKEN",
        quiet_hours="",
    )
