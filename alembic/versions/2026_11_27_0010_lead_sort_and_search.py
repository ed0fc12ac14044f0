"""leads: a sort name and a search text, both without case and accents

The console then lists "Bäckerei" with the B's (not after "Brauerei", as byte order does), and
a search for "muller" or "MÜLLER" finds "Müller" on SQLite too (its lower() knows ASCII only).

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

SEARCHED = ("company", "contact_name", "city", "postal_code", "external_ref", "email")
lead = sa.table(
    "lead",
    sa.column("id"),
    sa.column("sort_name"),
    sa.column("search_text"),
    *(sa.column(name) for name in SEARCHED),
)


# As app.leads.models does today; a migration must not change when the app does.
def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN on both databases (no table copy on SQLite).
    op.add_column(
        "lead", sa.Column("sort_name", sa.String(length=200), server_default="", nullable=False)
    )
    op.add_column("lead", sa.Column("search_text", sa.Text(), server_default="", nullable=False))
    op.create_index("ix_lead_sort_name", "lead", ["sort_name"])
    connection = op.get_bind()
    rows = connection.execute(sa.select(lead.c.id, *(lead.c[n] for n in SEARCHED))).all()
    for start in range(0, len(rows), 1000):
        connection.execute(
            lead.update().where(lead.c.id == sa.bindparam("lead_id")),
            [
                {
                    "lead_id": row[0],
                    "sort_name": _fold(row[1])[:200],
                    "search_text": "\n".join(_fold(value or "") for value in row[1:]),
                }
                for row in rows[start : start + 1000]
            ],
        )


def downgrade() -> None:
    with op.batch_alter_table("lead") as batch_op:
        batch_op.drop_index("ix_lead_sort_name")
        batch_op.drop_column("search_text")
        batch_op.drop_column("sort_name")
