"""The counts behind an answer, read either from the aggregates or from the raw outcomes.

Both readers return the same `SummaryTallies` / `CollateralTallies`, so one builder turns
them into API answers and the tests can hold one against the other. The aggregate reader
answers when the filter names at most one of team/region/segment and no rep; otherwise (and
for the benchmark's baseline) the raw reader asks the outcome tables directly.
"""

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    FromClause,
    Select,
    and_,
    distinct,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlmodel import Session

from app.core.db import table_of
from app.insights.facts import campaign_key
from app.insights.models import (
    ANY_CAMPAIGN,
    InsightChip,
    InsightCollateral,
    InsightCollateralPage,
    InsightCount,
    InsightFact,
    InsightLeadVisit,
)
from app.insights.periods import (
    SECONDS_BUCKETS,
    WORD_BITS,
    WORDS,
    block_masks,
    decompose,
    seconds_bucket,
    week_start,
    weeks_of,
)
from app.insights.schemas import Filters
from app.outcomes.models import WON, Outcome, OutcomeCollateralFit, OutcomeCollateralView


@dataclass
class SummaryTallies:
    codes: Counter[tuple[str, str]] = field(default_factory=Counter)  # (campaign_key, code)
    trend: Counter[tuple[date, str]] = field(default_factory=Counter)  # (week, code)
    unique_leads: int = 0
    unique_by_campaign: dict[str, int] = field(default_factory=dict)
    chips: Counter[str] = field(default_factory=Counter)


@dataclass
class CollateralTallies:
    # (campaign_key, collateral_id) -> [viewed, won_viewed, fit_up, fit_down]
    items: dict[tuple[str, uuid.UUID], list[int]] = field(default_factory=dict)
    seconds: Counter[tuple[uuid.UUID, int]] = field(default_factory=Counter)
    pages: Counter[tuple[uuid.UUID, int]] = field(default_factory=Counter)
    codes: Counter[tuple[str, str]] = field(default_factory=Counter)  # (campaign_key, code)

    def add_item(self, key: tuple[str, uuid.UUID], values: list[int]) -> None:
        current = self.items.setdefault(key, [0, 0, 0, 0])
        for i, v in enumerate(values):
            current[i] += int(v or 0)


def aggregate_slice(filters: Filters) -> tuple[str, str] | None:
    """The (kind, value) slice of the aggregates that answers `filters`, or None (raw)."""
    named = [
        (kind, value)
        for kind, value in (
            ("team", filters.team),
            ("region", filters.region),
            ("segment", filters.segment),
        )
        if value is not None
    ]
    if filters.rep_id is not None or len(named) > 1:
        return None
    return named[0] if named else ("all", "")


# --- from the aggregates -----------------------------------------------------------------


def _sum_runs(
    session: Session,
    model: type[Any],
    group: tuple[str, ...],
    values: tuple[str, ...],
    where: list[ColumnElement[bool]],
    runs: list[Any],
) -> list[tuple[Any, ...]]:
    """SUM(values) over the runs of aligned periods, grouped by `group`, in one query.

    PostgreSQL ORs the runs' index ranges (bitmap scans). SQLite is given one range scan
    per run (a UNION ALL over the clustered key) and sums in SQL, so Python receives one
    row per group instead of one per group and run."""
    t = table_of(model)
    if not runs:
        return []
    keys = [t.c[g] for g in group]
    if session.get_bind().dialect.name == "postgresql":
        ranges = [
            and_(t.c.grain == run.grain, t.c.period.between(run.first, run.last)) for run in runs
        ]
        query = (
            select(*keys, *(func.sum(t.c[v]) for v in values))
            .where(*where, or_(*ranges))
            .group_by(*keys)
        )
        return [tuple(r) for r in session.execute(query)]
    per_run = [
        select(*keys, *(t.c[v] for v in values)).where(
            *where, t.c.grain == run.grain, t.c.period.between(run.first, run.last)
        )
        for run in runs
    ]
    u = union_all(*per_run).subquery()
    outer = [u.c[g] for g in group]
    query = select(*outer, *(func.sum(u.c[v]) for v in values)).group_by(*outer)
    return [tuple(r) for r in session.execute(query)]


def _slice_where(model: type[Any], kind: str, value: str, filters: Filters) -> list[Any]:
    t = table_of(model)
    where = [t.c.kind == kind, t.c.value == value]
    if filters.campaign_id is not None:
        where.append(t.c.campaign_key == campaign_key(filters.campaign_id))
    return where


