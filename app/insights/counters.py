"""Counter-collateral: after an objection, does the visit that follows go better when the item
answering it is shown?

For each current item that answers detail chips (`Collateral.answers`):
- objection visits: non-retracted outcomes within the filters (their day, campaign, region,
  segment, team and rep, as every insight) of the item's campaign logging a chip it answers;
- the next visit: the lead's next non-retracted outcome after it (any rep, also after the
  period's end). An objection visit without one yet counts on neither side (`awaiting`);
- shown: the item, or an earlier version of it, was viewed at that next visit;
- won share of the next visits with and without the item, each with its n, their difference
  with Newcombe's 95 % interval and a verdict, `too_few` below `MIN_VISITS_PER_SIDE` a side.

Reps choose when to show an item, so a difference is "associated with", never "caused by".
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from app.collateral.models import Collateral
from app.core.db import table_of
from app.core.stats import lift_verdict
from app.core.time import as_utc
from app.insights.counter_schemas import CounterFigures, CounterInsights
from app.insights.schemas import Filters
from app.insights.service import campaign_names, public_filters
from app.insights.tallies import raw_scope
from app.outcomes.models import Outcome, OutcomeCollateralView
from app.outcomes.service import After, NextVisit, id_chunks, next_visits


@dataclass(frozen=True, slots=True)
class _Objection:
    outcome_id: uuid.UUID
    lead_id: uuid.UUID
    campaign_id: uuid.UUID
    chips: frozenset[str]
    at: datetime


def _counter_items(session: Session, campaign_id: uuid.UUID | None) -> list[Collateral]:
    query = select(Collateral).where(
        col(Collateral.replaced_by_id).is_(None), col(Collateral.deleted_at).is_(None)
    )
    if campaign_id is not None:
        query = query.where(col(Collateral.campaign_id) == campaign_id)
    return [c for c in session.scalars(query) if c.answers]


def _objections(session: Session, filters: Filters, items: list[Collateral]) -> list[_Objection]:
    chips = {chip for item in items for chip in item.answers}
    o = table_of(Outcome).c
    query = select(o.id, o.lead_id, o.campaign_id, o.details, o.occurred_at).where(
        o.campaign_id.in_({item.campaign_id for item in items})
    )
    return [
        _Objection(oid, lead_id, campaign_id, frozenset(details), as_utc(at))
        for oid, lead_id, campaign_id, details, at in session.execute(raw_scope(query, filters))
        if chips.intersection(details)
    ]


def _next_visits(session: Session, objections: list[_Objection]) -> dict[uuid.UUID, NextVisit]:
    """Objection outcome id -> the lead's next visit (ties in time: the later id)."""
    moments = {ob.outcome_id: After(ob.lead_id, ob.at, ob.outcome_id) for ob in objections}
    return next_visits(session, moments)


def _shown(session: Session, outcome_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, set[uuid.UUID]]:
    v = table_of(OutcomeCollateralView).c
    shown: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for ids in id_chunks(outcome_ids):
        for oid, cid in session.execute(
            select(v.outcome_id, v.collateral_id).where(v.outcome_id.in_(ids))
        ):
            shown[oid].add(cid)
    return shown


def _versions(session: Session, items: list[Collateral]) -> dict[uuid.UUID, set[uuid.UUID]]:
    """Item id -> its id and the ids of the versions it replaced."""
    c = table_of(Collateral).c
    rows = session.execute(
        select(c.id, c.replaces_id).where(c.campaign_id.in_({i.campaign_id for i in items}))
    )
    replaces = {cid: old for cid, old in rows}
    versions: dict[uuid.UUID, set[uuid.UUID]] = {}
    for item in items:
        chain, at = {item.id}, replaces.get(item.id)
        while at is not None and at not in chain:
            chain.add(at)
            at = replaces.get(at)
        versions[item.id] = chain
    return versions


def _share(k: int, n: int) -> float | None:
    return k / n if n else None


def counters(session: Session, filters: Filters) -> CounterInsights:
    items = _counter_items(session, filters.campaign_id)
    objections = _objections(session, filters, items) if items else []
    following = _next_visits(session, objections)
    shown = _shown(session, (n.outcome_id for n in following.values()))
    versions = _versions(session, items) if items else {}
    names = campaign_names(session, {str(i.campaign_id) for i in items})
    figures = []
    for item in items:
        answered = [
            ob
            for ob in objections
            if ob.campaign_id == item.campaign_id and ob.chips.intersection(item.answers)
        ]
        sides = {True: [0, 0], False: [0, 0]}  # shown? -> [visits, won]
        for ob in answered:
            nxt = following.get(ob.outcome_id)
            if nxt is not None:
                side = sides[bool(shown.get(nxt.outcome_id, set()) & versions[item.id])]
                side[0] += 1
                side[1] += nxt.won
        (n1, k1), (n0, k0) = sides[True], sides[False]
        interval, verdict = lift_verdict(k1, n1, k0, n0)
        share1, share0 = _share(k1, n1), _share(k0, n0)
        figures.append(
            CounterFigures(
                collateral_id=item.id,
                title=item.title,
                campaign_id=item.campaign_id,
                campaign_name=names.get(str(item.campaign_id), ""),
                answers=item.answers,
                objection_visits=len(answered),
                awaiting_next_visit=len(answered) - n1 - n0,
                shown_visits=n1,
                shown_won=k1,
                won_share_shown=share1,
                not_shown_visits=n0,
                not_shown_won=k0,
                won_share_not_shown=share0,
                difference=None if share1 is None or share0 is None else share1 - share0,
                difference_low=interval.low if interval else None,
                difference_high=interval.high if interval else None,
                verdict=verdict,
            )
        )
    figures.sort(key=lambda f: (-f.objection_visits, f.title, str(f.collateral_id)))
    return CounterInsights(filters=public_filters(filters), source="raw", items=figures)
