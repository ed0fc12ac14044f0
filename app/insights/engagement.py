"""Engagement with one collateral item: in how many visits it was shown, for how long, which
pages, the reps' thumbs and how those visits went.

Read from the raw outcome tables, not the roll-ups: the roll-ups count viewed and won visits
per item but not every outcome code, and the split needs each visit's code anyway. The item's
views and thumbs are read through their `collateral_id` indexes first, then their outcomes
by primary key with the filters applied. (As one join, both databases' planners drive it from
the outcomes of the period, or of the campaign, and read far more rows than the item has: see
`bench/engagement_bench.py`.) The definitions match the dashboard's collateral table: a
visit is a non-retracted outcome in the filter; the median is the lower bound of the
viewing-time bucket holding it; a page counts once per visit that showed it.
"""

import uuid
from collections import Counter

from pydantic import BaseModel
from sqlalchemy import select
from sqlmodel import Session

from app.collateral.models import Collateral
from app.core.db import table_of
from app.core.stats import wilson
from app.insights.periods import SECONDS_BUCKETS, median_bucket, seconds_bucket
from app.insights.schemas import Filters, FiltersPublic, PageCount
from app.insights.service import Lang, campaign_names, code_labels, public_filters
from app.insights.tallies import raw_scope
from app.outcomes.models import WON, Outcome, OutcomeCollateralFit, OutcomeCollateralView
from app.outcomes.service import ID_LIST, id_chunks

CHUNK = ID_LIST  # ids per IN list

# Pages above this are not pages (a phone's bug or a forged push); the roll-up ignores them too.
MAX_PAGE = 100_000


class SecondsCount(BaseModel):
    seconds: int  # lower bound of the bucket; it holds values up to the next bucket's bound
    visits: int


class OutcomeShare(BaseModel):
    code: str
    label: str
    count: int
    share: float | None  # count / visits where shown
    # 95 % Wilson interval of the share; None without visits.
    share_low: float | None
    share_high: float | None


class CollateralEngagement(BaseModel):
    filters: FiltersPublic
    collateral_id: uuid.UUID
    title: str
    kind: str
    campaign_id: uuid.UUID
    campaign_name: str
    is_current: bool
    visits: int  # visits in the filter where the item was shown (the n of every share)
    median_seconds: int | None
    seconds: list[SecondsCount]  # every bucket, in order, including empty ones
    pages: list[PageCount]  # pages shown at least once, by page number
    fit_up: int
    fit_down: int
    outcomes: list[OutcomeShare]  # codes seen with the item, in the buttons' order
    won: OutcomeShare  # the won share of those visits, also when none was won


def _share(count: int, visits: int, code: str, label: str) -> OutcomeShare:
    interval = wilson(count, visits)
    return OutcomeShare(
        code=code,
        label=label,
        count=count,
        share=count / visits if visits else None,
        share_low=interval.low if interval else None,
        share_high=interval.high if interval else None,
    )


def _codes_in_scope(
    session: Session, filters: Filters, ids: set[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """The code of each of these outcomes that lies in the filter (by primary key, in chunks
    that keep clear of the databases' limits on bound parameters)."""
    o = table_of(Outcome).c
    found: dict[uuid.UUID, str] = {}
    for chunk in id_chunks(ids, CHUNK):
        query = select(o.id, o.code).where(o.id.in_(chunk))
        found.update((oid, code) for oid, code in session.execute(raw_scope(query, filters)))
    return found


def engagement(
    session: Session, filters: Filters, item: Collateral, *, lang: Lang = "en"
) -> CollateralEngagement:
    v = table_of(OutcomeCollateralView).c
    fit = table_of(OutcomeCollateralFit).c
    views = session.execute(
        select(v.outcome_id, v.seconds, v.pages).where(v.collateral_id == item.id)
    ).all()
    thumbs = session.execute(
        select(fit.outcome_id, fit.fit).where(fit.collateral_id == item.id)
    ).all()
    scope = _codes_in_scope(session, filters, {r[0] for r in views} | {r[0] for r in thumbs})
    codes: Counter[str] = Counter()
    seconds: Counter[int] = Counter()
    pages: Counter[int] = Counter()
    for outcome_id, shown_for, shown in views:
        if outcome_id not in scope:
            continue
        codes[scope[outcome_id]] += 1
        seconds[seconds_bucket(int(shown_for or 0))] += 1
        for page in {p for p in shown or [] if isinstance(p, int) and 0 < p < MAX_PAGE}:
            pages[page] += 1
    fits = Counter(verdict for outcome_id, verdict in thumbs if outcome_id in scope)
    visits = sum(codes.values())
    labels = code_labels(session, lang)
    order = [c for c in labels if codes[c]] + sorted(c for c in codes if c not in labels)
    return CollateralEngagement(
        filters=public_filters(filters),
        collateral_id=item.id,
        title=item.title,
        kind=item.kind,
        campaign_id=item.campaign_id,
        campaign_name=campaign_names(session, {str(item.campaign_id)}).get(
            str(item.campaign_id), ""
        ),
        is_current=item.is_current,
        visits=visits,
        median_seconds=median_bucket(dict(seconds)),
        seconds=[SecondsCount(seconds=b, visits=seconds[b]) for b in SECONDS_BUCKETS],
        pages=[PageCount(page=p, visits=pages[p]) for p in sorted(pages)],
        fit_up=fits.get("up", 0),
        fit_down=fits.get("down", 0),
        outcomes=[_share(codes[c], visits, c, labels.get(c, c)) for c in order],
        won=_share(codes[WON], visits, WON, labels.get(WON, WON)),
    )
