"""The share facts of the outcomes export: per visit, the links shared on its lead after it and
before the lead's next visit (its next outcome that was not taken back, by any rep, whatever
the export's filters), and what the customer did with them. A share made before a lead's first
visit belongs to no visit; one made at the very instant of a visit belongs to that visit.

Read in bulk: one query per batch of exported rows, for the visits of that batch only (each
finds its shares through the lead's index, and its next visit through the lead's visits in
time order), so memory stays one batch however long the export.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, and_, bindparam, exists, func, or_, select

from app.core.db import table_of
from app.insights.raw_values import as_text, instant_of, uuid_text
from app.outcomes.models import Outcome
from app.shares.models import Share, ShareReading, ShareVisit


@dataclass(frozen=True)
class ShareFacts:
    shares: int
    opened: bool
    first_opened_at: datetime | None  # UTC
    seconds: int
    downloads: int


CHUNK = 500  # visits per query: a short list of ids keeps the export's memory flat


def share_facts(connection: Connection, outcome_ids: list[str]) -> dict[str, ShareFacts]:
    """The facts of the given visits (canonical ids) that have shares after them."""
    facts: dict[str, ShareFacts] = {}
    for start in range(0, len(outcome_ids), CHUNK):
        facts |= _share_facts(connection, outcome_ids[start : start + CHUNK])
    return facts


def _query() -> Select[Any]:
    visit, later = table_of(Outcome).alias("visit"), table_of(Outcome).alias("later")
    s, v, r = table_of(Share), table_of(ShareVisit), table_of(ShareReading)
    next_visit_first = exists().where(
        later.c.lead_id == visit.c.lead_id,
        later.c.retracted_at.is_(None),
        # A range on the lead's (lead_id, occurred_at) index: only the visits in between.
        later.c.occurred_at >= visit.c.occurred_at,
        later.c.occurred_at <= s.c.created_at,
        or_(later.c.occurred_at > visit.c.occurred_at, later.c.id > visit.c.id),
    )
    return (
        select(
            as_text(visit.c.id),
            func.count(s.c.id.distinct()),
            as_text(func.min(v.c.opened_at)),
            func.coalesce(func.sum(r.c.seconds), 0),
            func.coalesce(func.sum(r.c.downloads), 0),
        )
        .select_from(visit)
        .join(s, and_(s.c.lead_id == visit.c.lead_id, s.c.created_at >= visit.c.occurred_at))
        .outerjoin(v, v.c.share_id == s.c.id)
        .outerjoin(r, r.c.visit_id == v.c.id)
        .where(visit.c.id.in_(bindparam("ids", expanding=True)), ~next_visit_first)
        .group_by(visit.c.id)
    )


_QUERY = _query()  # built once: the export runs it for every few hundred rows


def _share_facts(connection: Connection, outcome_ids: list[str]) -> dict[str, ShareFacts]:
    ids = [uuid.UUID(i) for i in outcome_ids]
    facts = {}
    for outcome_id, shares, opened, seconds, downloads in connection.execute(_QUERY, {"ids": ids}):
        first = instant_of(opened) if opened is not None else None
        facts[uuid_text(outcome_id)] = ShareFacts(
            shares, first is not None, first, int(seconds), int(downloads)
        )
    return facts
