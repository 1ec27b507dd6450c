"""Engine and session factory: one `AsyncSession` per update or job."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

from db.sqlite_driver import one_trip

SessionFactory = async_sessionmaker[AsyncSession]

#: SQLite's primary result code SQLITE_READONLY; its extended codes share the low byte.
_SQLITE_READONLY = 8
#: PostgreSQL's read_only_sql_transaction (a server that became a standby, or was set read-only).
_PG_READ_ONLY_TRANSACTION = "25006"


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    """WAL for concurrent readers, foreign keys on, and a busy timeout instead of 'database is locked'."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


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
    """An async engine for SQLite (aiosqlite) or PostgreSQL (asyncpg)."""
    if url.startswith("sqlite"):
        engine = create_async_engine(url, echo=echo)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        one_trip(engine.sync_engine)
    else:
        engine = create_async_engine(url, echo=echo, pool_size=10, max_overflow=20, pool_pre_ping=True)
    event.listen(engine.sync_engine, "handle_error", _read_only_is_a_disconnect)
    return engine


def session_factory(engine: AsyncEngine) -> SessionFactory:
    """Sessions that keep loaded objects usable after commit (no lazy reloads in async code)."""
    return async_sessionmaker(engine, expire_on_commit=False)
