"""collateral: tags, a valid-until and a review date, a search text, and a history per item

`collateral.tags` (JSON list) and `search_text` (title and tags without case and accents, a
line each, for the console's search; filled here from the titles of the existing items);
`valid_until` (past it the item leaves phones) and `review_on` (a reminder for marketing).
`collateral_change` keeps who changed which fields of an item, when, with before and after.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 23:00:00
"""

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa

import app.core.types
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

collateral = sa.table("collateral", sa.column("id"), sa.column("title"), sa.column("search_text"))


# As app.collateral.freshness does today; a migration must not change when the app does.
def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


def upgrade() -> None:
    op.add_column("collateral", sa.Column("tags", sa.JSON(), server_default="[]", nullable=False))
    op.add_column("collateral", sa.Column("valid_until", sa.Date(), nullable=True))
    op.add_column("collateral", sa.Column("review_on", sa.Date(), nullable=True))
    op.add_column(
        "collateral", sa.Column("search_text", sa.Text(), server_default="", nullable=False)
    )
    op.create_index("ix_collateral_valid_until", "collateral", ["valid_until"])
    op.create_table(
        "collateral_change",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("collateral_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("at", app.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["collateral_id"], ["collateral.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_collateral_change_collateral_id", "collateral_change", ["collateral_id"])
    connection = op.get_bind()
    rows = connection.execute(sa.select(collateral.c.id, collateral.c.title)).all()
    for start in range(0, len(rows), 1000):
        connection.execute(
            collateral.update().where(collateral.c.id == sa.bindparam("item_id")),
            [
                {"item_id": row[0], "search_text": _fold(row[1])}
                for row in rows[start : start + 1000]
            ],
        )


def downgrade() -> None:
    op.drop_index("ix_collateral_change_collateral_id", table_name="collateral_change")
    op.drop_table("collateral_change")
    with op.batch_alter_table("collateral") as batch:
        batch.drop_index("ix_collateral_valid_until")
        batch.drop_column("search_text")
        batch.drop_column("review_on")
        batch.drop_column("valid_until")
        batch.drop_column("tags")
