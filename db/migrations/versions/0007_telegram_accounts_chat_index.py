"""telegram_accounts: index by chat

The dispatcher looks up the accounts behind each batch's chats (language, blocked, kinds turned
off), and marking a chat blocked finds its account by chat: without an index each lookup read
every account (with 100,000 accounts, most of the database work of a broadcast batch).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 23:50:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("telegram_accounts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_telegram_accounts_chat_id"), ["chat_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("telegram_accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_telegram_accounts_chat_id"))
