"""push

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 03:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.core.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AutoString = sqlmodel.sql.sqltypes.AutoString
UtcDateTime = app.core.types.UtcDateTime


def upgrade() -> None:
    op.create_table(
        "push_vapid_key",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("private_pem", AutoString(length=1000), nullable=False),
        sa.Column("public_key", AutoString(length=100), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_vapid_key")),
    )
    op.create_table(
        "push_counter",
        sa.Column("name", AutoString(length=20), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_push_counter")),
    )
    op.execute("INSERT INTO push_counter (name, value) VALUES ('sent', 0), ('failed', 0)")
    op.execute("INSERT INTO push_counter (name, value) VALUES ('pruned', 0)")
    op.create_table(
        "push_subscription",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("endpoint", AutoString(length=2000), nullable=False),
        sa.Column("p256dh", AutoString(length=100), nullable=False),
        sa.Column("auth", AutoString(length=40), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("auth_session_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["auth_session_id"],
            ["auth_session.id"],
            name=op.f("fk_push_subscription_auth_session_id_auth_session"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_push_subscription_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_subscription")),
        sa.UniqueConstraint("endpoint", name=op.f("uq_push_subscription_endpoint")),
    )
    op.create_index(
        op.f("ix_push_subscription_auth_session_id"), "push_subscription", ["auth_session_id"]
    )
    op.create_index(op.f("ix_push_subscription_user_id"), "push_subscription", ["user_id"])
    op.create_table(
        "push_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rep_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("target_id", AutoString(length=36), nullable=False),
        sa.Column("title", AutoString(length=120), nullable=False),
        sa.Column("body", AutoString(length=300), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["rep_id"],
            ["user_account.id"],
            name=op.f("fk_push_notice_rep_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_notice")),
    )
    op.create_index("ix_push_notice_rep_created", "push_notice", ["rep_id", "created_at"])
    op.create_table(
        "push_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Uuid(), nullable=False),
        sa.Column("topic", AutoString(length=32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("claim_token", AutoString(length=32), nullable=True),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["push_subscription.id"],
            name=op.f("fk_push_delivery_subscription_id_push_subscription"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_delivery")),
    )
    op.create_index("ix_push_delivery_next_attempt_at", "push_delivery", ["next_attempt_at"])
    op.create_index(op.f("ix_push_delivery_subscription_id"), "push_delivery", ["subscription_id"])


def downgrade() -> None:
    op.drop_table("push_delivery")
    op.drop_table("push_notice")
    op.drop_table("push_subscription")
    op.drop_table("push_counter")
    op.drop_table("push_vapid_key")
