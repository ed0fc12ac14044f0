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
from functools import cache
from typing import Any, Protocol

from sqlalchemy import (
    Table,
    select,
)
from sqlmodel import Session

from app.core.bulk import execute_rows
from app.core.db import table_of
from app.insights.facts import (
    FACT_TABLE,
    Fact,
    Key,
    dialect_of,
    insert_for,
    kind_values,
    record_facts,
    set_active,
    set_details,
)
from app.insights.models import (
    InsightChip,
    InsightCollateral,
    InsightCollateralPage,
    InsightCount,
    InsightFact,
)
from app.insights.periods import (
    GRAINS,
    SECONDS_BUCKETS,
    period_start,
    seconds_bucket,
)
from app.insights.visit_bits import flip_visit_bits, lock_leads
from app.outcomes.models import WON, Fit, Outcome, OutcomeCollateralFit, OutcomeCollateralView

KINDS = ("all", "team", "region", "segment")
COLLATERAL_VALUES = (
    "viewed", "won_viewed", "fit_up", "fit_down", *(f"s{i}" for i in range(len(SECONDS_BUCKETS)))
)  # fmt: skip
COLLATERAL_WIDTH = len(COLLATERAL_VALUES)


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


@cache
def _upsert_add(dialect: str, table: Table, keys: tuple[str, ...], values: tuple[str, ...]) -> Any:
    stmt = insert_for(dialect, table)
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
    stmt = _upsert_add(dialect_of(session), table, keys, values)
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
    lock_leads(session, (o.lead_id for o in unique))
    fact_t = table_of(InsightFact)
    existing = {
        row.outcome_id: Fact(**row._mapping)
        for row in session.execute(
            select(fact_t).where(fact_t.c.outcome_id.in_([o.id for o in unique]))
        )
    }
    if sign > 0:
        chips = {o.id: _chips(o) for o in unique}
        fresh = record_facts(session, [o.id for o in unique if o.id not in existing], facts, chips)
        again = [f for f in existing.values() if not f.active]
        set_active(session, [f.outcome_id for f in again], True)
        for fact in again:
            fact.details = chips[fact.outcome_id]
        set_details(session, [f for f in again if f.details])
        changed = fresh + again
    else:
        changed = [f for f in existing.values() if f.active]
        set_active(session, [f.outcome_id for f in changed], False)
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
    flip_visit_bits(session, changed, sign)


def _chips(outcome: "Tapped") -> list[str]:
    return sorted(set(outcome.details or []))


def on_amended(session: Session, outcomes: Sequence[Tapped]) -> None:
    """Count anew the chips of outcomes amended after the tap: each active fact's chips are
    taken back and the outcome's current ones added. Idempotent (a fact already counted with
    the current chips changes nothing); facts not recorded yet, or not active, are left alone
    (their +1 reads the current chips, their -1 takes back what was counted)."""
    current = {o.id: _chips(o) for o in outcomes}
    if not current:
        return
    session.flush()
    query = select(FACT_TABLE).where(
        FACT_TABLE.c.outcome_id.in_(list(current)), FACT_TABLE.c.active.is_(True)
    )
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
    set_details(session, changed)


def on_outcome(session: Session, outcome: Outcome, sign: int) -> None:
    """One outcome through the batch path (for callers outside a push)."""
    on_outcomes(session, [outcome], sign)