def _visited_condition(filters: Filters) -> tuple[ColumnElement[bool], bool]:
    """Rows of `insight_lead_visit` with a visit in the period, and whether a lead can have
    more than one such row per campaign key (only for periods over two calendar years)."""
    t = table_of(InsightLeadVisit)
    per_block = []
    masks = block_masks(filters.start, filters.end)
    full = (1 << WORD_BITS) - 1
    for block, words in masks.items():
        # A short-circuit OR of per-word tests, whole words (a plain `<> 0`) first: most
        # visited leads are decided by the first word tested, and no bit arithmetic is needed.
        whole = [t.c[f"w{i}"] != 0 for i in range(WORDS) if words[i] == full]
        part = [
            t.c[f"w{i}"].bitwise_and(literal(words[i], BigInteger)) != 0
            for i in range(WORDS)
            if words[i] and words[i] != full
        ]
        if whole or part:
            per_block.append(and_(t.c.block == block, or_(*whole, *part)))
    return or_(*per_block), len(masks) > 1


def codes_from_aggregates(
    session: Session, filters: Filters, kind: str, value: str
) -> Counter[tuple[str, str]]:
    """Visits per (campaign key, code)."""
    codes: Counter[tuple[str, str]] = Counter()
    where = _slice_where(InsightCount, kind, value, filters)
    runs = decompose(filters.start, filters.end)
    for ck, code, n in _sum_runs(
        session, InsightCount, ("campaign_key", "code"), ("n",), where, runs
    ):
        codes[(ck, code)] += int(n)
    return codes


def summary_from_aggregates(
    session: Session, filters: Filters, kind: str, value: str
) -> SummaryTallies:
    tallies = SummaryTallies(codes=codes_from_aggregates(session, filters, kind, value))
    runs = decompose(filters.start, filters.end)
    where = _slice_where(InsightCount, kind, value, filters)
    for period, code, n in _sum_runs(
        session,
        InsightCount,
        ("period", "code"),
        ("n",),
        where,
        weeks_of(filters.start, filters.end),
    ):
        tallies.trend[(week_start(period), code)] += int(n)
    chip_where = _slice_where(InsightChip, kind, value, filters)
    for chip, n in _sum_runs(session, InsightChip, ("chip",), ("n",), chip_where, runs):
        tallies.chips[chip] += int(n)
    t = table_of(InsightLeadVisit)
    visited, several_blocks = _visited_condition(filters)
    counted = func.count(distinct(t.c.lead_id)) if several_blocks else func.count()
    # One scan answers both figures: the "any campaign" rows ("*", a lead counts once) give
    # the total, the others the per-campaign counts; with a campaign filter both are its rows.
    scope = [t.c.kind == kind, t.c.value == value, visited]
    if filters.campaign_id is not None:
        scope.append(t.c.campaign_key == campaign_key(filters.campaign_id))
    by_key = select(t.c.campaign_key, counted).where(*scope).group_by(t.c.campaign_key)
    unique = {ck: int(n) for ck, n in session.execute(by_key)}
    if filters.campaign_id is None:
        tallies.unique_leads = unique.pop(ANY_CAMPAIGN, 0)
    else:
        tallies.unique_leads = sum(unique.values())
    tallies.unique_by_campaign = unique
    return tallies


def collateral_from_aggregates(
    session: Session, filters: Filters, codes: Counter[tuple[str, str]]
) -> CollateralTallies:
    tallies = CollateralTallies(codes=codes)
    runs = decompose(filters.start, filters.end)
    ck = None if filters.campaign_id is None else campaign_key(filters.campaign_id)

    def scoped(model: type[Any]) -> list[ColumnElement[bool]]:
        return [] if ck is None else [table_of(model).c.campaign_key == ck]

    values = ("viewed", "won_viewed", "fit_up", "fit_down")
    buckets = tuple(f"s{i}" for i in range(len(SECONDS_BUCKETS)))
    for row_key, cid, *sums in _sum_runs(
        session,
        InsightCollateral,
        ("campaign_key", "collateral_id"),
        values + buckets,
        scoped(InsightCollateral),
        runs,
    ):
        tallies.add_item((row_key, cid), sums[:4])
        for bucket, n in zip(SECONDS_BUCKETS, sums[4:], strict=True):
            if n:
                tallies.seconds[(cid, bucket)] += int(n)
    page_query = ("collateral_id", "page")
    for cid, page, n in _sum_runs(
        session, InsightCollateralPage, page_query, ("n",), scoped(InsightCollateralPage), runs
    ):
        tallies.pages[(cid, int(page))] += int(n)
    return tallies


# --- from the raw outcomes ---------------------------------------------------------------


