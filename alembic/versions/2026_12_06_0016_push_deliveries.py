"""web push: each delivery recorded as sent when its push service answers

`push_delivery.sent_at` is set the moment a push service answers 201, in a transaction of
its own, so a crash in the middle of sending re-sends only the deliveries nobody answered.
Sent rows stay a day as receipts. `push_subscription.lang` keeps the phone's language for
users who chose none in the app, so the lock screen speaks it.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
from app.core.types import UtcDateTime

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("push_delivery", sa.Column("sent_at", UtcDateTime(timezone=True), nullable=True))
    op.add_column(
        "push_subscription",
        sa.Column("lang", sa.String(length=5), server_default="", nullable=False),
    )


def downgrade() -> None:
    with op.batch_alter_table("push_subscription") as batch:
        batch.drop_column("lang")
    with op.batch_alter_table("push_delivery") as batch:
        batch.drop_column("sent_at")
