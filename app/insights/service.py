"""Insights answers: tallies (aggregates or raw) turned into the figures marketing reads.

Definitions (the API documents them too):
- visits: non-retracted outcomes whose `occurred_at` falls on a UTC day in [from, to].
- region/segment are the lead's and team is the rep's *at outcome time*; rep and campaign are
  the outcome's own.
- unique leads: distinct leads among those visits.
- leads assigned: leads that match the filter today (campaign, region, segment, and their
  current rep and that rep's team); coverage = unique leads / leads assigned, so a lead that
  moved away from the filtered rep or region can lift it above 1.
- conversion = won / visits; follow-up rate = follow_up / visits.
- collateral lift: won share of visits where the item was viewed minus the won share of the
  other visits of the same campaigns (those where the item was viewed at least once).
"""

import uuid
from collections import Counter, defaultdict
from typing import Literal

from sqlalchemy import func, select
from sqlmodel import Session, col

from app.auth.models import User
from app.campaigns.models import Campaign, CampaignStatus
from app.collateral.models import Collateral
from app.core.stats import lift_verdict
from app.insights import tallies as t
from app.insights.facts import campaign_key
from app.insights.models import NO_CAMPAIGN
from app.insights.periods import median_bucket
from app.insights.schemas import (
    CampaignFigures,
    ChipCount,
    CodeCount,
    CollateralFigures,
    CollateralInsights,
    DeadStock,
    Figures,
    Filters,
    FiltersPublic,
    PageCount,
    Source,
    Summary,
    TrendWeek,
)
from app.leads.models import Lead
from app.outcomes.models import FOLLOW_UP, WON, OutcomeCode

Lang = Literal["en", "de"]
TOP_OBJECTIONS = 10


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def public_filters(filters: Filters) -> FiltersPublic:
    return FiltersPublic(
        from_=filters.start,
        to=filters.end,
        campaign_id=filters.campaign_id,
        region=filters.region,
        segment=filters.segment,
        team=filters.team,
        rep_id=filters.rep_id,
    )


def code_labels(session: Session, lang: Lang) -> dict[str, str]:
    codes = session.scalars(select(OutcomeCode).order_by(col(OutcomeCode.position))).all()
    return {c.code: (c.label_de if lang == "de" else c.label_en) for c in codes}


def campaign_names(session: Session, keys: set[str]) -> dict[str, str]:
    ids = [uuid.UUID(k) for k in keys if k != NO_CAMPAIGN]
    names = {NO_CAMPAIGN: ""}
    if ids:
        for cid, name in session.execute(
            select(col(Campaign.id), col(Campaign.name)).where(col(Campaign.id).in_(ids))
        ):
            names[str(cid)] = name
    return names


def leads_assigned(session: Session, filters: Filters) -> Counter[str]:
    """Leads matching the filter today, per campaign key."""
    query = select(col(Lead.campaign_id), func.count()).group_by(col(Lead.campaign_id))
    if filters.campaign_id is not None:
        query = query.where(col(Lead.campaign_id) == filters.campaign_id)
    if filters.region is not None:
        query = query.where(col(Lead.region) == filters.region)
    if filters.segment is not None:
        query = query.where(col(Lead.segment) == filters.segment)
    if filters.rep_id is not None:
        query = query.where(col(Lead.rep_id) == filters.rep_id)
    if filters.team is not None:
        query = query.join(User, col(User.id) == col(Lead.rep_id)).where(
            col(User.team) == filters.team
        )
    return Counter({campaign_key(cid): int(n) for cid, n in session.execute(query)})


def _figures(
    codes: Counter[str], unique: int, assigned: int, labels: dict[str, str]
) -> dict[str, object]:
    visits = sum(codes.values())
    order = [c for c in labels if codes.get(c)] + sorted(c for c in codes if c not in labels)
    return {
        "visits": visits,
        "unique_leads": unique,
        "leads_assigned": assigned,
        "coverage": _ratio(unique, assigned),
        "conversion": _ratio(codes.get(WON, 0), visits),
        "follow_up_rate": _ratio(codes.get(FOLLOW_UP, 0), visits),
        "codes": [
            CodeCount(
                code=c, label=labels.get(c, c), count=codes[c], share=_ratio(codes[c], visits)
            )
            for c in order
        ],
    }


def summary_tallies(
    session: Session, filters: Filters, *, raw: bool = False
) -> tuple[t.SummaryTallies, Source]:
    slice_ = None if raw else t.aggregate_slice(filters)
    if slice_ is None:
        return t.summary_from_raw(session, filters), "raw"
    return t.summary_from_aggregates(session, filters, *slice_), "aggregate"


def summary(session: Session, filters: Filters, *, lang: Lang = "en", raw: bool = False) -> Summary:
    """`raw=True` asks the outcome tables directly (the benchmark's baseline)."""
    tallies, source = summary_tallies(session, filters, raw=raw)
    labels = code_labels(session, lang)
    assigned = leads_assigned(session, filters)
    per_campaign: dict[str, Counter[str]] = defaultdict(Counter)
    totals: Counter[str] = Counter()
    for (ck, code), n in tallies.codes.items():
        if n:
            per_campaign[ck][code] += n
            totals[code] += n
    keys = set(per_campaign) | {k for k, n in assigned.items() if n}
    names = campaign_names(session, keys)
    campaigns = [
        CampaignFigures(
            campaign_id=uuid.UUID(ck) if ck else None,
            campaign_name=names.get(ck, ""),
            **_figures(
                per_campaign.get(ck, Counter()),
                tallies.unique_by_campaign.get(ck, 0),
                assigned.get(ck, 0),
                labels,
            ),
        )
        for ck in keys
    ]
    campaigns.sort(key=lambda row: (-row.visits, row.campaign_name, str(row.campaign_id)))
    weeks: dict[object, dict[str, int]] = defaultdict(dict)
    for (week, code), n in sorted(tallies.trend.items()):
        if n:
            weeks[week][code] = n
    chips = sorted(((c, n) for c, n in tallies.chips.items() if n), key=lambda x: (-x[1], x[0]))
    return Summary(
        filters=public_filters(filters),
        source=source,
        totals=Figures(**_figures(totals, tallies.unique_leads, sum(assigned.values()), labels)),
        trend=[TrendWeek(week=w, counts=c) for w, c in weeks.items()],
        campaigns=campaigns,
        top_objections=[ChipCount(chip=c, count=n) for c, n in chips[:TOP_OBJECTIONS]],
    )


