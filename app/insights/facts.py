"""The `insight_fact` rows: what each outcome counts in (its day, campaign, code, chips, and the
lead's and rep's slices), kept so a retraction takes back exactly what was added; and how
they are read from the outcomes in bulk (a rebuild, the backlog).
"""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import (
    CTE,
    JSON,
    Date,
    String,
    Table,
    bindparam,
    case,
    cast,
    delete,
    func,
    insert,
    literal_column,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from app.auth.models import User
from app.core.bulk import execute_rows
from app.core.db import table_of
from app.insights.models import (
    NO_CAMPAIGN,
    InsightBacklog,
    InsightFact,
)
from app.leads.models import Lead
from app.outcomes.models import Outcome

Key = tuple[Any, ...]


def campaign_key(campaign_id: uuid.UUID | None) -> str:
    return NO_CAMPAIGN if campaign_id is None else str(campaign_id)


@dataclass(slots=True)
class Fact:
    """An `insight_fact` row as a plain object (building ORM instances costs more than the
    whole rollup of a push)."""

    outcome_id: uuid.UUID
    lead_id: uuid.UUID
    rep_id: uuid.UUID
    campaign_key: str
    code: str
    day: date
    region: str
    segment: str
    team: str
    active: bool = True
    details: list[str] = field(default_factory=list)  # the chips it is counted with


def kind_values(fact: Fact) -> list[tuple[str, str]]:
    """The (kind, value) slices an outcome counts in; an empty attribute has no slice."""
    return slices_of(fact.team, fact.region, fact.segment)


def slices_of(team: str, region: str, segment: str) -> list[tuple[str, str]]:
    pairs = [("all", ""), ("team", team), ("region", region), ("segment", segment)]
    return [(kind, value) for kind, value in pairs if kind == "all" or value]


def dialect_of(session: Session) -> str:
    return session.get_bind().dialect.name


def insert_for(dialect: str, table: Table) -> Any:
    return postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)


def set_active(session: Session, ids: list[uuid.UUID], active: bool) -> None:
    if not ids:
        return
    fact_t = table_of(InsightFact)
    session.execute(update(fact_t).where(fact_t.c.outcome_id.in_(ids)).values(active=active))
    for obj in list(session.identity_map.values()):  # loaded facts must not keep stale flags
        if isinstance(obj, InsightFact) and obj.outcome_id in ids:
            session.expire(obj)


def record_facts(
    session: Session,
    ids: list[uuid.UUID],
    facts: Mapping[uuid.UUID, Fact] | None,
    chips: Mapping[uuid.UUID, list[str]],
) -> list[Fact]:
    if not ids:
        return []
    if facts is None:
        inserted = session.execute(_insert_facts_returning(dialect_of(session)), {"ids": ids})
        return [Fact(**row._mapping) for row in inserted]
    given = [facts[i] for i in ids if i in facts]
    for fact in given:
        fact.details = chips[fact.outcome_id]
    rows = [tuple(getattr(f, c) for c in FACT_ROW_COLUMNS) for f in given]
    execute_rows(session, _INSERT_FACT, rows, FACT_ROW_COLUMNS)
    return given


FACT_TABLE = table_of(InsightFact)
_SET_DETAILS = (
    update(FACT_TABLE)
    .where(FACT_TABLE.c.outcome_id == bindparam("k_outcome_id"))
    .values(details=bindparam("details", type_=JSON))
)


def set_details(session: Session, facts: Sequence[Fact]) -> None:
    if facts:
        rows = [(f.outcome_id, f.details) for f in facts]
        execute_rows(session, _SET_DETAILS, rows, ("k_outcome_id", "details"))


FACT_COLUMNS = (
    "outcome_id", "lead_id", "rep_id", "campaign_key", "code", "day", "region", "segment", "team",
    "active",
)  # fmt: skip
# An `insight_fact` row: the above (also a backlog entry's, without `active`) and the chips.
FACT_ROW_COLUMNS = (*FACT_COLUMNS, "details")


_INSERT_FACT = insert(table_of(InsightFact))


def rebuild_facts(session: Session) -> None:
    """Recreate `insight_fact` from the outcomes, with today's lead and rep attributes
    (one INSERT ... SELECT)."""
    session.execute(delete(InsightFact))
    query = _facts_of(dialect_of(session))
    session.execute(insert(table_of(InsightFact)).from_select(FACT_ROW_COLUMNS, query))


@cache
def _insert_facts_returning(dialect: str) -> Any:
    """Facts for the outcomes `:ids`, inserted and returned by one statement."""
    o, fact_t = table_of(Outcome), table_of(InsightFact)
    query = _facts_of(dialect).where(o.c.id.in_(bindparam("ids", expanding=True)))
    return insert(fact_t).from_select(FACT_ROW_COLUMNS, query).returning(*fact_t.c)


@cache
def _facts_of(dialect: str) -> Any:
    """The fact of every outcome not retracted: lead and rep attributes as they are now, the
    UTC day and the campaign key as the database computes them, and its chips."""
    return _outcome_facts(dialect, true(), with_details=True)


@cache
def backlog_facts(dialect: str, mark: CTE | None = None) -> Any:
    """The backlog's +1 entries of the outcomes `:ids`, with their facts (as `_facts_of`);
    `mark`: joined into the rows (app/core/numbering.py `draw_marked`)."""
    query = _outcome_facts(dialect, literal_column("1"))
    query = query.where(table_of(Outcome).c.id.in_(bindparam("ids", expanding=True)))
    if mark is not None:
        query = query.join(mark, true())
    columns = (*FACT_COLUMNS[:-1], "sign")
    return insert(table_of(InsightBacklog)).from_select(columns, query)


def _outcome_facts(dialect: str, last: Any, *, with_details: bool = False) -> Any:
    o, lead, rep = table_of(Outcome), table_of(Lead), table_of(User)
    if dialect == "postgresql":
        day: Any = cast(func.timezone("UTC", o.c.occurred_at), Date)
        key: Any = func.coalesce(cast(o.c.campaign_id, String), "")
    else:  # SQLite keeps UTC text and UUIDs as 32 hex digits
        day = func.date(o.c.occurred_at)
        h = o.c.campaign_id
        parts = [func.substr(h, 1, 8), func.substr(h, 9, 4), func.substr(h, 13, 4),
                 func.substr(h, 17, 4), func.substr(h, 21, 12)]  # fmt: skip
        dashed: Any = parts[0]
        for part in parts[1:]:
            dashed = dashed.concat("-").concat(part)
        key = case((h.is_(None), ""), else_=func.lower(dashed))
    return (
        select(
            o.c.id,
            o.c.lead_id,
            o.c.rep_id,
            key,
            o.c.code,
            day,
            func.coalesce(lead.c.region, ""),
            func.coalesce(lead.c.segment, ""),
            func.coalesce(rep.c.team, ""),
            last,
            *([o.c.details] if with_details else []),
        )
        .select_from(o)
        .outerjoin(lead, lead.c.id == o.c.lead_id)
        .outerjoin(rep, rep.c.id == o.c.rep_id)
        .where(o.c.retracted_at.is_(None))
    )
