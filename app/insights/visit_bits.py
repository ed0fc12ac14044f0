"""Which leads were visited on which days, as bitmaps (`insight_lead_visit`): set by an
outcome's +1, cleared by its -1 unless another active outcome of the same lead, day, campaign
and slice still holds the day.
"""

import uuid
from collections.abc import Iterable
from functools import cache
from typing import Any

from sqlalchemy import (
    bindparam,
    literal_column,
    select,
    text,
    update,
)
from sqlmodel import Session

from app.core.bulk import execute_rows
from app.core.db import table_of
from app.insights.facts import Fact, Key, dialect_of, insert_for, kind_values, slices_of
from app.insights.models import (
    ANY_CAMPAIGN,
    InsightFact,
    InsightLeadVisit,
)
from app.insights.periods import (
    WORDS,
    day_bits,
)


def lock_leads(session: Session, lead_ids: Iterable[uuid.UUID]) -> None:
    """Serialise writers per lead on PostgreSQL (SQLite writers are serialised already), so
    the read-then-clear of a visit bit cannot race. One query; the locks are taken in one
    order (sorted hashes), so two batches cannot deadlock on them."""
    if dialect_of(session) != "postgresql":
        return
    keys = sorted({f"insight:{lead_id}" for lead_id in lead_ids})
    if keys:
        session.execute(
            text(
                "SELECT pg_advisory_xact_lock(h) FROM"
                " (SELECT hashtext(k) AS h FROM unnest(CAST(:keys AS text[])) AS t(k)"
                " ORDER BY h) AS s"
            ),
            {"keys": keys},
        )


VISIT_KEYS = ("kind", "value", "block", "campaign_key", "lead_id")
WORD_COLUMNS = tuple(f"w{i}" for i in range(WORDS))
VisitKey = tuple[str, str, int, str, uuid.UUID]


def _visit_bits(facts: Iterable[Fact], keep: set[Key]) -> dict[int, dict[VisitKey, int]]:
    """Per word index, per visit bitmap row, the bits of the facts' days in each of their
    slices (their campaign and "any campaign"), leaving out (kind, value, campaign, lead, day)
    in `keep`."""
    by_word: dict[int, dict[VisitKey, int]] = {}
    for fact in facts:
        bits = day_bits(fact.day)
        for kind, value in kind_values(fact):
            for campaign in (fact.campaign_key, ANY_CAMPAIGN):
                if (kind, value, campaign, fact.lead_id, fact.day) in keep:
                    continue
                for block, word, bit in bits:
                    key = (kind, value, block, campaign, fact.lead_id)
                    rows = by_word.setdefault(word, {})
                    rows[key] = rows.get(key, 0) | bit
    return by_word


def _visited_by_others(session: Session, facts: list[Fact]) -> set[Key]:
    """(kind, value, campaign, lead, day) kept visited by active outcomes other than `facts`
    on the same lead and day (one indexed query on `insight_fact`)."""
    pairs = {(f.lead_id, f.day) for f in facts}
    t = table_of(InsightFact)
    rows = session.execute(
        select(t.c.lead_id, t.c.day, t.c.campaign_key, t.c.team, t.c.region, t.c.segment)
        .where(
            t.c.lead_id.in_({f.lead_id for f in facts}),
            t.c.day.in_({f.day for f in facts}),
            t.c.active.is_(True),
            t.c.outcome_id.not_in([f.outcome_id for f in facts]),
        )
        .distinct()
    )
    visited: set[Key] = set()
    for lead_id, day, campaign, team, region, segment in rows:
        if (lead_id, day) in pairs:
            for kind, value in slices_of(team, region, segment):
                visited.add((kind, value, campaign, lead_id, day))
                visited.add((kind, value, ANY_CAMPAIGN, lead_id, day))
    return visited


def flip_visit_bits(session: Session, facts: list[Fact], sign: int) -> None:
    """Set (+1) or clear (-1) the facts' days in their bitmaps, unless another active outcome
    of the same lead, day, campaign and slice has them visited (still). One statement per word
    touched (outcomes of a few days touch one or two), binding only that word, rows in key
    order."""
    # Setting a bit that another outcome set already changes nothing: only clearing must
    # spare the days other active outcomes still hold.
    keep = _visited_by_others(session, facts) if sign < 0 else set()
    dialect = dialect_of(session)
    for word, rows in sorted(_visit_bits(facts, keep).items()):
        column = WORD_COLUMNS[word]
        keys = sorted(rows, key=_visit_order)
        if sign > 0:
            bits = [(*k, rows[k]) for k in keys]
            execute_rows(session, _visit_set(dialect, column), bits, (*VISIT_KEYS, column))
        else:
            masks = [(*k, ~rows[k]) for k in keys]
            params = (*(f"k_{k}" for k in VISIT_KEYS), "mask")
            execute_rows(session, _visit_clear(column), masks, params)


def _visit_order(key: VisitKey) -> tuple[str, str, int, str, int]:
    """Key order (UUIDs compare by their integer; as a sort key that is C-speed)."""
    kind, value, block, campaign, lead_id = key
    return kind, value, block, campaign, lead_id.int


@cache
def _visit_set(dialect: str, column: str) -> Any:
    """Insert the row, or OR the bits into its word `column`; the other words start at 0."""
    table = table_of(InsightLeadVisit)
    stmt = insert_for(dialect, table).values(
        {w: literal_column("0") for w in WORD_COLUMNS if w != column}
    )
    return stmt.on_conflict_do_update(
        index_elements=list(VISIT_KEYS),
        set_={column: table.c[column].bitwise_or(stmt.excluded[column])},
    )


@cache
def _visit_clear(column: str) -> Any:
    table = table_of(InsightLeadVisit)
    return (
        update(table)
        .where(*(table.c[k] == bindparam(f"k_{k}") for k in VISIT_KEYS))
        .values({column: table.c[column].bitwise_and(bindparam("mask"))})
    )