def collateral_tallies(
    session: Session, filters: Filters, *, raw: bool = False
) -> tuple[t.CollateralTallies, Source]:
    """Collateral aggregates exist for all outcomes (optionally one campaign); any other
    filter reads the raw tables for the per-item part."""
    slice_ = None if raw else t.aggregate_slice(filters)
    if slice_ is None:
        return t.collateral_from_raw(session, filters, t.codes_from_raw(session, filters)), "raw"
    codes = t.codes_from_aggregates(session, filters, *slice_)
    if slice_ == ("all", ""):
        return t.collateral_from_aggregates(session, filters, codes), "aggregate"
    return t.collateral_from_raw(session, filters, codes), "raw"


def collateral(session: Session, filters: Filters, *, raw: bool = False) -> CollateralInsights:
    tallies, source = collateral_tallies(session, filters, raw=raw)
    visits: Counter[str] = Counter()
    won: Counter[str] = Counter()
    for (ck, code), n in tallies.codes.items():
        visits[ck] += n
        if code == WON:
            won[ck] += n
    per_item: dict[uuid.UUID, list[int]] = {}
    not_viewed: dict[uuid.UUID, list[int]] = {}
    for (ck, cid), (viewed, won_viewed, up, down) in tallies.items.items():
        item = per_item.setdefault(cid, [0, 0, 0, 0])
        for i, v in enumerate((viewed, won_viewed, up, down)):
            item[i] += v
        if viewed:
            other = not_viewed.setdefault(cid, [0, 0])
            other[0] += visits[ck] - viewed
            other[1] += won[ck] - won_viewed
    seconds: dict[uuid.UUID, dict[int, int]] = defaultdict(dict)
    for (cid, bucket), n in tallies.seconds.items():
        if n:
            seconds[cid][bucket] = n
    pages: dict[uuid.UUID, list[PageCount]] = defaultdict(list)
    for (cid, page), n in sorted(tallies.pages.items(), key=lambda kv: kv[0][1]):
        if n:
            pages[cid].append(PageCount(page=page, visits=n))
    ids = [cid for cid, v in per_item.items() if any(v)]
    meta: dict[uuid.UUID, Collateral] = {}
    if ids:
        found = session.scalars(select(Collateral).where(col(Collateral.id).in_(ids)))
        meta = {c.id: c for c in found}
    names = campaign_names(session, {str(c.campaign_id) for c in meta.values()})
    items = []
    for cid in ids:
        viewed, won_viewed, up, down = per_item[cid]
        other_visits, other_won = not_viewed.get(cid, [0, 0])
        conv_viewed = _ratio(won_viewed, viewed)
        conv_other = _ratio(other_won, other_visits)
        interval, verdict = lift_verdict(won_viewed, viewed, other_won, other_visits)
        c = meta.get(cid)
        items.append(
            CollateralFigures(
                collateral_id=cid,
                title=c.title if c else "",
                kind=c.kind if c else "",
                campaign_id=c.campaign_id if c else None,
                campaign_name=names.get(str(c.campaign_id), "") if c else "",
                is_current=c.is_current if c else False,
                viewed_visits=viewed,
                won_viewed=won_viewed,
                conversion_viewed=conv_viewed,
                visits_not_viewed=other_visits,
                conversion_not_viewed=conv_other,
                lift=None
                if conv_viewed is None or conv_other is None
                else conv_viewed - conv_other,
                lift_low=interval.low if interval else None,
                lift_high=interval.high if interval else None,
                lift_verdict=verdict,
                median_seconds=median_bucket(seconds.get(cid, {})),
                pages=pages.get(cid, []),
                fit_up=up,
                fit_down=down,
            )
        )
    items.sort(key=lambda row: (-row.viewed_visits, row.title, str(row.collateral_id)))
    return CollateralInsights(
        filters=public_filters(filters),
        source=source,
        items=items,
        dead_stock=dead_stock(session, filters, {cid for cid, v in per_item.items() if v[0]}),
    )


def dead_stock(session: Session, filters: Filters, opened: set[uuid.UUID]) -> list[DeadStock]:
    """Current collateral of live campaigns (the filtered one) that no visit viewed."""
    query = (
        select(Collateral, col(Campaign.name))
        .join(Campaign, col(Campaign.id) == col(Collateral.campaign_id))
        .where(
            col(Campaign.status) == CampaignStatus.live,
            col(Collateral.replaced_by_id).is_(None),
            col(Collateral.deleted_at).is_(None),
        )
        .order_by(col(Campaign.name), col(Collateral.title))
    )
    if filters.campaign_id is not None:
        query = query.where(col(Collateral.campaign_id) == filters.campaign_id)
    return [
        DeadStock(
            collateral_id=c.id,
            title=c.title,
            kind=c.kind,
            campaign_id=c.campaign_id,
            campaign_name=name,
        )
        for c, name in session.execute(query).tuples()
        if c.id not in opened
    ]
