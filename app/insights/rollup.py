"""Keeping the aggregates in step with outcomes.

`on_outcome` is registered in `app.outcomes.service.OUTCOME_LISTENERS`: it runs in the transaction
that stores (+1) or retracts (-1) an outcome and applies exactly the same contribution with the
opposite sign on retraction, read back from the outcome's `insight_fact` row. It is idempotent
per outcome: a second +1 for an active fact, or a -1 for an inactive or unknown one, changes
nothing, so the aggregates can never count a tap twice.

`app.insights.rebuild.rebuild_rollups` recomputes everything in bulk (for admins after a
restore, and for the benchmark's load); a test holds it against this incremental path.
"""

import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date
from typing import Any

from sqlalchemy import (
    Date,
    String,
    Table,
    case,
    cast,
    delete,
    func,
    insert,
    select,
    text,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, col

from app.auth.models import User
from app.insights.models import (
    ANY_CAMPAIGN,
    NO_CAMPAIGN,
    InsightChip,
    InsightCollateral,
    InsightCollateralPage,
    InsightCount,
    InsightFact,
    InsightLeadVisit,
)
from app.insights.periods import (
    GRAINS,
    SECONDS_BUCKETS,
    WORDS,
    day_bits,
    period_start,
    seconds_bucket,
)
from app.leads.models import Lead
from app.outcomes.models import Fit, Outcome, OutcomeCollateralFit, OutcomeCollateralView

WON = "won"
FOLLOW_UP = "follow_up"
KINDS = ("all", "team", "region", "segment")
COLLATERAL_VALUES = (
    "viewed", "won_viewed", "fit_up", "fit_down", *(f"s{i}" for i in range(len(SECONDS_BUCKETS)))
)  # fmt: skip
COLLATERAL_WIDTH = len(COLLATERAL_VALUES)

Key = tuple[Any, ...]


def campaign_key(campaign_id: uuid.UUID | None) -> str:
    return NO_CAMPAIGN if campaign_id is None else str(campaign_id)


def outcome_day(outcome: Outcome) -> date:
    return outcome.occurred_at.astimezone(UTC).date()


def kind_values(fact: InsightFact) -> list[tuple[str, str]]:
    """The (kind, value) slices an outcome counts in; an empty attribute has no slice."""
    pairs = [("all", ""), ("team", fact.team), ("region", fact.region), ("segment", fact.segment)]
    return [(kind, value) for kind, value in pairs if kind == "all" or value]


@dataclass
class Deltas:
    count: Counter[Key] = field(default_factory=Counter)
    chip: Counter[Key] = field(default_factory=Counter)
    collateral: dict[Key, list[int]] = field(default_factory=dict)
    page: Counter[Key] = field(default_factory=Counter)

    def add_collateral(self, key: Key, values: Sequence[int]) -> None:
        current = self.collateral.setdefault(key, [0] * COLLATERAL_WIDTH)
        for i, v in enumerate(values):
            current[i] += v


def add_outcome(deltas: Deltas, fact: InsightFact, chips: Iterable[str], sign: int) -> None:
    slices = kind_values(fact)
    distinct_chips = sorted(set(chips))
    for grain in GRAINS:
        period = period_start(fact.day, grain)
        for kind, value in slices:
            deltas.count[(kind, value, grain, period, fact.campaign_key, fact.code)] += sign
            for chip in distinct_chips:
                deltas.chip[(kind, value, grain, period, fact.campaign_key, chip)] += sign


def add_view(
    deltas: Deltas,
    fact: InsightFact,
    collateral_id: uuid.UUID,
    seconds: int,
    pages: Iterable[int],
    sign: int,
) -> None:
    won = sign if fact.code == WON else 0
    values = [sign, won, 0, 0] + [0] * len(SECONDS_BUCKETS)
    values[4 + SECONDS_BUCKETS.index(seconds_bucket(seconds))] = sign
    distinct_pages = sorted({p for p in pages if isinstance(p, int) and 0 < p < 100_000})
    for grain in GRAINS:
        base = (grain, period_start(fact.day, grain), fact.campaign_key, collateral_id)
        deltas.add_collateral(base, values)
        for page in distinct_pages:
            deltas.page[(*base, page)] += sign


def add_fit(
    deltas: Deltas, fact: InsightFact, collateral_id: uuid.UUID, fit: str, sign: int
) -> None:
    up, down = (sign, 0) if fit == Fit.up else (0, sign)
    for grain in GRAINS:
        base = (grain, period_start(fact.day, grain), fact.campaign_key, collateral_id)
        deltas.add_collateral(base, (0, 0, up, down))


# --- writing -----------------------------------------------------------------------------


def table_of(model: type[SQLModel]) -> Table:
    return model.__table__  # type: ignore[attr-defined]


def _insert_for(session: Session, table: Table) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def upsert_add(
    session: Session, table: Table, keys: Sequence[str], values: Sequence[str], rows: list[Key]
) -> None:
    """`INSERT ... ON CONFLICT (keys) DO UPDATE SET v = v + excluded.v` for every row.

    Rows are sorted by key, so concurrent PostgreSQL writers lock them in one order.
    """
    if not rows:
        return
    stmt = _insert_for(session, table)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(keys),
        set_={v: table.c[v] + stmt.excluded[v] for v in values},
    )
    names = [*keys, *values]
    session.execute(stmt, [dict(zip(names, row, strict=True)) for row in sorted(rows)])


