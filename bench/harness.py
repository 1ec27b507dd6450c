"""What every section needs: a fresh database, a child process to drive, percentiles.

Databases: a migrated SQLite file per section (the migrations run once, into a template that
is copied), or with `--database-url` one dedicated PostgreSQL database for this run, its
schema dropped and migrated again for each section and the database dropped at the end — the
way the test suite's `postgres_url` fixture does it.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

from db.engine import create_engine
from db.migrate import upgrade


class Databases:
    """Fresh databases for the sections: SQLite files under `workdir`, or PostgreSQL."""

    def __init__(self, workdir: Path, postgres_url: str | None = None) -> None:
        self.workdir = workdir
        self._server_url = postgres_url
        self._postgres: str | None = None
        self._template: Path | None = None
        self._count = 0

    async def fresh(self, *, postgres: bool = False) -> str:
        """The URL of an empty, migrated database."""
        if postgres:
            return await self._fresh_postgres()
        if self._template is None:
            self._template = self.workdir / "template.db"
            engine = create_engine(f"sqlite+aiosqlite:///{self._template}")
            await upgrade(engine)
            async with engine.connect() as conn:
                await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            await engine.dispose()
        self._count += 1
        path = self.workdir / f"section{self._count}.db"
        shutil.copyfile(self._template, path)
        return f"sqlite+aiosqlite:///{path}"

    async def _fresh_postgres(self) -> str:
        if self._server_url is None:
            raise RuntimeError("no --database-url given")
        if self._postgres is None:
            name = f"asn_bench_{os.getpid()}"
            await self._admin(f'DROP DATABASE IF EXISTS "{name}"')
            await self._admin(f'CREATE DATABASE "{name}"')
            self._postgres = (
                make_url(self._server_url).set(database=name).render_as_string(hide_password=False)
            )
        engine = create_engine(self._postgres)
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await upgrade(engine)
        await engine.dispose()
        return self._postgres

    async def _admin(self, statement: str) -> None:
        if self._server_url is None:
            raise RuntimeError("no --database-url given")
        engine = create_async_engine(make_url(self._server_url), isolation_level="AUTOCOMMIT")
        async with engine.connect() as conn:
            await conn.execute(text(statement))
        await engine.dispose()

    async def close(self) -> None:
        """Drop this run's PostgreSQL database, if one was made."""
        if self._postgres is not None:
            name = make_url(self._postgres).database
            await self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            self._postgres = None


class Child:
    """A `python -m bench.child` process: wait for `ready`, say `go`, read its figures."""

    def __init__(self, role: str, *args: str) -> None:
        self._argv = [sys.executable, "-m", "bench.child", role, *args]
        self._process: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> Self:
        self._process = await asyncio.create_subprocess_exec(
            *self._argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env={**os.environ, "PTB_TIMEDELTA": "true"},
        )
        line = await self._read()
        if line != "ready":
            raise RuntimeError(f"{self._argv[3]} did not start: {line!r}")
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        process = self._process
        if process is not None and process.returncode is None:
            process.kill()
            await process.wait()

    async def go(self) -> dict[str, Any]:
        """Start the sender and wait for its figures."""
        return await self._finish("go\n")

    async def stop(self) -> dict[str, Any]:
        """Stop a polling bot (stdin closes) and read its figures."""
        return await self._finish("")

    async def _finish(self, say: str) -> dict[str, Any]:
        process = self._process
        if process is None or process.stdin is None:
            raise RuntimeError("child not started")
        if say:
            process.stdin.write(say.encode())
            await process.stdin.drain()
        else:
            process.stdin.close()
        line = await self._read()
        await process.wait()
        if process.returncode != 0:
            raise RuntimeError(f"{self._argv[3]} exited with {process.returncode}")
        result: dict[str, Any] = json.loads(line)
        return result

    async def _read(self) -> str:
        process = self._process
        if process is None or process.stdout is None:
            raise RuntimeError("child not started")
        return (await process.stdout.readline()).decode().strip()


def percentile(values: list[float], share: float) -> float:
    """The `share` (0–1) percentile of `values`, nearest rank."""
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]
