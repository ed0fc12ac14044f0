"""insights

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 03:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "insight_chip",
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("value", sa.String(length=100), nullable=False),
        sa.Column("grain", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("campaign_key", sa.String(length=36), nullable=False),
        sa.Column("chip", sa.String(length=100), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "kind", "value", "grain", "period", "campaign_key", "chip", name=op.f("pk_insight_chip")
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "insight_collateral",
        sa.Column("grain", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("campaign_key", sa.String(length=36), nullable=False),
        sa.Column("collateral_id", sa.Uuid(), nullable=False),
        sa.Column("viewed", sa.Integer(), nullable=False),
        sa.Column("won_viewed", sa.Integer(), nullable=False),
        sa.Column("fit_up", sa.Integer(), nullable=False),
        sa.Column("fit_down", sa.Integer(), nullable=False),
        sa.Column("s0", sa.Integer(), nullable=False),
        sa.Column("s1", sa.Integer(), nullable=False),
        sa.Column("s2", sa.Integer(), nullable=False),
        sa.Column("s3", sa.Integer(), nullable=False),
        sa.Column("s4", sa.Integer(), nullable=False),
        sa.Column("s5", sa.Integer(), nullable=False),
        sa.Column("s6", sa.Integer(), nullable=False),
        sa.Column("s7", sa.Integer(), nullable=False),
        sa.Column("s8", sa.Integer(), nullable=False),
        sa.Column("s9", sa.Integer(), nullable=False),
        sa.Column("s10", sa.Integer(), nullable=False),
        sa.Column("s11", sa.Integer(), nullable=False),
        sa.Column("s12", sa.Integer(), nullable=False),
        sa.Column("s13", sa.Integer(), nullable=False),
        sa.Column("s14", sa.Integer(), nullable=False),
        sa.Column("s15", sa.Integer(), nullable=False),
        sa.Column("s16", sa.Integer(), nullable=False),
        sa.Column("s17", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "grain", "period", "campaign_key", "collateral_id", name=op.f("pk_insight_collateral")
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "insight_collateral_page",
        sa.Column("grain", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("campaign_key", sa.String(length=36), nullable=False),
        sa.Column("collateral_id", sa.Uuid(), nullable=False),
        sa.Column("page", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "grain",
            "period",
            "campaign_key",
            "collateral_id",
            "page",
            name=op.f("pk_insight_collateral_page"),
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "insight_count",
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("value", sa.String(length=100), nullable=False),
        sa.Column("grain", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("campaign_key", sa.String(length=36), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "kind",
            "value",
            "grain",
            "period",
            "campaign_key",
            "code",
            name=op.f("pk_insight_count"),
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "insight_fact",
        sa.Column("outcome_id", sa.Uuid(), nullable=False),
        sa.Column("lead_id", sa.Uuid(), nullable=False),
        sa.Column("rep_id", sa.Uuid(), nullable=False),
        sa.Column("campaign_key", sa.String(length=36), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("region", sa.String(length=100), nullable=False),
        sa.Column("segment", sa.String(length=100), nullable=False),
        sa.Column("team", sa.String(length=100), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("outcome_id", name=op.f("pk_insight_fact")),
    )
    op.create_index(
        "ix_insight_fact_campaign_day", "insight_fact", ["campaign_key", "day"], unique=False
    )
    op.create_index("ix_insight_fact_day", "insight_fact", ["day"], unique=False)
    op.create_index("ix_insight_fact_lead_day", "insight_fact", ["lead_id", "day"], unique=False)
    op.create_index("ix_insight_fact_rep_day", "insight_fact", ["rep_id", "day"], unique=False)
    op.create_table(
        "insight_lead_visit",
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("value", sa.String(length=100), nullable=False),
        sa.Column("block", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("campaign_key", sa.String(length=36), nullable=False),
        sa.Column("lead_id", sa.Uuid(), nullable=False),
        sa.Column("w0", sa.BigInteger(), nullable=False),
        sa.Column("w1", sa.BigInteger(), nullable=False),
        sa.Column("w2", sa.BigInteger(), nullable=False),
        sa.Column("w3", sa.BigInteger(), nullable=False),
        sa.Column("w4", sa.BigInteger(), nullable=False),
        sa.Column("w5", sa.BigInteger(), nullable=False),
        sa.Column("w6", sa.BigInteger(), nullable=False),
        sa.Column("w7", sa.BigInteger(), nullable=False),
        sa.Column("w8", sa.BigInteger(), nullable=False),
        sa.Column("w9", sa.BigInteger(), nullable=False),
        sa.Column("w10", sa.BigInteger(), nullable=False),
        sa.Column("w11", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "kind", "value", "block", "campaign_key", "lead_id", name=op.f("pk_insight_lead_visit")
        ),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_index("ix_insight_fact_campaign_day", table_name="insight_fact")
    op.drop_index("ix_insight_fact_day", table_name="insight_fact")
    op.drop_index("ix_insight_fact_lead_day", table_name="insight_fact")
    op.drop_index("ix_insight_fact_rep_day", table_name="insight_fact")
    op.drop_table("insight_lead_visit")
    op.drop_table("insight_fact")
    op.drop_table("insight_count")
    op.drop_table("insight_collateral_page")
    op.drop_table("insight_collateral")
    op.drop_table("insight_chip")
