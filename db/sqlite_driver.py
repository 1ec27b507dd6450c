"""The project's SQLite dialect: SQLAlchemy's aiosqlite dialect, with each statement run where it
costs least.

aiosqlite runs every SQLite call on the connection's own thread, and every call is a hand-off
to that thread and back to the event loop: a queue, a thread woken, the loop woken through its
self-pipe, and the GIL passed back and forth — about 120 µs of CPU, several times what SQLite
takes for the bot's small indexed queries (bench/RESULTS.md).  Three changes:

- **A SELECT runs on the event loop's thread**, within a budget: SQLite's progress handler
  stops it after `LOOP_BUDGET_STEPS` steps of its virtual machine (about 2–6 ms; the bot's
  per-update queries take 100–1,500), and the statement is then run again on the worker thread,
  so a large read (an office-wide report, an export) never holds the loop for longer.  A SELECT
  writes nothing, so running it again is safe.  In WAL mode a reader does not wait for writers;
  in WAL's rare exceptions (a crashed writer's recovery, another process holding the database
  exclusively) the read, tried on the loop without a busy timeout, goes to the thread to wait.
  The dialect reads on the loop only in WAL (not an in-memory database, whose one connection
  every session shares at once), and any other statement — a write may wait up to the busy
  timeout for the write lock — goes to the thread.
- **Any other statement is one trip to the worker thread**, not the adapter's four (open a
  cursor, execute, fetch, close): the thread runs them together and the adapter's cursor then
  holds the description and rows exactly as its own `execute` would have left them.
- **A rollback or a commit with no transaction open is not handed to the thread**: SQLite would
  do nothing, and a read-only session ends with two of them (its own and the pool's reset).

The connection is opened with `check_same_thread=False` (as SQLAlchemy already does for a file
database) so that both threads may use it; they never do at once, since a session awaits each
of its statements.  The pragmas every connection needs (WAL, foreign keys, busy timeout) are set
here too.

It relies on names outside both libraries' public API, the way `bot.ptb_private` does for
python-telegram-bot: the adapted cursor's `_connection` (the aiosqlite connection), `await_`,
`_rows`, `server_side` and `_adapt_connection._handle_exception`, and aiosqlite's
`Connection._execute(function, *args)`, `_conn` and `_running`.  tests/db/test_sqlite_driver.py fails when
one of them changes.  Server-side cursors (streamed results) and `executemany` keep SQLAlchemy's
own path.  `db.engine.create_engine` picks this dialect for `sqlite+aiosqlite` URLs.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Callable
from typing import Any

from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.engine import URL, ExecutionContext
from sqlalchemy.engine.interfaces import ConnectArgsType, DBAPIConnection, DBAPICursor

#: The driver name `db.engine` puts in a `sqlite+aiosqlite` URL to pick this dialect.
DRIVER = "asn_aiosqlite"
#: Steps of SQLite's virtual machine a SELECT may take on the event loop's thread before it is
#: stopped and run on the worker thread: 10–25 steps a microsecond here, so 2–6 ms at most,
#: against 100–1,500 steps for the queries of an update at 100,000 employees.
LOOP_BUDGET_STEPS = 50_000
#: How long a statement on the worker thread waits for a lock before 'database is locked'.
BUSY_TIMEOUT_MS = 30_000
_BUSY_TIMEOUT = f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}"
#: Journal modes in which reads may run on the loop: WAL's readers do not wait for writers.  Not
#: an in-memory database: its one connection is shared by every session at once (SQLAlchemy's
#: StaticPool), so a read on the loop could run beside another session's write on the thread.
_READS_ON_LOOP = frozenset({"wal"})

#: What running a statement brings back: the description, the rows (None without a
#: description), the last row id and the row count.
_Outcome = tuple[Any, list[Any] | None, int | None, int]


def _run(connection: sqlite3.Connection, statement: str, parameters: Any) -> _Outcome:
    """The whole statement, as the adapter's four calls would do it."""
    cursor = connection.cursor()
    try:
        if parameters is None:
            cursor.execute(statement)
        else:
            cursor.execute(statement, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else None
        return description, rows, cursor.lastrowid, cursor.rowcount
    finally:
        cursor.close()


def _pragmas(connection: sqlite3.Connection) -> str:
    """WAL for concurrent readers, foreign keys on, a busy timeout instead of 'database is
    locked'; the journal mode the database is in."""
    mode = connection.execute("PRAGMA journal_mode=WAL").fetchone()
    connection.execute("PRAGMA foreign_keys=ON")
    connection.execute(_BUSY_TIMEOUT)
    connection.execute("PRAGMA synchronous=NORMAL")
    return str(mode[0]).lower() if mode else ""


class _OverBudget:
    """SQLite's progress handler for a statement on the loop: the first call (after the
    budget's steps) stops the statement, and says so."""

    def __init__(self) -> None:
        self.stopped = False

    def __call__(self) -> bool:
        self.stopped = True
        return True


async def _on_loop(connection: sqlite3.Connection, statement: str, parameters: Any) -> _Outcome | None:
    """The SELECT run here, on the loop's thread; None when it ran out of budget or would have
    to wait for a lock (WAL's rare cases: a crashed writer's recovery, another process holding
    the database exclusively), which the worker thread then waits for with the busy timeout.
    A coroutine, though it never waits: SQLAlchemy's asyncio layer expects each statement to
    be awaited."""
    over = _OverBudget()
    connection.execute("PRAGMA busy_timeout=0")
    connection.set_progress_handler(over, LOOP_BUDGET_STEPS)
    try:
        return _run(connection, statement, parameters)
    except sqlite3.OperationalError as error:
        if over.stopped or error.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY:
            return None
        raise
    finally:
        connection.set_progress_handler(None, 0)
        connection.execute(_BUSY_TIMEOUT)


def _in_transaction(dbapi_connection: Any) -> bool:
    """Whether SQLite has a transaction open on this adapted (or pooled) connection; True when
    it cannot tell (a connection detached from the pool)."""
    driver = dbapi_connection.driver_connection
    return driver is None or bool(driver.in_transaction)


class Dialect(SQLiteDialect_aiosqlite):
    """aiosqlite's dialect, each statement run where it costs least (see the module)."""

    supports_statement_cache = True

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        #: False once a connection reports a journal mode in which reads may wait for a lock.
        self.reads_on_loop = True

    def create_connect_args(self, url: URL) -> ConnectArgsType:
        args, options = super().create_connect_args(url)
        options["check_same_thread"] = False
        return args, options

    def on_connect(self) -> Callable[[DBAPIConnection], None]:
        base = super().on_connect()

        def connect(dbapi_connection: DBAPIConnection) -> None:
            if base is not None:
                base(dbapi_connection)
            self._set_pragmas(dbapi_connection)

        return connect

    def _set_pragmas(self, dbapi_connection: Any) -> None:
        """The pragmas, in one trip to the worker thread: a connection opened during a burst
        waits for the GIL on every trip (bench: 17 trips took 100–150 ms)."""
        connection = dbapi_connection._connection
        mode = dbapi_connection.await_(connection._execute(_pragmas, connection._conn))
        if mode not in _READS_ON_LOOP:
            self.reads_on_loop = False

    def do_execute(
        self,
        cursor: DBAPICursor,
        statement: str,
        parameters: Any,
        context: ExecutionContext | None = None,
    ) -> None:
        if not self._execute(cursor, statement, parameters):
            cursor.execute(statement, parameters)

    def do_execute_no_params(
        self, cursor: DBAPICursor, statement: str, context: ExecutionContext | None = None
    ) -> None:
        if not self._execute(cursor, statement, None):
            cursor.execute(statement)

    def do_rollback(self, dbapi_connection: Any) -> None:
        if _in_transaction(dbapi_connection):
            dbapi_connection.rollback()

    def do_commit(self, dbapi_connection: Any) -> None:
        if _in_transaction(dbapi_connection):
            dbapi_connection.commit()

    def _execute(self, cursor: Any, statement: str, parameters: Any) -> bool:
        """Run the statement on the loop or in one trip to the worker thread, and leave the
        adapted cursor as its own `execute` would; False for a server-side cursor."""
        if cursor.server_side:
            return False
        connection = cursor._connection
        outcome: _Outcome | None = None
        try:
            if self.reads_on_loop and connection._running and statement[:6].upper() == "SELECT":
                outcome = cursor.await_(_on_loop(connection._conn, statement, parameters))
            if outcome is None:
                outcome = cursor.await_(connection._execute(_run, connection._conn, statement, parameters))
        except Exception as error:
            cursor._adapt_connection._handle_exception(error)  # raises the error as the adapter would
        if outcome is None:
            raise RuntimeError("the adapter let a failed statement through")
        description, rows, lastrowid, rowcount = outcome
        if description:
            cursor.description = description
            cursor.lastrowid = cursor.rowcount = -1
            cursor._rows = deque(rows or ())
        else:
            cursor.description = None
            cursor.lastrowid = lastrowid
            cursor.rowcount = rowcount
        return True


registry.register(f"sqlite.{DRIVER}", __name__, "Dialect")
