"""insights: each fact keeps the detail chips it is counted with

An outcome's detail chips can now be amended after the tap (`outcome.amend`). The roll-up
used to read an outcome's chips when it counted it and again when it took it back; with
amendments in between, the two could differ. Each `insight_fact` row now keeps the chips it
was counted with: a retraction takes back exactly those, and an amendment takes them back
and counts the new ones. Filled from the outcomes as they are now (nothing was amended
before this revision). On SQLite the table lives in the insights file.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 23:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INSIGHTS_SCHEMA = "insights"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    schema = INSIGHTS_SCHEMA if _sqlite() else None
    op.add_column(
        "insight_fact",
        sa.Column("details", sa.JSON(), server_default=sa.text("'[]'"), nullable=False),
        schema=schema,
    )
    if _sqlite():
        op.execute(
            "UPDATE insights.insight_fact SET details = COALESCE("
            "(SELECT o.details FROM main.outcome o WHERE o.id = insight_fact.outcome_id), '[]')"
        )
    else:
        op.execute(
            "UPDATE insight_fact f SET details = o.details FROM outcome o WHERE o.id = f.outcome_id"
        )


def downgrade() -> None:
    schema = INSIGHTS_SCHEMA if _sqlite() else None
    with op.batch_alter_table("insight_fact", schema=schema) as batch:
        batch.drop_column("details")
