"""sync: fewer ledger indexes to write on every push

No query reads `sync_mutation` by rep alone (users are deactivated, never deleted), and only
retractions have a `target_id`: drop the rep index and index the targets that exist.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 10:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TARGETS_ONLY = sa.text("target_id IS NOT NULL")


def upgrade() -> None:
    op.drop_index("ix_sync_mutation_rep_id", table_name="sync_mutation")
    op.drop_index("ix_sync_mutation_target_id", table_name="sync_mutation")
    op.create_index(
        "ix_sync_mutation_target_id",
        "sync_mutation",
        ["target_id"],
        sqlite_where=TARGETS_ONLY,
        postgresql_where=TARGETS_ONLY,
    )


def downgrade() -> None:
    op.drop_index("ix_sync_mutation_target_id", table_name="sync_mutation")
    op.create_index("ix_sync_mutation_target_id", "sync_mutation", ["target_id"])
    op.create_index("ix_sync_mutation_rep_id", "sync_mutation", ["rep_id"])
