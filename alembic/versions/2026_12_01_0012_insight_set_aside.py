"""insights: backlog entries the roller cannot roll up are set aside, not retried for ever

A stored outcome no figure can hold (a tap in year 1, stored before the API refused such
times) made every roll fail, so nothing behind it was counted and every insights answer failed.
The roller now moves such an entry into `insight_set_aside` with the reason, and goes on.
On SQLite the table lives in the insights file, beside the roller's progress.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

import app.core.types
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INSIGHTS_SCHEMA = "insights"


def _schema() -> str | None:
    return INSIGHTS_SCHEMA if op.get_bind().dialect.name == "sqlite" else None


def upgrade() -> None:
    op.create_table(
        "insight_set_aside",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("outcome_id", sa.Uuid(), nullable=False),
        sa.Column("sign", sa.SmallInteger(), nullable=False),
        sa.Column("lead_id", sa.Uuid(), nullable=True),
        sa.Column("rep_id", sa.Uuid(), nullable=True),
        sa.Column("campaign_key", sa.String(length=36), nullable=True),
        sa.Column("code", sa.String(length=40), nullable=True),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("segment", sa.String(length=100), nullable=True),
        sa.Column("team", sa.String(length=100), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("set_aside_at", app.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_insight_set_aside")),
        schema=_schema(),
    )


def downgrade() -> None:
    op.drop_table("insight_set_aside", schema=_schema())
