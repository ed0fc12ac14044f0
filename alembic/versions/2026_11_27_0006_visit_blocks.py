"""visit bitmaps: each day in one block

Blocks of `insight_lead_visit` used to start on every year, so each day was stored twice
(blocks year-1 and year). They now start on even years only. An even block already holds
every day of its two years, so the upgrade drops the odd blocks; the downgrade derives them
back from the even ones.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 06:40:00
"""

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEYS = ("kind", "value", "block", "campaign_key", "lead_id")
WORDS = 12
WORD_BITS = 62


def upgrade() -> None:
    op.execute("DELETE FROM insight_lead_visit WHERE block % 2 = 1")


def _days(year: int) -> int:
    return (date(year + 1, 1, 1) - date(year, 1, 1)).days


def _number(words: Sequence[int]) -> int:
    return sum(w << (WORD_BITS * i) for i, w in enumerate(words))


def _words(number: int) -> list[int]:
    return [(number >> (WORD_BITS * i)) & ((1 << WORD_BITS) - 1) for i in range(WORDS)]


def downgrade() -> None:
    bind = op.get_bind()
    words = [f"w{i}" for i in range(WORDS)]
    table = sa.table("insight_lead_visit", *(sa.column(c) for c in (*KEYS, *words)))
    odd: dict[tuple[object, ...], int] = {}
    for row in bind.execute(sa.select(table).where(table.c.block % 2 == 0)):
        kind, value, block, campaign, lead = row[:5]
        bits = _number(row[5:])
        first, second = _days(block), _days(block + 1)
        # Year `block` is the second year of block-1; year block+1 the first of block+1.
        before = (kind, value, block - 1, campaign, lead)
        odd[before] = odd.get(before, 0) | ((bits & ((1 << first) - 1)) << _days(block - 1))
        after = (kind, value, block + 1, campaign, lead)
        odd[after] = odd.get(after, 0) | ((bits >> first) & ((1 << second) - 1))
    rows = [
        dict(zip((*KEYS, *words), (*key, *_words(bits)), strict=True))
        for key, bits in odd.items()
        if bits
    ]
    if rows:
        op.bulk_insert(table, rows)
