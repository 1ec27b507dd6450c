"""`db.sqlite_driver`: a statement is one trip to aiosqlite's worker thread, and SQLAlchemy sees
the same results, row counts, ids and errors as through its own adapter.  Fails when one of the
private names the driver relies on changes shape (see its docstring)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

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

    async def counted(self: aiosqlite.Connection, function: Callable[..., Any], *args: Any) -> Any:
        handed.append(getattr(function, "__name__", repr(function)))
        return await original(self, function, *args)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    return handed


async def test_a_statement_is_one_trip_with_its_rows(engine: AsyncEngine, trips: list[str]) -> None:
    async with engine.connect() as connection:
        await connection.execute(insert(things), [{"name": "Kupang"}, {"name": "Atambua"}])
        trips.clear()
        rows = (await connection.execute(select(things.c.name).order_by(things.c.name))).all()
        assert [row.name for row in rows] == ["Atambua", "Kupang"]
        assert trips == ["_run"]


async def test_changes_report_their_row_count_and_id(engine: AsyncEngine, trips: list[str]) -> None:
    async with engine.begin() as connection:
        inserted = await connection.execute(insert(things).values(name="Soe"))
        assert inserted.inserted_primary_key == (1,)
        changed = await connection.execute(update(things).values(name="Kefamenanu"))
        assert changed.rowcount == 1
        empty = await connection.execute(text("SELECT name FROM things WHERE id = 99"))
        assert empty.all() == []
    assert trips.count("_run") == 3


async def test_errors_are_sqlalchemy_errors(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(insert(things).values(name="Lewoleba"))
    with pytest.raises(IntegrityError):
        async with engine.begin() as connection:
            await connection.execute(insert(things).values(name="Lewoleba"))


async def test_a_streamed_result_keeps_the_adapter_s_own_path(engine: AsyncEngine, trips: list[str]) -> None:
    async with engine.begin() as connection:
        await connection.execute(insert(things), [{"name": f"Desa {n}"} for n in range(5)])
        trips.clear()
        streamed = await connection.stream(select(things.c.name).order_by(things.c.id))
        names = [row.name async for row in streamed]
    assert names == [f"Desa {n}" for n in range(5)]
    assert "_run" not in trips
