"""content: campaigns, collateral (versioned, content-addressed files), leads with briefs

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 03:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.core.types

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _string(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _utc() -> app.core.types.UtcDateTime:
    return app.core.types.UtcDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "campaign",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", _string(200), nullable=False),
        sa.Column("key_message", _string(1000), nullable=False),
        sa.Column("talking_points_md", sa.Text(), nullable=False),
        sa.Column("talking_points_html", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("audience_all", sa.Boolean(), nullable=False),
        sa.Column("audience_regions", sa.JSON(), nullable=False),
        sa.Column("audience_teams", sa.JSON(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign")),
    )
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campaign_name"), ["name"], unique=False)

    op.create_table(
        "collateral",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", _string(200), nullable=False),
        sa.Column("description", _string(2000), nullable=False),
        sa.Column("segments", sa.JSON(), nullable=False),
        sa.Column("url", _string(2000), nullable=True),
        sa.Column("sha256", _string(64), nullable=True),
        sa.Column("content_type", _string(100), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("filename", _string(255), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("replaces_id", sa.Uuid(), nullable=True),
        sa.Column("replaced_by_id", sa.Uuid(), nullable=True),
        sa.Column("deleted_at", _utc(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f("fk_collateral_campaign_id_campaign"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["replaced_by_id"],
            ["collateral.id"],
            name=op.f("fk_collateral_replaced_by_id_collateral"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["replaces_id"],
            ["collateral.id"],
            name=op.f("fk_collateral_replaces_id_collateral"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collateral")),
    )
    with op.batch_alter_table("collateral", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_collateral_campaign_id"), ["campaign_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_collateral_sha256"), ["sha256"], unique=False)

    op.create_table(
        "lead",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("external_ref", _string(100), nullable=True),
        sa.Column("company", _string(200), nullable=False),
        sa.Column("contact_name", _string(200), nullable=False),
        sa.Column("contact_role", _string(200), nullable=False),
        sa.Column("phone", _string(50), nullable=False),
        sa.Column("email", _string(320), nullable=False),
        sa.Column("street", _string(200), nullable=False),
        sa.Column("postal_code", _string(20), nullable=False),
        sa.Column("city", _string(100), nullable=False),
        sa.Column("country", _string(100), nullable=False),
        sa.Column("region", _string(100), nullable=False),
        sa.Column("segment", _string(100), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=True),
        sa.Column("rep_id", sa.Uuid(), nullable=False),
        sa.Column("planned_visit_at", _utc(), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("brief_md", sa.Text(), nullable=False),
        sa.Column("brief_html", sa.Text(), nullable=False),
        sa.Column("recommended_collateral_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f("fk_lead_campaign_id_campaign"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["rep_id"], ["user_account.id"], name=op.f("fk_lead_rep_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead")),
        sa.UniqueConstraint("external_ref", name=op.f("uq_lead_external_ref")),
    )
    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lead_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lead_region"), ["region"], unique=False)
        batch_op.create_index(
            "ix_lead_rep_id_planned_visit_at", ["rep_id", "planned_visit_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_lead_segment"), ["segment"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lead_segment"))
        batch_op.drop_index("ix_lead_rep_id_planned_visit_at")
        batch_op.drop_index(batch_op.f("ix_lead_region"))
        batch_op.drop_index(batch_op.f("ix_lead_campaign_id"))
    op.drop_table("lead")
    with op.batch_alter_table("collateral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_collateral_sha256"))
        batch_op.drop_index(batch_op.f("ix_collateral_campaign_id"))
    op.drop_table("collateral")
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_name"))
    op.drop_table("campaign")
