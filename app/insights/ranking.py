"""Next-best collateral: a campaign's items ranked by how visits went when they were shown to
similar customers, for one lead.

Counts: a visit counts for an item when the rep opened it for the lead before the tap (the
item's `outcome_collateral_view` row); it is won when its outcome code is `won` (as in every
other insights figure). Segment and region are the lead's at outcome time (`insight_fact`),
retracted outcomes are not counted, and a new version of an item counts its predecessors'
visits.

Groups, narrowest first: the lead's segment, its region, the whole campaign. Per item, the
narrowest group with at least `MIN_SHOWN` shown visits is the evidence; an item with fewer in
every group has none (the phone then says nothing rather than a number).

Score: the evidence's won share shrunk toward the campaign average by empirical Bayes. The
prior is a beta distribution fitted to the campaign's items (campaign-wide counts) by the
method of moments: its mean is the pooled won share, its strength m = alpha + beta follows from the
intra-class correlation rho = 1 / (m + 1) estimated from how much more the items' shares spread
than binomial noise alone would make them (the weighted ANOVA estimator). No spread beyond
noise gives the largest strength: every item shrinks to the average and none is preferred.
The strength is kept within [PRIOR_MIN_STRENGTH, PRIOR_MAX_STRENGTH], so a handful of visits
never outweighs ten visits' worth of campaign average. An item without evidence scores the
average itself.

Order: marketing's explicit recommendations first, in marketing's order; then the other items
by score, best first, ties (and items without evidence, at the average) in marketing's
default order.
"""

import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, func, select
from sqlmodel import Session

from app.collateral.models import Collateral
from app.core.db import table_of
from app.insights.facts import campaign_key
from app.insights.models import InsightFact
from app.insights.schemas import CollateralEvidenceSync, RankingPriorSync
from app.leads.models import Lead
from app.outcomes.models import WON, OutcomeCollateralView

MIN_SHOWN = 10
PRIOR_MIN_STRENGTH = 10.0
PRIOR_MAX_STRENGTH = 10_000.0
SEGMENT, REGION, CAMPAIGN = "segment", "region", "campaign"
GROUPS = (SEGMENT, REGION, CAMPAIGN)
CACHE_SECONDS = 300.0
CACHE_CAMPAIGNS = 1000


@dataclass(frozen=True)
class Tally:
    shown: int = 0
    won: int = 0

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(self.shown + other.shown, self.won + other.won)


@dataclass(frozen=True)
class Prior:
    """Beta(mean · strength, (1 - mean) · strength)."""

    mean: float
    strength: float

    @property
    def alpha(self) -> float:
        return self.mean * self.strength

    @property
    def beta(self) -> float:
        return (1 - self.mean) * self.strength

    def shrunk(self, tally: Tally) -> float:
        """The posterior mean of the won share after `tally`."""
        return (tally.won + self.alpha) / (tally.shown + self.strength)


def fit_prior(tallies: Iterable[Tally]) -> Prior:
    """Method-of-moments beta prior over items (each item's campaign-wide tally)."""
    items = [t for t in tallies if t.shown > 0]
    total = sum(t.shown for t in items)
    if total == 0:
        return Prior(0.0, PRIOR_MAX_STRENGTH)
    mean = sum(t.won for t in items) / total
    noise = mean * (1 - mean)
    if len(items) < 2 or noise == 0:
        return Prior(mean, PRIOR_MAX_STRENGTH)
    # E[Σ n_i (p_i - p)²] = p(1 - p) · ((K - 1) + rho · (N - Σ n_i² / N))
    spread = sum(t.shown * (t.won / t.shown - mean) ** 2 for t in items)
    weight = total - sum(t.shown**2 for t in items) / total
    rho = (spread / noise - (len(items) - 1)) / weight if weight > 0 else 0.0
    if rho <= 0:
        return Prior(mean, PRIOR_MAX_STRENGTH)
    strength = 1 / rho - 1
    return Prior(mean, min(PRIOR_MAX_STRENGTH, max(PRIOR_MIN_STRENGTH, strength)))


