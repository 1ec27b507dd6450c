"""Engine and session factory: one `AsyncSession` per update or job."""

from __future__ import annotations

from sqlalchemy import event, make_url
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import QueuePool

from db import sqlite_driver

SessionFactory = async_sessionmaker[AsyncSession]

#: SQLite connections the pool keeps (it opens them as needed).
SQLITE_POOL_SIZE = 64
#: PostgreSQL connections the pool keeps, and how many more it may open for a while.
PG_POOL_SIZE = 30
PG_MAX_OVERFLOW = 10
#: SQLite's primary result code SQLITE_READONLY; its extended codes share the low byte.
_SQLITE_READONLY = 8
#: PostgreSQL's read_only_sql_transaction (a server that became a standby, or was set read-only).
_PG_READ_ONLY_TRANSACTION = "25006"


def _read_only_is_a_disconnect(context: ExceptionContext) -> None:
    """A connection opened while the database could not be written stays read-only for its
    whole life (SQLite opens the file read-only; PostgreSQL fixes the session's default), even
    once the database is writable again, while a fresh connection could write at once. Treating
    the error as a disconnect discards this connection and every pooled one opened before it."""
    error = context.original_exception
    sqlite_code = getattr(error, "sqlite_errorcode", None)
    sqlite_read_only = isinstance(sqlite_code, int) and sqlite_code & 0xFF == _SQLITE_READONLY
    if sqlite_read_only or getattr(error, "sqlstate", None) == _PG_READ_ONLY_TRANSACTION:
        context.is_disconnect = True


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """An async engine for SQLite (aiosqlite, through `db.sqlite_driver`'s dialect, which also
    sets the pragmas) or PostgreSQL (asyncpg)."""
    if url.startswith("sqlite"):
        parsed = make_url(url)
        if parsed.drivername == "sqlite+aiosqlite":
            parsed = parsed.set(drivername=f"sqlite+{sqlite_driver.DRIVER}")
        # Connections kept for as many updates as the bot handles at once (`bot.app`: 64): opening
        # one takes a thread, the file and the pragmas, and a burst that opened and closed them
        # doubled the bench's p95 (bench/RESULTS.md).  Idle ones cost a sleeping thread each.
        pooled = issubclass(sqlite_driver.Dialect.get_pool_class(parsed), QueuePool)
        sizes = {"pool_size": SQLITE_POOL_SIZE, "max_overflow": 16} if pooled else {}
        engine = create_async_engine(parsed, echo=echo, **sizes)
    else:
        # 30 kept: a burst's sessions (the bench: 32 updates at a time) find a connection open
        # (with 10 kept, the overflow's connections were opened and closed again and again: a
        # third fewer updates a second); at most 40 a process, so two `asn-bot run` processes
        # stay within PostgreSQL's default max_connections of 100.
        engine = create_async_engine(
            url, echo=echo, pool_size=PG_POOL_SIZE, max_overflow=PG_MAX_OVERFLOW, pool_pre_ping=True
        )
    event.listen(engine.sync_engine, "handle_error", _read_only_is_a_disconnect)
    return engine


def session_factory(engine: AsyncEngine) -> SessionFactory:
    """Sessions that keep loaded objects usable after commit (no lazy reloads in async code)."""
    return async_sessionmaker(engine, expire_on_commit=False)
