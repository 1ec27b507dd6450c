"""The engine recovers by itself: a database that could not be written for a while is written
again as soon as it can be, without restarting the bot (issue #15, point 2)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event, func, make_url, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from db import audit
from db.engine import create_engine, session_factory
from db.models import AuditLog


class ReadOnly:
    """Makes the test's database read-only for new connections, as a file SQLite cannot write
    (SQLite then opens it read-only) or a PostgreSQL database set read-only does."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.on = False

    def watch(self, engine: AsyncEngine) -> None:
        """SQLite: open the file read-only while `on`, the way SQLite does when it may not write it."""
        if not self.url.startswith("sqlite"):
            return

        @event.listens_for(engine.sync_engine, "do_connect")
        def _open(_dialect: Any, _record: Any, cargs: list[Any], cparams: dict[str, Any]) -> None:
            if self.on:
                cargs[0] = f"file:{cargs[0]}?mode=ro"
                cparams["uri"] = True

    async def set(self, on: bool) -> None:
        self.on = on
        if self.url.startswith("sqlite"):
            return
        url = make_url(self.url)
        admin = create_async_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        value = "on" if on else "off"
        async with admin.connect() as conn:
            await conn.execute(
                text(f'ALTER DATABASE "{url.database}" SET default_transaction_read_only = {value}')
            )
        await admin.dispose()


@asynccontextmanager
async def read_only_at_start(url: str) -> AsyncIterator[tuple[ReadOnly, AsyncEngine]]:
    """The bot's engine, started while its database is read-only; writable again on leaving."""
    switch = ReadOnly(url)
    await switch.set(True)
    engine = create_engine(url)
    switch.watch(engine)
    try:
        yield switch, engine
    finally:
        await switch.set(False)
        await engine.dispose()


async def _write(engine: AsyncEngine) -> bool:
    """One write as a handler makes it (a session, an audit row, a commit); did it succeed?"""
    async with session_factory(engine)() as session:
        audit.record(session, action="test.write")
        try:
            await session.commit()
        except DBAPIError:
            return False
    return True


async def _count(engine: AsyncEngine) -> int:
    async with session_factory(engine)() as session:
        return await session.scalar(select(func.count()).select_from(AuditLog)) or 0


async def test_writes_fail_while_read_only_and_work_again_at_once_when_writable(database_url: str) -> None:
    async with read_only_at_start(database_url) as (switch, engine):
        assert await asyncio.gather(*(_write(engine) for _ in range(5))) == [False] * 5
        before = await _count(engine)  # reads go on meanwhile, pooling a read-only connection
        await switch.set(False)
        outcomes = [await _write(engine) for _ in range(3)]
        assert outcomes[-1], "the pool never recovered: writes still fail once the database is writable"
        assert outcomes.count(False) <= 1  # at most the one write that finds the stale connection
        assert await _count(engine) == before + outcomes.count(True)


async def test_a_read_only_spell_leaves_no_connection_that_cannot_write(database_url: str) -> None:
    async with read_only_at_start(database_url) as (switch, engine):
        for _ in range(3):  # the bot keeps trying while the database is read-only
            assert not await _write(engine)
        await switch.set(False)
        assert await asyncio.gather(*(_write(engine) for _ in range(5))) == [True] * 5
