"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Connection, func, insert, inspect, select
from sqlalchemy.ext.asyncio import AsyncEngine

from db.migrate import alembic_config
from db.models import Base, LinkAttempt, NotificationKind, OutboxMessage
from db.types import utcnow


async def test_migrated_schema_matches_the_models(engine: AsyncEngine) -> None:
    def diff(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))

    async with engine.connect() as connection:
        assert await connection.run_sync(diff) == []


async def test_the_outbox_index_migration_keeps_the_rows_both_ways(engine: AsyncEngine) -> None:
    def migrate(connection: Connection, step: Callable[[Config, str], None], revision: str) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        step(config, revision)

    def indexes(connection: Connection) -> set[str]:
        return {index["name"] for index in inspect(connection).get_indexes("outbox") if index["name"]}

    async with engine.begin() as connection:
        await connection.execute(
            insert(OutboxMessage).values(
                chat_id=42, kind=NotificationKind.ANNOUNCEMENT, text="Uji", due_at=utcnow(), context={}
            )
        )
        await connection.run_sync(migrate, command.downgrade, "0001")
        assert "ix_outbox_announcement_id" in await connection.run_sync(indexes)
        await connection.run_sync(migrate, command.upgrade, "head")
        found = await connection.run_sync(indexes)
        assert "ix_outbox_announcement_state" in found
        assert "ix_outbox_announcement_id" not in found
        assert await connection.scalar(select(OutboxMessage.text)) == "Uji"


async def test_the_attempt_purpose_migration_keeps_linking_attempts_both_ways(engine: AsyncEngine) -> None:
    def migrate(connection: Connection, step: Callable[[Config, str], None], revision: str) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        step(config, revision)

    async with engine.begin() as connection:
        for purpose in ("link", "checkin"):
            await connection.execute(
                insert(LinkAttempt).values(
                    telegram_user_id=7, purpose=purpose, attempted_at=utcnow(), reason="nip_unknown"
                )
            )
        await connection.run_sync(migrate, command.downgrade, "0002")
        assert await connection.scalar(select(func.count()).select_from(LinkAttempt.__table__)) == 1
        await connection.run_sync(migrate, command.upgrade, "head")
        assert list(await connection.execute(select(LinkAttempt.purpose, LinkAttempt.reason))) == [
            ("link", "nip_unknown")
        ]