def day_bounds(filters: Filters) -> tuple[datetime, datetime]:
    start = datetime.combine(filters.start, time(), tzinfo=UTC)
    end = datetime.combine(filters.end + timedelta(days=1), time(), tzinfo=UTC)
    return start, end


def raw_scope(
    query: Select[Any],
    filters: Filters,
    *,
    fact_joined: bool = False,
    outcome: FromClause | None = None,
) -> Select[Any]:
    """Restrict a query over `outcome` (or an alias of it, for a subquery inside a query over
    `outcome`) to the filters (attributes at outcome time, from `insight_fact`, joined here
    unless the query has joined it already)."""
    o = (table_of(Outcome) if outcome is None else outcome).c
    start, end = day_bounds(filters)
    query = query.where(o.occurred_at >= start, o.occurred_at < end, o.retracted_at.is_(None))
    if filters.campaign_id is not None:
        query = query.where(o.campaign_id == filters.campaign_id)
    if filters.rep_id is not None:
        query = query.where(o.rep_id == filters.rep_id)
    attrs = {"team": filters.team, "region": filters.region, "segment": filters.segment}
    if any(v is not None for v in attrs.values()):
        f = table_of(InsightFact) if outcome is None else table_of(InsightFact).alias()
        if not fact_joined:
            query = query.join(f, f.c.outcome_id == o.id)
        query = query.where(*(f.c[k] == v for k, v in attrs.items() if v is not None))
    return query


def _day(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def raw_day_column(session: Session) -> ColumnElement[Any]:
    o = table_of(Outcome).c
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone("UTC", o.occurred_at))
    return func.date(o.occurred_at)


def codes_from_raw(session: Session, filters: Filters) -> Counter[tuple[str, str]]:
    o = table_of(Outcome).c
    codes: Counter[tuple[str, str]] = Counter()
    by_code = select(o.campaign_id, o.code, func.count()).group_by(o.campaign_id, o.code)
    for cid, code, n in session.execute(raw_scope(by_code, filters)):
        codes[(campaign_key(cid), code)] += int(n)
    return codes


def summary_from_raw(session: Session, filters: Filters) -> SummaryTallies:
    o = table_of(Outcome).c
    tallies = SummaryTallies(codes=codes_from_raw(session, filters))
    day = raw_day_column(session)
    by_day = select(day, o.code, func.count()).group_by(day, o.code)
    for d, code, n in session.execute(raw_scope(by_day, filters)):
        tallies.trend[(week_start(_day(d)), code)] += int(n)
    unique = select(func.count(distinct(o.lead_id)))
    tallies.unique_leads = int(session.execute(raw_scope(unique, filters)).scalar_one())
    per_campaign = select(o.campaign_id, func.count(distinct(o.lead_id))).group_by(o.campaign_id)
    tallies.unique_by_campaign = {
        campaign_key(cid): int(n) for cid, n in session.execute(raw_scope(per_campaign, filters))
    }
    details = select(o.details).execution_options(yield_per=20_000)
    for (chips,) in session.execute(raw_scope(details, filters)):
        for chip in set(chips or []):
            tallies.chips[chip] += 1
    return tallies


def collateral_from_raw(
    session: Session, filters: Filters, codes: Counter[tuple[str, str]]
) -> CollateralTallies:
    o = table_of(Outcome).c
    v = table_of(OutcomeCollateralView)
    fit = table_of(OutcomeCollateralFit)
    tallies = CollateralTallies(codes=codes)
    views = (
        select(o.campaign_id, v.c.collateral_id, o.code, v.c.seconds, v.c.pages)
        .select_from(table_of(Outcome).join(v, v.c.outcome_id == o.id))
        .execution_options(yield_per=20_000)
    )
    for cid, coll, code, seconds, pages in session.execute(raw_scope(views, filters)):
        tallies.add_item((campaign_key(cid), coll), [1, int(code == WON), 0, 0])
        tallies.seconds[(coll, seconds_bucket(int(seconds or 0)))] += 1
        for page in {p for p in pages or [] if isinstance(p, int) and 0 < p < 100_000}:
            tallies.pages[(coll, page)] += 1
    fits = (
        select(o.campaign_id, fit.c.collateral_id, fit.c.fit, func.count())
        .select_from(table_of(Outcome).join(fit, fit.c.outcome_id == o.id))
        .group_by(o.campaign_id, fit.c.collateral_id, fit.c.fit)
    )
    for cid, coll, verdict, n in session.execute(raw_scope(fits, filters)):
        up = int(n) if verdict == "up" else 0
        tallies.add_item((campaign_key(cid), coll), [0, 0, up, int(n) - up])
    return tallies
