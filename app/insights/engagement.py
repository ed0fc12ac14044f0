"""Engagement with one collateral item: in how many visits it was shown, for how long, which
pages, the reps' thumbs and how those visits went.

Read from the raw outcome tables, not the roll-ups: the roll-ups count viewed and won visits
per item but not every outcome code, and the split needs each visit's code anyway. The rows
of one item are found through the index on `outcome_collateral_view.collateral_id`, and the
same rows carry seconds and pages, so one query answers all but the thumbs (measured in
`bench/engagement_bench.py`). The definitions match the dashboard's collateral table: a
visit is a non-retracted outcome in the filter; the median is the lower bound of the
viewing-time bucket holding it; a page counts once per visit that showed it.
"""

import uuid
from collections import Counter

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlmodel import Session

from app.collateral.models import Collateral
from app.core.db import table_of
from app.insights.periods import SECONDS_BUCKETS, median_bucket, seconds_bucket
from app.insights.rollup import WON
from app.insights.schemas import Filters, FiltersPublic, PageCount
from app.insights.service import Lang, campaign_names, code_labels
from app.insights.stats import wilson
from app.insights.tallies import raw_scope
from app.outcomes.models import Outcome, OutcomeCollateralFit, OutcomeCollateralView

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


def engagement(
    session: Session, filters: Filters, item: Collateral, *, lang: Lang = "en"
) -> CollateralEngagement:
    o = table_of(Outcome).c
    v = table_of(OutcomeCollateralView)
    fit = table_of(OutcomeCollateralFit)
    views = (
        select(o.code, v.c.seconds, v.c.pages)
        .select_from(table_of(Outcome).join(v, v.c.outcome_id == o.id))
        .where(v.c.collateral_id == item.id)
    )
    codes: Counter[str] = Counter()
    seconds: Counter[int] = Counter()
    pages: Counter[int] = Counter()
    for code, shown_for, shown in session.execute(raw_scope(views, filters)):
        codes[code] += 1
        seconds[seconds_bucket(int(shown_for or 0))] += 1
        for page in {p for p in shown or [] if isinstance(p, int) and 0 < p < MAX_PAGE}:
            pages[page] += 1
    thumbs = (
        select(fit.c.fit, func.count())
        .select_from(table_of(Outcome).join(fit, fit.c.outcome_id == o.id))
        .where(fit.c.collateral_id == item.id)
        .group_by(fit.c.fit)
    )
    fits = {verdict: int(n) for verdict, n in session.execute(raw_scope(thumbs, filters))}
    visits = sum(codes.values())
    labels = code_labels(session, lang)
    order = [c for c in labels if codes[c]] + sorted(c for c in codes if c not in labels)
    return CollateralEngagement(
        filters=FiltersPublic(
            from_=filters.start,
            to=filters.end,
            campaign_id=filters.campaign_id,
            region=filters.region,
            segment=filters.segment,
            team=filters.team,
            rep_id=filters.rep_id,
        ),
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
