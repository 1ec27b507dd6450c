"""programmes: training programmes HR could commission, candidates of the budget plan

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("jp", sa.Integer(), nullable=False),
        sa.Column("cost_per_batch", sa.BigInteger(), nullable=True),
        sa.Column("cost_per_participant", sa.BigInteger(), nullable=True),
        sa.Column("seats_per_batch", sa.Integer(), nullable=False),
        sa.Column("max_batches", sa.Integer(), nullable=False),
        sa.Column("updated_at", db.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint("jp >= 0", name=op.f("ck_programmes_jp_non_negative")),
        sa.CheckConstraint("seats_per_batch > 0", name=op.f("ck_programmes_seats_positive")),
        sa.CheckConstraint("max_batches > 0", name=op.f("ck_programmes_batches_positive")),
        sa.CheckConstraint(
            "cost_per_batch IS NOT NULL OR cost_per_participant IS NOT NULL",
            name=op.f("ck_programmes_has_a_cost"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programmes")),
        sa.UniqueConstraint("title", name=op.f("uq_programmes_title")),
    )
    op.create_table(
        "programme_competencies",
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("competency_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["competency_id"],
            ["competencies.id"],
            name=op.f("fk_programme_competencies_competency_id_competencies"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_programme_competencies_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("programme_id", "competency_id", name=op.f("pk_programme_competencies")),
    )


def downgrade() -> None:
    op.drop_table("programme_competencies")
    op.drop_table("programmes")