@dataclass(frozen=True)
class Evidence:
    """An item's tally in the group it was measured in (`value`: the segment or region; ""
    for the campaign)."""

    collateral_id: uuid.UUID
    group: str
    value: str
    tally: Tally


@dataclass
class CampaignEvidence:
    """Per (group, value): per item, its tally; and the campaign's prior."""

    tallies: dict[tuple[str, str], dict[uuid.UUID, Tally]] = field(default_factory=dict)
    prior: Prior = field(default_factory=lambda: Prior(0.0, PRIOR_MAX_STRENGTH))

    def add(self, item: uuid.UUID, segment: str, region: str, tally: Tally) -> None:
        keys = [(CAMPAIGN, "")]
        if segment:
            keys.append((SEGMENT, segment))
        if region:
            keys.append((REGION, region))
        for key in keys:
            group = self.tallies.setdefault(key, {})
            group[item] = group.get(item, Tally()) + tally

    def fit(self) -> None:
        self.prior = fit_prior(self.tallies.get((CAMPAIGN, ""), {}).values())

    def evidence(self, item: uuid.UUID, segment: str, region: str) -> Evidence | None:
        """The narrowest group with at least MIN_SHOWN shown visits of the item."""
        for group, value in ((SEGMENT, segment), (REGION, region), (CAMPAIGN, "")):
            if group != CAMPAIGN and not value:
                continue
            tally = self.tallies.get((group, value), {}).get(item)
            if tally is not None and tally.shown >= MIN_SHOWN:
                return Evidence(item, group, value, tally)
        return None

    def measured(self) -> list[Evidence]:
        """Every (item, group) tally that can be evidence: what a phone needs to rank."""
        return [
            Evidence(item, group, value, tally)
            for (group, value), items in sorted(self.tallies.items())
            for item, tally in sorted(items.items())
            if tally.shown >= MIN_SHOWN
        ]


@dataclass(frozen=True)
class Ranked:
    collateral_id: uuid.UUID
    recommended: bool
    score: float
    evidence: Evidence | None


def rank(
    items: Sequence[uuid.UUID],
    recommended: Sequence[uuid.UUID],
    evidence: CampaignEvidence,
    *,
    segment: str,
    region: str,
) -> list[Ranked]:
    """`items` in marketing's default order; `recommended` in marketing's order (ids not in
    `items` are kept: marketing may recommend from another campaign)."""
    out: list[Ranked] = []
    seen: set[uuid.UUID] = set()
    for item in recommended:
        if item not in seen:
            seen.add(item)
            found = evidence.evidence(item, segment, region)
            score = evidence.prior.shrunk(found.tally) if found else evidence.prior.mean
            out.append(Ranked(item, True, score, found))
    rest: list[Ranked] = []
    for item in items:
        if item in seen:
            continue
        seen.add(item)
        found = evidence.evidence(item, segment, region)
        score = evidence.prior.shrunk(found.tally) if found else evidence.prior.mean
        rest.append(Ranked(item, False, score, found))
    rest.sort(key=lambda r: -r.score)  # stable: ties keep marketing's order
    return out + rest


def campaign_evidence(
    session: Session, campaign_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, CampaignEvidence]:
    """Shown and won visits per item, segment and region for each campaign, in one query."""
    keys = {campaign_key(cid): cid for cid in campaign_ids}
    result = {cid: CampaignEvidence() for cid in keys.values()}
    if not keys:
        return result
    f = table_of(InsightFact).c
    v = table_of(OutcomeCollateralView).c
    won = func.sum(case((f.code == WON, 1), else_=0))
    query = (
        select(f.campaign_key, v.collateral_id, f.segment, f.region, func.count(), won)
        .select_from(table_of(InsightFact).join(table_of(OutcomeCollateralView),
                                                v.outcome_id == f.outcome_id))
        .where(f.active.is_(True), f.campaign_key.in_(list(keys)))
        .group_by(f.campaign_key, v.collateral_id, f.segment, f.region)
    )  # fmt: skip
    current = _current_versions(session, keys.values())
    for ck, item, segment, region, shown, won_n in session.execute(query):
        tally = Tally(int(shown), int(won_n or 0))
        result[keys[ck]].add(current(item), segment, region, tally)
    for found in result.values():
        found.fit()
    return result


