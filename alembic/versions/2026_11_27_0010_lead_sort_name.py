"""leads: a sort name, so the console lists "Bäckerei" with the B's, not after "Brauerei"

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 13:05:00
"""

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

lead = sa.table("lead", sa.column("id"), sa.column("company"), sa.column("sort_name"))


def _sort_name(company: str) -> str:
    # As app.leads.models.sort_name today; a migration must not change when the app does.
    decomposed = unicodedata.normalize("NFKD", company.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()[:200]


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN on both databases (no table copy on SQLite).
    op.add_column(
        "lead", sa.Column("sort_name", sa.String(length=200), server_default="", nullable=False)
    )
    op.create_index("ix_lead_sort_name", "lead", ["sort_name"])
    connection = op.get_bind()
    rows = connection.execute(sa.select(lead.c.id, lead.c.company)).all()
    for start in range(0, len(rows), 1000):
        connection.execute(
            lead.update().where(lead.c.id == sa.bindparam("lead_id")),
            [
                {"lead_id": lead_id, "sort_name": _sort_name(company)}
                for lead_id, company in rows[start : start + 1000]
            ],
        )


def downgrade() -> None:
    with op.batch_alter_table("lead") as batch_op:
        batch_op.drop_index("ix_lead_sort_name")
        batch_op.drop_column("sort_name")
