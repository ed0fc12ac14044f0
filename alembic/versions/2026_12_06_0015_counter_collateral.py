"""collateral answering objections; leads remember why an item is recommended

Marketing marks a collateral item as answering detail chips (`collateral.answers`, e.g.
["price"]). When a visit logs such a chip, the lead gets the item recommended with the reason
(`lead.recommendation_reasons`: collateral id -> the chip and the day it was said), shown on
the phone after marketing's own recommendations.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "collateral", sa.Column("answers", sa.JSON(), server_default="[]", nullable=False)
    )
    op.add_column(
        "lead",
        sa.Column("recommendation_reasons", sa.JSON(), server_default="{}", nullable=False),
    )


def downgrade() -> None:
    with op.batch_alter_table("lead") as batch:
        batch.drop_column("recommendation_reasons")
    with op.batch_alter_table("collateral") as batch:
        batch.drop_column("answers")
