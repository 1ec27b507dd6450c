"""events made in the chat, organizers, and employment status (PPPK)

Employees get an employment status (CPNS / PNS / PPPK; existing rows are PNS). Events get an
online link, a poster, who may register by rank and status, who created them, and the reason
of a cancellation; a registration keeps the approver's reason for a rejection. Organizers get
a table of their own: the signer their certificates name, and whether HR reviews their events
before they are published.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATUS = sa.Enum("cpns", "pns", "pppk", name="employmentstatus", native_enum=False, length=32)


def upgrade() -> None:
    op.create_table(
        "organizers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("signer_name", sa.String(length=200), nullable=True),
        sa.Column("signer_title", sa.String(length=200), nullable=True),
        sa.Column("review_required", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("created_at", db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organizers")),
        sa.UniqueConstraint("name", name=op.f("uq_organizers_name")),
    )
    with op.batch_alter_table("employees", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", _STATUS, server_default="pns", nullable=False))
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("online_url", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("poster_file_id", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("target_ranks", sa.JSON(), server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("target_statuses", sa.JSON(), server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("cancel_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("created_by", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decision_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_column("decision_reason")
    with op.batch_alter_table("events", schema=None) as batch_op:
        for column in (
            "created_by",
            "cancel_reason",
            "target_statuses",
            "target_ranks",
            "poster_file_id",
            "online_url",
        ):
            batch_op.drop_column(column)
    with op.batch_alter_table("employees", schema=None) as batch_op:
        batch_op.drop_column("status")
    op.drop_table("organizers")
