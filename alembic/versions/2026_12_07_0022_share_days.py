"""How long a campaign's shared links stay open.

campaign gains `share_days` (1 to 365; existing campaigns get 30, the fixed term shares had
before). A share takes its end from it when it is made; changing it later moves no share.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("campaign") as batch:
        batch.add_column(sa.Column("share_days", sa.Integer(), server_default="30", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("campaign") as batch:
        batch.drop_column("share_days")
