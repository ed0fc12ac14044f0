"""Keeping the aggregates in step with outcomes.

`on_outcomes` adds (+1) or takes back (-1) the contribution of many outcomes; the roller
(`app/insights/roller.py`) calls it for the oldest backlog entries, and tests call it directly.
A retraction applies exactly the same contribution with the opposite sign, read back from each
outcome's `insight_fact` row. It is idempotent per outcome: a second +1 for an active fact, or a
-1 for an inactive or unknown one, changes nothing, so the aggregates can never count a tap
twice. Each fact keeps the detail chips it was counted with (`insight_fact.details`): a
retraction takes back those, and `on_amended` (an outcome's chips were amended after the tap)
takes them back and counts the outcome's current ones. The cost is a fixed number of
statements per call (deltas summed in Python, one upsert per table), not a few round trips per
outcome. `on_outcome` runs one outcome through the same path.

`app.insights.rebuild.rebuild_rollups` recomputes everything in bulk (for admins after a
restore, and for the benchmark's load); a test holds it against this incremental path.
"""

import uuid
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any, Protocol

from sqlalchemy import (
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
    text,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from app.auth.models import User
from app.core.bulk import execute_rows
from app.core.db import table_of
from app.insights.models import (
    ANY_CAMPAIGN,
    NO_CAMPAIGN,
    InsightBacklog,
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


def add_outcome(deltas: Deltas, fact: Fact, chips: Iterable[str], sign: int) -> None:
    slices = kind_values(fact)
    for grain in GRAINS:
        period = period_start(fact.day, grain)
        for kind, value in slices:
            deltas.count[(kind, value, grain, period, fact.campaign_key, fact.code)] += sign
    add_chips(deltas, fact, chips, sign)


def add_chips(deltas: Deltas, fact: Fact, chips: Iterable[str], sign: int) -> None:
    slices = kind_values(fact)
    distinct_chips = sorted(set(chips))
    for grain in GRAINS:
        period = period_start(fact.day, grain)
        for kind, value in slices:
            for chip in distinct_chips:
                deltas.chip[(kind, value, grain, period, fact.campaign_key, chip)] += sign


def add_view(
    deltas: Deltas,
    fact: Fact,
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


def add_fit(deltas: Deltas, fact: Fact, collateral_id: uuid.UUID, fit: str, sign: int) -> None:
    up, down = (sign, 0) if fit == Fit.up else (0, sign)
    for grain in GRAINS:
        base = (grain, period_start(fact.day, grain), fact.campaign_key, collateral_id)
        deltas.add_collateral(base, (0, 0, up, down))


# --- writing -----------------------------------------------------------------------------


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _insert_for(dialect: str, table: Table) -> Any:
    return postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)


@cache
def _upsert_add(dialect: str, table: Table, keys: tuple[str, ...], values: tuple[str, ...]) -> Any:
    stmt = _insert_for(dialect, table)
    return stmt.on_conflict_do_update(
        index_elements=list(keys),
        set_={v: table.c[v] + stmt.excluded[v] for v in values},
    )


def upsert_add(
    session: Session, table: Table, keys: tuple[str, ...], values: tuple[str, ...], rows: list[Key]
) -> None:
    """`INSERT ... ON CONFLICT (keys) DO UPDATE SET v = v + excluded.v` for every row.

    Rows are sorted by key, so concurrent PostgreSQL writers lock them in one order.
    """
    if not rows:
        return
    stmt = _upsert_add(_dialect(session), table, keys, values)
    execute_rows(session, stmt, sorted(rows), (*keys, *values))


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


def _lock_leads(session: Session, lead_ids: Iterable[uuid.UUID]) -> None:
    """Serialise writers per lead on PostgreSQL (SQLite writers are serialised already), so
    the read-then-clear of a visit bit cannot race. One query; the locks are taken in one
    order (sorted hashes), so two batches cannot deadlock on them."""
    if _dialect(session) != "postgresql":
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


def _flip_visit_bits(session: Session, facts: list[Fact], sign: int) -> None:
    """Set (+1) or clear (-1) the facts' days in their bitmaps, unless another active outcome
    of the same lead, day, campaign and slice has them visited (still). One statement per word
    touched (outcomes of a few days touch one or two), binding only that word, rows in key
    order."""
    # Setting a bit that another outcome set already changes nothing: only clearing must
    # spare the days other active outcomes still hold.
    keep = _visited_by_others(session, facts) if sign < 0 else set()
    dialect = _dialect(session)
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
    stmt = _insert_for(dialect, table).values(
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


def _set_active(session: Session, ids: list[uuid.UUID], active: bool) -> None:
    if not ids:
        return
    fact_t = table_of(InsightFact)
    session.execute(update(fact_t).where(fact_t.c.outcome_id.in_(ids)).values(active=active))
    for obj in list(session.identity_map.values()):  # loaded facts must not keep stale flags
        if isinstance(obj, InsightFact) and obj.outcome_id in ids:
            session.expire(obj)


class Tapped(Protocol):
    """What the roll-up reads of an outcome (an `Outcome`, or a row of its columns)."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def lead_id(self) -> uuid.UUID: ...
    @property
    def details(self) -> Sequence[str] | None: ...


def on_outcomes(
    session: Session,
    outcomes: Sequence[Tapped],
    sign: int,
    facts: Mapping[uuid.UUID, Fact] | None = None,
) -> None:
    """Add (+1) or take back (-1) the contribution of many outcomes.

    A +1 records each outcome's fact: the one given in `facts` (taken when it was stored, by
    the backlog), else one read from the outcome, its lead and rep now. A fixed number of
    statements whatever the batch size: facts, views and fits are read with one query each,
    the deltas are summed in Python and written with one upsert per aggregate table (rows
    sorted by key).
    """
    unique = list({o.id: o for o in outcomes}.values())
    if not unique:
        return
    session.flush()
    _lock_leads(session, (o.lead_id for o in unique))
    fact_t = table_of(InsightFact)
    existing = {
        row.outcome_id: Fact(**row._mapping)
        for row in session.execute(
            select(fact_t).where(fact_t.c.outcome_id.in_([o.id for o in unique]))
        )
    }
    if sign > 0:
        chips = {o.id: _chips(o) for o in unique}
        fresh = _record_facts(session, [o.id for o in unique if o.id not in existing], facts, chips)
        again = [f for f in existing.values() if not f.active]
        _set_active(session, [f.outcome_id for f in again], True)
        for fact in again:
            fact.details = chips[fact.outcome_id]
        _set_details(session, [f for f in again if f.details])
        changed = fresh + again
    else:
        changed = [f for f in existing.values() if f.active]
        _set_active(session, [f.outcome_id for f in changed], False)
    if not changed:
        return
    facts = {f.outcome_id: f for f in changed}
    ids = list(facts)
    deltas = Deltas()
    # Outcomes of a push mostly share day, campaign, code, chips and slices: add each such
    # group once, weighted, instead of once per outcome.
    alike: dict[tuple[Any, ...], tuple[Fact, tuple[str, ...], int]] = {}
    for fact in changed:
        counted = tuple(sorted(set(fact.details)))
        key = (fact.team, fact.region, fact.segment, fact.day, fact.campaign_key, fact.code)
        first, _, n = alike.get((*key, counted), (fact, counted, 0))
        alike[(*key, counted)] = (first, counted, n + 1)
    for fact, counted, n in alike.values():
        add_outcome(deltas, fact, counted, sign * n)
    view_t, fit_t = table_of(OutcomeCollateralView), table_of(OutcomeCollateralFit)
    for view in session.execute(
        select(view_t.c.outcome_id, view_t.c.collateral_id, view_t.c.seconds, view_t.c.pages)
        .where(view_t.c.outcome_id.in_(ids))
    ):  # fmt: skip
        fact = facts[view.outcome_id]
        add_view(deltas, fact, view.collateral_id, view.seconds, view.pages or [], sign)
    for fit in session.execute(
        select(fit_t.c.outcome_id, fit_t.c.collateral_id, fit_t.c.fit)
        .where(fit_t.c.outcome_id.in_(ids))
    ):  # fmt: skip
        add_fit(deltas, facts[fit.outcome_id], fit.collateral_id, fit.fit, sign)
    apply_deltas(session, deltas)
    _flip_visit_bits(session, changed, sign)


def _chips(outcome: "Tapped") -> list[str]:
    return sorted(set(outcome.details or []))


def _record_facts(
    session: Session,
    ids: list[uuid.UUID],
    facts: Mapping[uuid.UUID, Fact] | None,
    chips: Mapping[uuid.UUID, list[str]],
) -> list[Fact]:
    if not ids:
        return []
    if facts is None:
        inserted = session.execute(_insert_facts_returning(_dialect(session)), {"ids": ids})
        return [Fact(**row._mapping) for row in inserted]
    given = [facts[i] for i in ids if i in facts]
    for fact in given:
        fact.details = chips[fact.outcome_id]
    rows = [tuple(getattr(f, c) for c in FACT_ROW_COLUMNS) for f in given]
    execute_rows(session, _INSERT_FACT, rows, FACT_ROW_COLUMNS)
    return given


_FACT = table_of(InsightFact)
_SET_DETAILS = (
    update(_FACT)
    .where(_FACT.c.outcome_id == bindparam("k_outcome_id"))
    .values(details=bindparam("details", type_=JSON))
)


def _set_details(session: Session, facts: Sequence[Fact]) -> None:
    if facts:
        rows = [(f.outcome_id, f.details) for f in facts]
        execute_rows(session, _SET_DETAILS, rows, ("k_outcome_id", "details"))


def on_amended(session: Session, outcomes: Sequence[Tapped]) -> None:
    """Count anew the chips of outcomes amended after the tap: each active fact's chips are
    taken back and the outcome's current ones added. Idempotent (a fact already counted with
    the current chips changes nothing); facts not recorded yet, or not active, are left alone
    (their +1 reads the current chips, their -1 takes back what was counted)."""
    current = {o.id: _chips(o) for o in outcomes}
    if not current:
        return
    session.flush()
    query = select(_FACT).where(_FACT.c.outcome_id.in_(list(current)), _FACT.c.active.is_(True))
    deltas = Deltas()
    changed = []
    for row in session.execute(query):
        fact = Fact(**row._mapping)
        now = current[fact.outcome_id]
        if sorted(set(fact.details)) == now:
            continue
        add_chips(deltas, fact, fact.details, -1)
        add_chips(deltas, fact, now, +1)
        fact.details = now
        changed.append(fact)
    apply_deltas(session, deltas)
    _set_details(session, changed)


def on_outcome(session: Session, outcome: Outcome, sign: int) -> None:
    """One outcome through the batch path (for callers outside a push)."""
    on_outcomes(session, [outcome], sign)


# --- rebuilding (the aggregates themselves: app/insights/rebuild.py) -------------------

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
    query = _facts_of(_dialect(session))
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
def backlog_facts(dialect: str) -> Any:
    """The backlog's +1 entries of the outcomes `:ids`, with their facts (as `_facts_of`)."""
    query = _outcome_facts(dialect, literal_column("1"))
    query = query.where(table_of(Outcome).c.id.in_(bindparam("ids", expanding=True)))
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
