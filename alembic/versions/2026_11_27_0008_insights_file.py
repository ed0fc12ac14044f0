"""insights: a backlog rolled up by its own process; on SQLite, aggregates in their own file

Pushes only append to `insight_backlog`; the roller (app/insights/roller.py) turns it into the
aggregates and records how far it got in `insight_roll`. On SQLite the aggregates move into
the file attached as `insights` (app/core/db.py), so that writing them never contends with the
main file's single writer. Later revisions that change these tables pass
`schema=INSIGHTS_SCHEMA` on SQLite.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 10:00:00
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INSIGHTS_SCHEMA = "insights"
MOVED = (
    "insight_fact", "insight_count", "insight_chip", "insight_lead_visit", "insight_collateral",
    "insight_collateral_page",
)  # fmt: skip


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _move(table: str, source: str, target: str) -> None:
    """Recreate a SQLite table and its indexes in another attached file, rows included."""
    bind = op.get_bind()
    rows = bind.exec_driver_sql(
        f"SELECT type, sql FROM {source}.sqlite_master"
        " WHERE tbl_name = ? AND sql IS NOT NULL ORDER BY type = 'index'",
        (table,),
    ).all()
    for kind, sql in rows:
        qualified = re.sub(
            r"^CREATE (TABLE|UNIQUE INDEX|INDEX) ", rf"CREATE \1 {target}.", sql, count=1
        )
        bind.exec_driver_sql(qualified)
        if kind == "table":
            bind.exec_driver_sql(f"INSERT INTO {target}.{table} SELECT * FROM {source}.{table}")
    bind.exec_driver_sql(f"DROP TABLE {source}.{table}")


def upgrade() -> None:
    op.create_table(
        "insight_backlog",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("outcome_id", sa.Uuid(), nullable=False),
        sa.Column("sign", sa.SmallInteger(), nullable=False),
        sa.Column("lead_id", sa.Uuid(), nullable=True),
        sa.Column("rep_id", sa.Uuid(), nullable=True),
        sa.Column("campaign_key", sa.String(length=36), nullable=True),
        sa.Column("code", sa.String(length=40), nullable=True),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("segment", sa.String(length=100), nullable=True),
        sa.Column("team", sa.String(length=100), nullable=True),
        sqlite_autoincrement=True,
    )
    schema = INSIGHTS_SCHEMA if _sqlite() else None
    roll = op.create_table(
        "insight_roll",
        sa.Column("id", sa.Integer(), autoincrement=False, primary_key=True),
        sa.Column("rolled_through", sa.BigInteger(), nullable=False),
        schema=schema,
    )
    op.bulk_insert(roll, [{"id": 1, "rolled_through": 0}])
    if _sqlite():
        for table in MOVED:
            _move(table, "main", INSIGHTS_SCHEMA)


def downgrade() -> None:
    if _sqlite():
        for table in MOVED:
            _move(table, INSIGHTS_SCHEMA, "main")
    op.drop_table("insight_roll", schema=INSIGHTS_SCHEMA if _sqlite() else None)
    op.drop_table("insight_backlog")
