"""signals: the time of the rep's tap beside the time the server received it

Until now a signal carried only `created_at`, the moment its push arrived, which for a phone
that was offline can be hours after the rep tapped. Signals stored before this revision get
their arrival time as their tap time: the best that is known of them. The inbox lists by tap
time, so its index moves from the arrival time to the tap time.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 19:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

import app.core.types
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("signal", sa.Column("occurred_at", app.core.types.UtcDateTime(timezone=True), nullable=True))
    op.execute("UPDATE signal SET occurred_at = created_at")
    with op.batch_alter_table("signal") as batch_op:
        batch_op.alter_column("occurred_at", existing_type=app.core.types.UtcDateTime(timezone=True), nullable=False)
        batch_op.drop_index("ix_signal_status_created_at")
        batch_op.create_index("ix_signal_status_occurred_at", ["status", "occurred_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("signal") as batch_op:
        batch_op.drop_index("ix_signal_status_occurred_at")
        batch_op.create_index("ix_signal_status_created_at", ["status", "created_at"], unique=False)
        batch_op.drop_column("occurred_at")
