"""insights: drop the fact indexes no query reads

`insight_fact` is read by outcome id and by (lead, day); the indexes on (rep, day),
(campaign, day) and (day) only cost every push three more index writes per outcome.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 07:55:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DROPPED = {
    "ix_insight_fact_rep_day": ["rep_id", "day"],
    "ix_insight_fact_campaign_day": ["campaign_key", "day"],
    "ix_insight_fact_day": ["day"],
}


def upgrade() -> None:
    for name in DROPPED:
        op.drop_index(name, table_name="insight_fact")


def downgrade() -> None:
    for name, columns in DROPPED.items():
        op.create_index(name, "insight_fact", columns, unique=False)
