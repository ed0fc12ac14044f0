"""shares: collateral a rep shares with a customer by link (only the token's hash is stored),
its visits and reading per item and page; collateral gains `shareable_download`

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import app.core.types
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AutoString = sqlmodel.sql.sqltypes.AutoString
UtcDateTime = app.core.types.UtcDateTime


def upgrade() -> None:
    with op.batch_alter_table("collateral") as batch:
        batch.add_column(
            sa.Column("shareable_download", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "share",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", AutoString(length=64), nullable=False),
        sa.Column("rep_id", sa.Uuid(), nullable=False),
        sa.Column("lead_id", sa.Uuid(), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=True),
        sa.Column("collateral_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("told_at", UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["rep_id"], ["user_account.id"], name=op.f("fk_share_rep_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["lead.id"], name=op.f("fk_share_lead_id_lead"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaign.id"], name=op.f("fk_share_campaign_id_campaign"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_share_token_hash")),
    )  # fmt: skip
    op.create_index(op.f("ix_share_rep_id"), "share", ["rep_id"])
    op.create_index(op.f("ix_share_lead_id"), "share", ["lead_id"])
    op.create_table(
        "share_visit",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("share_id", sa.Uuid(), nullable=False),
        sa.Column("opened_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("device", sa.String(length=10), nullable=False),
        sa.Column("beacons", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["share_id"], ["share.id"], name=op.f("fk_share_visit_share_id_share"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_visit")),
    )  # fmt: skip
    op.create_index(op.f("ix_share_visit_share_id"), "share_visit", ["share_id"])
    op.create_table(
        "share_reading",
        sa.Column("visit_id", sa.Uuid(), nullable=False),
        sa.Column("collateral_id", sa.Uuid(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column("downloads", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["share_visit.id"], name=op.f("fk_share_reading_visit_id_share_visit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "visit_id", "collateral_id", "page", name=op.f("pk_share_reading")
        ),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("share_reading")
    op.drop_index(op.f("ix_share_visit_share_id"), table_name="share_visit")
    op.drop_table("share_visit")
    op.drop_index(op.f("ix_share_lead_id"), table_name="share")
    op.drop_index(op.f("ix_share_rep_id"), table_name="share")
    op.drop_table("share")
    with op.batch_alter_table("collateral") as batch:
        batch.drop_column("shareable_download")
