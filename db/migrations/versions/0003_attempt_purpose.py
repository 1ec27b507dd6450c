"""link_attempts: a purpose, so check-in codes are limited like linking

Guesses at check-in codes are limited per Telegram user like linking's (issue #15), in the
same table: each attempt says what it was for, and each purpose is counted on its own.
Existing rows were all linking attempts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("link_attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purpose", sa.String(length=20), server_default="link", nullable=False))
        batch_op.drop_index("ix_link_attempts_user_at")
        batch_op.create_index(
            "ix_link_attempts_user_purpose_at", ["telegram_user_id", "purpose", "attempted_at"], unique=False
        )


def downgrade() -> None:
    op.execute("DELETE FROM link_attempts WHERE purpose <> 'link'")
    with op.batch_alter_table("link_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_link_attempts_user_purpose_at")
        batch_op.create_index("ix_link_attempts_user_at", ["telegram_user_id", "attempted_at"], unique=False)
        batch_op.drop_column("purpose")
