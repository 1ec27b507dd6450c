"""outbox: how long a row is worth retrying, and how many of its sends went unanswered

Network errors, timeouts, 5xx and 429 no longer fail a row after five attempts: it is retried
until `expires_at` (a reminder: its event's start; otherwise set at its first failure to
OUTBOX_RETRY_HOURS later). `unconfirmed` counts the sends whose answer never came (a timeout
after the request went out: the message may have arrived), which bounds the copies a timeout
can cause.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", db.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("unconfirmed", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("unconfirmed")
        batch_op.drop_column("expires_at")
