"""Before an import: a database that is not at the latest migration (a fresh one has no tables
at all) is brought up to date first, as `asn-bot db upgrade` would, instead of failing on a
missing table."""

from __future__ import annotations

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from db.migrate import alembic_config, upgrade


def _current(connection: Connection) -> set[str]:
    return set(MigrationContext.configure(connection).get_current_heads())


async def upgrade_if_behind(engine: AsyncEngine) -> bool:
    """Upgrade the database behind `engine` unless it is at the latest migration; True when it
    had to be upgraded."""
    async with engine.connect() as connection:
        current = await connection.run_sync(_current)
    if current == set(ScriptDirectory.from_config(alembic_config()).get_heads()):
        return False
    await upgrade(engine)
    return True
