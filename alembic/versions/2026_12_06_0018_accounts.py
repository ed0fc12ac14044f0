"""accounts: browsers that logged in before (spared from login throttling) and the audit log

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 23:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import app.core.types
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AutoString = sqlmodel.sql.sqltypes.AutoString
UtcDateTime = app.core.types.UtcDateTime


def upgrade() -> None:
    op.create_table(
        "known_device",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", AutoString(length=64), nullable=False),
        sa.Column("last_login_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_known_device_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_known_device")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_known_device_token_hash")),
    )
    op.create_index(op.f("ix_known_device_user_id"), "known_device", ["user_id"])
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("action", AutoString(length=40), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("actor_email", AutoString(length=320), nullable=False),
        sa.Column("target_type", AutoString(length=40), nullable=False),
        sa.Column("target_id", AutoString(length=64), nullable=False),
        sa.Column("target_name", AutoString(length=200), nullable=False),
        sa.Column("address", AutoString(length=64), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    op.create_index("ix_audit_event_at", "audit_event", ["at"])
    op.create_index("ix_audit_event_action_at", "audit_event", ["action", "at"])
    op.create_index("ix_audit_event_actor_id_at", "audit_event", ["actor_id", "at"])


def downgrade() -> None:
    op.drop_table("audit_event")
    op.drop_index(op.f("ix_known_device_user_id"), table_name="known_device")
    op.drop_table("known_device")
