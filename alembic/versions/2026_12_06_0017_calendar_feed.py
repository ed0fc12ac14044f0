"""calendar: each rep's private feed of planned visits (only the token's hash is stored)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 23:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import app.core.types
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AutoString = sqlmodel.sql.sqltypes.AutoString
UtcDateTime = app.core.types.UtcDateTime


def upgrade() -> None:
    op.create_table(
        "calendar_feed",
        sa.Column("rep_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", AutoString(length=64), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_read_at", UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["rep_id"],
            ["user_account.id"],
            name=op.f("fk_calendar_feed_rep_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("rep_id", name=op.f("pk_calendar_feed")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feed_token_hash")),
    )


def downgrade() -> None:
    op.drop_table("calendar_feed")
