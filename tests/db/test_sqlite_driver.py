"""`db.sqlite_driver`: a SELECT runs on the event loop's thread (on the worker thread once over its
budget), any other statement is one trip to aiosqlite's worker thread, and SQLAlchemy sees the
same results, row counts, ids and errors as through its own adapter.  Fails when one of the
private names the driver relies on changes shape (see its docstring)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from db import sqlite_driver
from db.engine import create_engine

metadata = MetaData()
things = Table(
    "things", metadata, Column("id", Integer, primary_key=True), Column("name", String, unique=True)
)


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield engine
    await engine.dispose()


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the functions handed to aiosqlite's worker thread, as they are."""
    handed: list[str] = []
    original: Callable[..., Awaitable[Any]] = aiosqlite.Connection._execute

    async def counted(
        self: aiosqlite.Connection, function: Callable[..., Any], *args: Any, **kwargs: Any
    ) -> Any:
        handed.append(getattr(function, "__name__", repr(function)))
        return await original(self, function, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    return handed


async def _reads_on_the_worker_thread(url: str, trips: list[str]) -> None:
    """A SELECT on a new engine for `url` is handed to the worker thread, with its answer."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            trips.clear()
            assert (await connection.execute(text("SELECT 1"))).scalar() == 1
            assert trips == ["_run"]
    finally:
        await engine.dispose()


async def test_a_select_runs_on_the_loop_thread_with_its_rows(engine: AsyncEngine, trips: list[str]) -> None:
    async with engine.connect() as connection:
        await connection.execute(insert(things), [{"name": "Kupang"}, {"name": "Atambua"}])
        trips.clear()
        rows = (await connection.execute(select(things.c.name).order_by(things.c.name))).all()
        assert [row.name for row in rows] == ["Atambua", "Kupang"]
        assert trips == []


async def test_a_select_over_its_budget_runs_again_on_the_worker_thread(
    engine: AsyncEngine, trips: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    async with engine.begin() as connection:
        await connection.execute(insert(things), [{"name": f"Desa {n}"} for n in range(500)])
    monkeypatch.setattr(sqlite_driver, "LOOP_BUDGET_STEPS", 100)
    async with engine.connect() as connection:
        trips.clear()
        names = (await connection.execute(select(things.c.name).order_by(things.c.id))).scalars().all()
        assert names == [f"Desa {n}" for n in range(500)]
        assert trips == ["_run"]
        trips.clear()
        assert (await connection.execute(select(things.c.name).limit(1))).scalar() == "Desa 0"
        assert trips == []


async def test_reads_stay_on_the_worker_thread_where_they_could_wait_for_a_lock(
    tmp_path: Path, trips: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # a journal mode other than WAL: a reader may wait out the busy timeout
    monkeypatch.setattr(sqlite_driver, "_READS_ON_LOOP", frozenset())
    await _reads_on_the_worker_thread(f"sqlite+aiosqlite:///{tmp_path / 'journal.db'}", trips)


async def test_a_stopped_select_leaves_no_budget_behind_and_keeps_its_transaction(
    engine: AsyncEngine, trips: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    async with engine.begin() as connection:
        await connection.execute(insert(things), [{"name": f"Desa {n}"} for n in range(300)])
    monkeypatch.setattr(sqlite_driver, "LOOP_BUDGET_STEPS", 100)
    async with engine.begin() as connection:
        await connection.execute(insert(things).values(name="Sabu"))
        trips.clear()
        assert len((await connection.execute(select(things.c.name))).all()) == 301
        assert trips == ["_run"]
        # a write of many steps on the worker thread: a handler left behind would stop it
        await connection.execute(text("UPDATE things SET name = name || ' (NTT)'"))
    async with engine.connect() as connection:
        names = (await connection.execute(select(things.c.name).order_by(things.c.id))).scalars().all()
    assert len(names) == 301
    assert names[-1] == "Sabu (NTT)"


async def test_a_read_that_would_wait_for_a_lock_waits_on_the_worker_thread_not_the_loop(
    engine: AsyncEngine, trips: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """WAL's rare lock waits for a reader (a crashed writer's recovery, another process holding
    the database exclusively) cannot be staged here, so SQLite's answer is: on the loop the read
    is tried without a busy timeout, and SQLITE_BUSY sends it to the worker thread."""
    async with engine.begin() as connection:
        await connection.execute(insert(things).values(name="Ende"))
    loop_thread = threading.get_ident()
    timeouts_on_loop: list[int] = []
    run = sqlite_driver._run

    def busy_on_the_loop(connection: sqlite3.Connection, statement: str, parameters: Any) -> Any:
        if threading.get_ident() == loop_thread:
            timeouts_on_loop.append(connection.execute("PRAGMA busy_timeout").fetchone()[0])
            error = sqlite3.OperationalError("database is locked")
            error.sqlite_errorcode = sqlite3.SQLITE_BUSY
            raise error
        return run(connection, statement, parameters)

    monkeypatch.setattr(sqlite_driver, "_run", busy_on_the_loop)
    async with engine.connect() as connection:
        trips.clear()
        assert (await connection.execute(select(things.c.name))).scalars().all() == ["Ende"]
        assert trips == ["busy_on_the_loop"]  # the worker thread ran it
        assert timeouts_on_loop == [0]
        timeout = (await connection.exec_driver_sql("PRAGMA busy_timeout")).scalar()
        assert timeout == sqlite_driver.BUSY_TIMEOUT_MS


async def test_an_in_memory_database_reads_on_the_worker_thread(trips: list[str]) -> None:
    # its one connection serves every session at once: no read beside another session's write
    for url in ("sqlite+aiosqlite://", "sqlite+aiosqlite:///:memory:"):
        await _reads_on_the_worker_thread(url, trips)


async def test_changes_are_one_trip_each_with_their_row_count_and_id(
    engine: AsyncEngine, trips: list[str]
) -> None:
    async with engine.begin() as connection:
        inserted = await connection.execute(insert(things).values(name="Soe"))
        assert inserted.inserted_primary_key == (1,)
        changed = await connection.execute(update(things).values(name="Kefamenanu"))
        assert changed.rowcount == 1
        empty = await connection.execute(text("SELECT name FROM things WHERE id = 99"))
        assert empty.all() == []
    assert trips.count("_run") == 2
    async with engine.connect() as connection:
        assert (await connection.execute(select(things.c.name))).scalar() == "Kefamenanu"


async def test_a_rollback_or_commit_with_nothing_open_is_not_handed_to_the_thread(
    engine: AsyncEngine, trips: list[str]
) -> None:
    async with engine.connect() as connection:
        await connection.execute(select(things.c.name))
        await connection.commit()
        await connection.execute(select(things.c.name))
    assert trips == []
    async with engine.begin() as connection:
        await connection.execute(insert(things).values(name="Alor"))
    assert trips == ["_run", "commit"]
    trips.clear()
    async with engine.connect() as connection:
        await connection.execute(insert(things).values(name="Rote"))
    assert trips == ["_run", "rollback"]
    async with engine.connect() as connection:
        assert (await connection.execute(select(things.c.name))).scalars().all() == ["Alor"]


async def test_a_new_connection_gets_its_pragmas_in_one_trip(tmp_path: Path, trips: list[str]) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'new.db'}")
    try:
        async with engine.connect() as connection:
            # SQLAlchemy's own functions, then the pragmas (the engine's first connection then
            # also has SQLAlchemy read what the database supports)
            assert trips[:3] == ["create_function", "create_function", "_pragmas"]
            settings = [
                (await connection.exec_driver_sql(f"PRAGMA {name}")).scalar()
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
            ]
        assert settings == ["wal", 1, 30000, 1]
    finally:
        await engine.dispose()


async def test_errors_are_sqlalchemy_errors(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(insert(things).values(name="Lewoleba"))
    with pytest.raises(IntegrityError):
        async with engine.begin() as connection:
            await connection.execute(insert(things).values(name="Lewoleba"))
    with pytest.raises(OperationalError, match="no such table"):
        async with engine.connect() as connection:
            await connection.execute(text("SELECT name FROM towns"))


async def test_a_streamed_result_keeps_the_adapter_s_own_path(engine: AsyncEngine, trips: list[str]) -> None:
    async with engine.begin() as connection:
        await connection.execute(insert(things), [{"name": f"Desa {n}"} for n in range(5)])
        trips.clear()
        streamed = await connection.stream(select(things.c.name).order_by(things.c.id))
        names = [row.name async for row in streamed]
    assert names == [f"Desa {n}" for n in range(5)]
    assert "_run" not in trips