def _current_versions(
    session: Session, campaign_ids: Iterable[uuid.UUID]
) -> Callable[[uuid.UUID], uuid.UUID]:
    """Item -> its newest version: a new version of an item inherits the visits of the
    versions it replaces (marketing updates a price sheet, the customers stay the same)."""
    c = table_of(Collateral).c
    replaced = select(c.id, c.replaced_by_id).where(
        c.campaign_id.in_(list(campaign_ids)), c.replaced_by_id.is_not(None)
    )
    successor: dict[uuid.UUID, uuid.UUID] = {i: r for i, r in session.execute(replaced)}

    def current(item: uuid.UUID) -> uuid.UUID:
        for _ in range(len(successor)):  # a chain, never a cycle; bounded all the same
            if item not in successor:
                break
            item = successor[item]
        return item

    return current


@dataclass(frozen=True)
class HeldEvidence:
    """A campaign's evidence as one rep needs it: `groups` are the (segment, value) and
    (region, value) of the rep's leads in the campaign."""

    found: CampaignEvidence
    groups: frozenset[tuple[str, str]]


def evidence_for_rep(
    session: Session, rep_id: uuid.UUID, campaign_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, HeldEvidence]:
    """Evidence for the campaigns among `campaign_ids` in which the rep holds a lead."""
    lead = table_of(Lead).c
    held = select(lead.campaign_id, lead.segment, lead.region).distinct()
    held = held.where(lead.rep_id == rep_id, lead.campaign_id.in_(list(campaign_ids)))
    groups: dict[uuid.UUID, set[tuple[str, str]]] = {}
    for cid, segment, region in session.execute(held):
        groups.setdefault(cid, set()).update({(SEGMENT, segment), (REGION, region)})
    found = cached_campaign_evidence(session, groups)
    return {cid: HeldEvidence(found[cid], frozenset(g)) for cid, g in groups.items()}


_cache: dict[uuid.UUID, tuple[float, CampaignEvidence]] = {}


def cached_campaign_evidence(
    session: Session, campaign_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, CampaignEvidence]:
    """`campaign_evidence`, reused for CACHE_SECONDS: the query reads every shown visit of the
    campaigns, and a figure a few minutes old ranks as well."""
    now = time.monotonic()
    wanted = set(campaign_ids)
    fresh = {cid: hit[1] for cid in wanted if (hit := _cache.get(cid)) and hit[0] > now}
    missing = wanted - set(fresh)
    if missing:
        if len(_cache) > CACHE_CAMPAIGNS:
            _cache.clear()
        for cid, found in campaign_evidence(session, missing).items():
            _cache[cid] = (now + CACHE_SECONDS, found)
            fresh[cid] = found
    return fresh


def campaign_ranking(held: HeldEvidence | None, visible: set[uuid.UUID]) -> dict[str, Any]:
    """The `CampaignSync` fields a phone ranks the campaign's collateral by offline: the prior,
    and the evidence of the items in `visible` (those the rep may see) in the campaign and in
    the segments and regions of the rep's leads."""
    if held is None:
        return {}
    prior = held.found.prior
    return {
        "ranking_prior": RankingPriorSync(mean=prior.mean, strength=prior.strength),
        "collateral_evidence": [
            CollateralEvidenceSync(
                collateral_id=e.collateral_id,
                group=e.group,
                value=e.value,
                shown=e.tally.shown,
                won=e.tally.won,
            )
            for e in held.found.measured()
            if e.collateral_id in visible
            and (e.group == CAMPAIGN or (e.group, e.value) in held.groups)
        ],
    }
