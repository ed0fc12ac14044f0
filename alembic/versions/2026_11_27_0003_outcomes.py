"""outcomes: outcome codes (with the defaults), outcomes, signals, the push ledger

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 03:40:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel

import app.core.types
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OBJECTION_CHIPS = ["price", "timing", "competitor", "no_need", "no_decision_maker"]
DEFAULT_CODES = [
    ("won", "Won", "Gewonnen", "positive", []),
    ("follow_up", "Follow-up", "Nachfassen", "neutral", []),
    ("interested", "Interested", "Interessiert", "positive", []),
    ("objection", "Objection", "Einwand", "negative", OBJECTION_CHIPS),
    ("not_reached", "Not reached", "Nicht erreicht", "neutral", []),
    ("no_interest", "No interest", "Kein Interesse", "negative", []),
]


def upgrade() -> None:
    op.create_table(
        "outcome_code",
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("label_en", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("label_de", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("sentiment", sa.String(length=20), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", app.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_outcome_code")),
    )
    op.create_table(
        "outcome",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("rep_id", sa.Uuid(), nullable=False),
        sa.Column("lead_id", sa.Uuid(), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=True),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("occurred_at", app.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("received_at", app.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("device_seq", sa.Integer(), nullable=True),
        sa.Column("reassigned", sa.Boolean(), nullable=False),
        sa.Column("retracted_at", app.core.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["code"], ["outcome_code.code"], name=op.f("fk_outcome_code_outcome_code")
        ),
        sa.ForeignKeyConstraint(
            ["rep_id"], ["user_account.id"], name=op.f("fk_outcome_rep_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome")),
    )
    with op.batch_alter_table("outcome", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outcome_campaign_id_occurred_at", ["campaign_id", "occurred_at"], unique=False
        )
        batch_op.create_index(
            "ix_outcome_lead_id_occurred_at", ["lead_id", "occurred_at"], unique=False
        )
        batch_op.create_index(
            "ix_outcome_rep_id_occurred_at", ["rep_id", "occurred_at"], unique=False
        )

    op.create_table(
        "signal",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("rep_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("lead_id", sa.Uuid(), nullable=True),
        sa.Column("campaign_id", sa.Uuid(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", app.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("acknowledged_at", app.core.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by_id", sa.Uuid(), nullable=True),
        sa.Column("reply", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"],
            ["user_account.id"],
            name=op.f("fk_signal_acknowledged_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["rep_id"], ["user_account.id"], name=op.f("fk_signal_rep_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal")),
    )
    with op.batch_alter_table("signal", schema=None) as batch_op:
        batch_op.create_index("ix_signal_rep_id_created_at", ["rep_id", "created_at"], unique=False)
        batch_op.create_index("ix_signal_status_created_at", ["status", "created_at"], unique=False)

    op.create_table(
        "sync_device",
        sa.Column("rep_id", sa.Uuid(), nullable=False),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("contiguous_through", sa.Integer(), nullable=False),
        sa.Column("above", sa.JSON(), nullable=False),
        sa.Column("max_seq", sa.Integer(), nullable=False),
        sa.Column("first_seen_at", app.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", app.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["rep_id"], ["user_account.id"], name=op.f("fk_sync_device_rep_id_user_account")
        ),
        sa.PrimaryKeyConstraint("rep_id", "device_id", name=op.f("pk_sync_device")),
    )
    op.create_table(
        "sync_mutation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("rep_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("payload_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("target_id", sa.Uuid(), nullable=True),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("device_seq", sa.Integer(), nullable=True),
        sa.Column("received_at", app.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["rep_id"], ["user_account.id"], name=op.f("fk_sync_mutation_rep_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_mutation")),
    )
    with op.batch_alter_table("sync_mutation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_mutation_rep_id"), ["rep_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sync_mutation_target_id"), ["target_id"], unique=False)

    op.create_table(
        "outcome_collateral_fit",
        sa.Column("outcome_id", sa.Uuid(), nullable=False),
        sa.Column("collateral_id", sa.Uuid(), nullable=False),
        sa.Column("fit", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["outcome_id"],
            ["outcome.id"],
            name=op.f("fk_outcome_collateral_fit_outcome_id_outcome"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "outcome_id", "collateral_id", name=op.f("pk_outcome_collateral_fit")
        ),
    )
    with op.batch_alter_table("outcome_collateral_fit", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outcome_collateral_fit_collateral_id"), ["collateral_id"], unique=False
        )

    op.create_table(
        "outcome_collateral_view",
        sa.Column("outcome_id", sa.Uuid(), nullable=False),
        sa.Column("collateral_id", sa.Uuid(), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column("pages", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["outcome_id"],
            ["outcome.id"],
            name=op.f("fk_outcome_collateral_view_outcome_id_outcome"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "outcome_id", "collateral_id", name=op.f("pk_outcome_collateral_view")
        ),
    )
    with op.batch_alter_table("outcome_collateral_view", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outcome_collateral_view_collateral_id"), ["collateral_id"], unique=False
        )

    codes = sa.table(
        "outcome_code",
        sa.column("code", sa.String),
        sa.column("label_en", sa.String),
        sa.column("label_de", sa.String),
        sa.column("sentiment", sa.String),
        sa.column("details", sa.JSON),
        sa.column("position", sa.Integer),
        sa.column("active", sa.Boolean),
        sa.column("updated_at", app.core.types.UtcDateTime(timezone=True)),
    )
    now = datetime.now(UTC)
    op.bulk_insert(
        codes,
        [
            {
                "code": code,
                "label_en": en,
                "label_de": de,
                "sentiment": sentiment,
                "details": details,
                "position": (i + 1) * 10,
                "active": True,
                "updated_at": now,
            }
            for i, (code, en, de, sentiment, details) in enumerate(DEFAULT_CODES)
        ],
    )


def downgrade() -> None:
    with op.batch_alter_table("outcome_collateral_view", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outcome_collateral_view_collateral_id"))

    op.drop_table("outcome_collateral_view")
    with op.batch_alter_table("outcome_collateral_fit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outcome_collateral_fit_collateral_id"))

    op.drop_table("outcome_collateral_fit")
    with op.batch_alter_table("sync_mutation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_mutation_target_id"))
        batch_op.drop_index(batch_op.f("ix_sync_mutation_rep_id"))

    op.drop_table("sync_mutation")
    op.drop_table("sync_device")
    with op.batch_alter_table("signal", schema=None) as batch_op:
        batch_op.drop_index("ix_signal_status_created_at")
        batch_op.drop_index("ix_signal_rep_id_created_at")

    op.drop_table("signal")
    with op.batch_alter_table("outcome", schema=None) as batch_op:
        batch_op.drop_index("ix_outcome_rep_id_occurred_at")
        batch_op.drop_index("ix_outcome_lead_id_occurred_at")
        batch_op.drop_index("ix_outcome_campaign_id_occurred_at")

    op.drop_table("outcome")
    op.drop_table("outcome_code")
