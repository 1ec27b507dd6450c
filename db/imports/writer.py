"""Writing checked rows: the one "diff by natural key and write" every kind of import uses.

The stored records are loaded once per table (`stored`), each checked row is compared with the
record of its natural key, and `upsert` writes the new ones with Core bulk INSERTs and the
changed ones with executemany UPDATEs, leaving equal ones alone — so importing the same file
twice changes nothing. The caller's session commits or rolls back the whole import.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import ColumnElement, Table, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from db.models import Base

T = TypeVar("T")
Key = tuple[Any, ...]
"""A natural key: the values of the columns that name a record (`nip`; `code`; …)."""


@dataclass(slots=True)  # not frozen: made for every stored record, and frozen costs twice the time
class Stored:
    """A record already in a table: its id and the columns loaded to compare with the file."""

    id: int
    values: dict[str, Any]


class Counts(NamedTuple):
    """Records of a file that were new, changed or already so."""

    created: int
    updated: int
    unchanged: int


def table_of(model: type[Base]) -> Table:
    return Base.metadata.tables[model.__tablename__]


async def stored(
    session: AsyncSession,
    model: type[Base],
    *,
    key: Sequence[str],
    values: Sequence[str],
    where: Sequence[ColumnElement[bool]] = (),
) -> dict[Key, Stored]:
    """The stored records (optionally only those `where` says) by natural key, with `values`."""
    table = table_of(model)
    names = [*key, *values]
    query = select(table.c.id, *(table.c[name] for name in names)).where(*where)
    width = len(key) + 1
    return {
        row[1:width]: Stored(row[0], dict(zip(values, row[width:], strict=True)))
        for row in (await session.execute(query)).tuples()
    }


async def upsert(
    conn: AsyncConnection,
    model: type[Base],
    *,
    rows: Mapping[Key, dict[str, Any]],
    existing: Mapping[Key, Stored],
    compared: Sequence[str],
    kept: Collection[str] = (),
    on_insert: Mapping[str, Any] | None = None,
    on_update: Mapping[str, Any] | None = None,
    touched: Collection[Key] = (),
) -> Counts:
    """Write the file's rows (natural key → every column of the record) against the stored ones.

    A row whose key is not stored is inserted, with `on_insert`. A stored record is updated —
    its `compared` columns, and `on_update` — when one of them differs or its key is in
    `touched`; the `kept` columns (optional columns the file does not have) keep their stored
    value. Equal records are left alone. At least one compared column is a required one.
    """
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    # itemgetter picks in C: a re-imported roster compares 100,000 records.
    pick = itemgetter(*(name for name in compared if name not in kept))
    for natural, row in rows.items():
        current = existing.get(natural)
        if current is None:
            inserts.append({**row, **on_insert} if on_insert else row)
            continue
        stored_values = current.values
        if natural in touched or pick(stored_values) != pick(row):
            values = {name: stored_values[name] if name in kept else row[name] for name in compared}
            updates.append({"id": current.id, **values, **(on_update or {})})
    table = table_of(model)
    await insert_rows(conn, table, inserts)
    await update_rows(conn, table, updates)
    return Counts(len(inserts), len(updates), len(rows) - len(inserts) - len(updates))


def chunks(rows: Sequence[T], columns: int) -> Iterator[Sequence[T]]:
    """Slices of `rows` small enough for one statement."""
    # asyncpg takes at most 32767 bind parameters in one statement.
    size = max(1, 30_000 // max(1, columns))
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


async def insert_rows(conn: AsyncConnection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Bulk INSERT; every dict has the same keys."""
    if not rows:
        return
    statement = insert(table)
    for chunk in chunks(rows, len(rows[0])):
        await conn.execute(statement, list(chunk))


async def update_rows(conn: AsyncConnection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """executemany `UPDATE … WHERE id = ?`; every dict has `id` and the same other keys."""
    if not rows:
        return
    columns = [name for name in rows[0] if name != "id"]
    statement = (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values({table.c[name]: bindparam(f"b_{name}") for name in columns})
    )
    params = [{f"b_{name}": value for name, value in row.items()} for row in rows]
    for chunk in chunks(params, len(columns) + 1):
        await conn.execute(statement, list(chunk))
