"""PostgreSQL numbers the change log from a sequence: pushes no longer queue for one row.

Until now every writer took its change numbers from the one `sync_clock` row, whose lock it
held to commit. On PostgreSQL the numbers now come from `sync_change_seq` (continuing from the
clock's value) and readers follow only settled numbers (app/core/numbering.py). SQLite keeps
the row: it has one writer at a time anyway. `sync_clock.pruned_through` stays in use on both.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 07:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        return
    op.execute("CREATE SEQUENCE sync_change_seq AS bigint MINVALUE 0 START WITH 0")
    op.execute("SELECT setval('sync_change_seq', (SELECT value FROM sync_clock WHERE id = 1))")


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        return
    op.execute(
        "UPDATE sync_clock SET value = GREATEST(value, (SELECT last_value FROM sync_change_seq))"
    )
    op.execute("DROP SEQUENCE sync_change_seq")