def apply_deltas(session: Session, deltas: Deltas) -> None:
    count_keys = ("kind", "value", "grain", "period", "campaign_key")
    coll_keys = ("grain", "period", "campaign_key", "collateral_id")
    upsert_add(
        session,
        table_of(InsightCount),
        (*count_keys, "code"),
        ("n",),
        [(*k, n) for k, n in deltas.count.items() if n],
    )
    upsert_add(
        session,
        table_of(InsightChip),
        (*count_keys, "chip"),
        ("n",),
        [(*k, n) for k, n in deltas.chip.items() if n],
    )
    upsert_add(
        session,
        table_of(InsightCollateral),
        coll_keys,
        COLLATERAL_VALUES,
        [(*k, *v) for k, v in deltas.collateral.items() if any(v)],
    )
    upsert_add(
        session,
        table_of(InsightCollateralPage),
        (*coll_keys, "page"),
        ("n",),
        [(*k, n) for k, n in deltas.page.items() if n],
    )


def _lock_lead(session: Session, lead_id: uuid.UUID) -> None:
    """Serialise writers per lead on PostgreSQL (SQLite writers are serialised already), so
    the read-then-flip of a visit bit cannot race."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"insight:{lead_id}"}
        )


def _flip_visit_bits(session: Session, fact: InsightFact, sign: int) -> None:
    """Set (sign +1) or clear (-1) the fact's day in each slice's bitmaps (its campaign and
    "any campaign", both blocks holding the day), unless another active outcome of the same
    lead and day keeps that slice's day visited."""
    others = session.execute(
        select(
            col(InsightFact.campaign_key),
            col(InsightFact.team),
            col(InsightFact.region),
            col(InsightFact.segment),
        ).where(
            col(InsightFact.lead_id) == fact.lead_id,
            col(InsightFact.day) == fact.day,
            col(InsightFact.active).is_(True),
            col(InsightFact.outcome_id) != fact.outcome_id,
        )
    ).all()
    table = table_of(InsightLeadVisit)
    for kind, value in kind_values(fact):
        attr = {"all": None, "team": 1, "region": 2, "segment": 3}[kind]
        same = [o for o in others if attr is None or o[attr] == value]
        for campaign in (fact.campaign_key, ANY_CAMPAIGN):
            if any(campaign == ANY_CAMPAIGN or o[0] == campaign for o in same):
                continue
            for block, word, bit in day_bits(fact.day):
                column = table.c[f"w{word}"]
                key = {
                    "kind": kind,
                    "value": value,
                    "block": block,
                    "campaign_key": campaign,
                    "lead_id": fact.lead_id,
                }
                if sign > 0:
                    stmt = _insert_for(session, table)
                    words = {f"w{i}": (bit if i == word else 0) for i in range(WORDS)}
                    stmt = stmt.values(**key, **words).on_conflict_do_update(
                        index_elements=list(key), set_={column.name: column.bitwise_or(bit)}
                    )
                    session.execute(stmt)
                else:
                    session.execute(
                        update(table)
                        .where(*(table.c[k] == v for k, v in key.items()))
                        .values({column.name: column.bitwise_and(~bit)})
                    )


def _new_fact(session: Session, outcome: Outcome) -> InsightFact:
    lead = session.get(Lead, outcome.lead_id)
    rep = session.get(User, outcome.rep_id)
    return InsightFact(
        outcome_id=outcome.id,
        lead_id=outcome.lead_id,
        rep_id=outcome.rep_id,
        campaign_key=campaign_key(outcome.campaign_id),
        code=outcome.code,
        day=outcome_day(outcome),
        region=lead.region if lead else "",
        segment=lead.segment if lead else "",
        team=rep.team if rep else "",
    )


def on_outcome(session: Session, outcome: Outcome, sign: int) -> None:
    """The outcome listener: add (+1) or take back (-1) one outcome's contribution."""
    session.flush()
    _lock_lead(session, outcome.lead_id)
    fact = session.get(InsightFact, outcome.id)
    if sign > 0:
        if fact is not None and fact.active:
            return
        if fact is None:
            fact = _new_fact(session, outcome)
            session.add(fact)
        fact.active = True
    else:
        if fact is None or not fact.active:
            return
        fact.active = False
    session.flush()
    deltas = Deltas()
    add_outcome(deltas, fact, outcome.details or [], sign)
    for view in session.scalars(
        select(OutcomeCollateralView).where(col(OutcomeCollateralView.outcome_id) == outcome.id)
    ).all():
        add_view(deltas, fact, view.collateral_id, view.seconds, view.pages or [], sign)
    for fit in session.scalars(
        select(OutcomeCollateralFit).where(col(OutcomeCollateralFit.outcome_id) == outcome.id)
    ).all():
        add_fit(deltas, fact, fit.collateral_id, fit.fit, sign)
    apply_deltas(session, deltas)
    _flip_visit_bits(session, fact, sign)


# --- rebuilding (the aggregates themselves: app/insights/rebuild.py) -------------------

FACT_COLUMNS = (
    "outcome_id", "lead_id", "rep_id", "campaign_key", "code", "day", "region", "segment", "team",
    "active",
)  # fmt: skip


def rebuild_facts(session: Session) -> None:
    """Recreate `insight_fact` from the outcomes, with today's lead and rep attributes
    (one INSERT ... SELECT)."""
    session.execute(delete(InsightFact))
    o, lead, rep = table_of(Outcome), table_of(Lead), table_of(User)
    if session.get_bind().dialect.name == "postgresql":
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
    query = (
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
            true(),
        )
        .select_from(o)
        .outerjoin(lead, lead.c.id == o.c.lead_id)
        .outerjoin(rep, rep.c.id == o.c.rep_id)
        .where(o.c.retracted_at.is_(None))
    )
    session.execute(insert(table_of(InsightFact)).from_select(list(FACT_COLUMNS), query))
