"""Per collateral item, how sharing it went: shared N times, opened M (with its Wilson
interval), the median reading time of the opened shares, how many pages were read, and how
the lead's next visit after the share went.

The next visit of a share is the lead's first non-retracted outcome after the share was made
(any rep), as the counter-collateral insight defines the visit after an objection; it is won
when its code is `won`, the conversion of every insight. A share without one yet counts on
neither side. Opened means the customer opened the link before that next visit: reading
after it cannot have shaped it.

Every rate comes with its n and its Wilson 95 % interval, and with `too_few` below
`MIN_VISITS_PER_SIDE`. Nothing here claims that sharing or reading caused an outcome: reps
choose whom they share with, and a customer who reads may have been keener to begin with.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from statistics import median

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.collateral.models import Collateral
from app.core.stats import MIN_VISITS_PER_SIDE, LiftVerdict, lift_verdict, wilson
from app.core.time import as_utc
from app.outcomes.service import After, NextVisit, id_chunks
from app.outcomes.service import next_visits as outcome_next_visits
from app.shares.models import Share, ShareReading, ShareVisit


@dataclass(frozen=True)
class ShareFilters:
    """Shares made on UTC days `start`..`end` (inclusive; None: unbounded), of one campaign."""

    start: date | None = None
    end: date | None = None
    campaign_id: uuid.UUID | None = None


def filtered_shares(filters: ShareFilters) -> SelectOfScalar[Share]:
    query = select(Share)
    if filters.start is not None:
        since = datetime.combine(filters.start, time.min, tzinfo=UTC)
        query = query.where(col(Share.created_at) >= since)
    if filters.end is not None:
        until = datetime.combine(filters.end + timedelta(days=1), time.min, tzinfo=UTC)
        query = query.where(col(Share.created_at) < until)
    if filters.campaign_id is not None:
        query = query.where(col(Share.campaign_id) == filters.campaign_id)
    return query


def next_visits(session: Session, shares: list[Share]) -> dict[uuid.UUID, NextVisit]:
    """Share id -> the lead's first visit not taken back after the share was made (a visit at
    the very instant of the share came before it)."""
    return outcome_next_visits(session, {s.id: After(s.lead_id, s.created_at) for s in shares})


class NextVisitRate(BaseModel):
    """Of `visits` shares with a next visit, `won` were won: the rate, its Wilson 95 %
    interval, and `too_few` when n is below the minimum sample (the rate is then noise)."""

    visits: int
    won: int
    rate: float | None
    low: float | None
    high: float | None
    too_few: bool


def _rate(won: int, n: int) -> NextVisitRate:
    interval = wilson(won, n)
    return NextVisitRate(
        visits=n,
        won=won,
        rate=won / n if n else None,
        low=interval.low if interval else None,
        high=interval.high if interval else None,
        too_few=n < MIN_VISITS_PER_SIDE,
    )


class ShareItemInsight(BaseModel):
    collateral_id: uuid.UUID
    title: str
    campaign_id: uuid.UUID | None  # the item's campaign (None once the item is gone)
    shared: int  # shares that held the item (n)
    opened: int  # of those, shares whose page was opened
    opened_low: float | None  # Wilson 95 % interval of opened / shared
    opened_high: float | None
    median_seconds: int | None  # over the opened shares: seconds on this item per share
    pages_read: int  # distinct pages of the item read in any share
    awaiting_next_visit: int  # shares of the item whose lead has no visit since
    next_visit: NextVisitRate  # every share of the item with a next visit
    next_visit_opened: NextVisitRate  # ... opened before that visit
    next_visit_not_opened: NextVisitRate  # ... not opened before it
    # opened minus not opened, its 95 % interval (Newcombe) and verdict as every lift has.
    opened_difference: float | None
    opened_difference_low: float | None
    opened_difference_high: float | None
    opened_verdict: LiftVerdict


def _first_openings(session: Session, share_ids: list[uuid.UUID]) -> dict[uuid.UUID, datetime]:
    out: dict[uuid.UUID, datetime] = {}
    for ids in id_chunks(share_ids):
        query = (
            select(ShareVisit.share_id, func.min(ShareVisit.opened_at))
            .where(col(ShareVisit.share_id).in_(ids))
            .group_by(col(ShareVisit.share_id))
        )
        for share_id, first in session.execute(query):
            out[share_id] = as_utc(first)
    return out


def _seconds_and_pages(
    session: Session, share_ids: list[uuid.UUID]
) -> tuple[dict[tuple[uuid.UUID, uuid.UUID], int], dict[uuid.UUID, set[int]]]:
    seconds: dict[tuple[uuid.UUID, uuid.UUID], int] = defaultdict(int)
    pages: dict[uuid.UUID, set[int]] = defaultdict(set)
    for ids in id_chunks(share_ids):
        rows = session.execute(
            select(
                ShareVisit.share_id,
                ShareReading.collateral_id,
                ShareReading.page,
                func.sum(ShareReading.seconds),
            )
            .join(ShareVisit, col(ShareVisit.id) == col(ShareReading.visit_id))
            .where(col(ShareVisit.share_id).in_(ids))
            .group_by(
                col(ShareVisit.share_id), col(ShareReading.collateral_id), col(ShareReading.page)
            )
        )
        for share_id, item, page, total in rows:
            seconds[(share_id, item)] += int(total or 0)
            if page > 0 and total:
                pages[item].add(page)
    return seconds, pages


def share_insights(session: Session, filters: ShareFilters | None = None) -> list[ShareItemInsight]:
    shares = list(session.exec(filtered_shares(filters or ShareFilters())))
    ids = [s.id for s in shares]
    first_open = _first_openings(session, ids)
    seconds, pages = _seconds_and_pages(session, ids)
    following = next_visits(session, shares)
    held: dict[uuid.UUID, list[Share]] = defaultdict(list)
    for share in shares:
        for item in share.collateral_ids:
            held[uuid.UUID(item)].append(share)
    query = select(Collateral.id, Collateral.title, Collateral.campaign_id).where(
        col(Collateral.id).in_(list(held))
    )
    known = {cid: (title, campaign) for cid, title, campaign in session.exec(query).all()}
    out = [
        _item_insight(item, known.get(item, ("", None)), by, first_open, seconds, pages, following)
        for item, by in held.items()
    ]
    return sorted(out, key=lambda i: (-i.shared, i.title, str(i.collateral_id)))


def _item_insight(
    item: uuid.UUID,
    known: tuple[str, uuid.UUID | None],
    shares: list[Share],
    first_open: dict[uuid.UUID, datetime],
    seconds: dict[tuple[uuid.UUID, uuid.UUID], int],
    pages: dict[uuid.UUID, set[int]],
    following: dict[uuid.UUID, NextVisit],
) -> ShareItemInsight:
    read = [seconds[(s.id, item)] for s in shares if s.id in first_open]
    n, k = len(shares), len(read)
    interval = wilson(k, n)
    sides = {True: [0, 0], False: [0, 0]}  # opened before the next visit? -> [visits, won]
    for share in shares:
        nxt = following.get(share.id)
        if nxt is None:
            continue
        opened = share.id in first_open and first_open[share.id] < nxt.occurred_at
        sides[opened][0] += 1
        sides[opened][1] += nxt.won
    (n1, k1), (n0, k0) = sides[True], sides[False]
    difference, verdict = lift_verdict(k1, n1, k0, n0)
    return ShareItemInsight(
        collateral_id=item,
        title=known[0],
        campaign_id=known[1],
        shared=n,
        opened=k,
        opened_low=interval.low if interval else None,
        opened_high=interval.high if interval else None,
        median_seconds=round(median(read)) if read else None,
        pages_read=len(pages[item]),
        awaiting_next_visit=n - n1 - n0,
        next_visit=_rate(k1 + k0, n1 + n0),
        next_visit_opened=_rate(k1, n1),
        next_visit_not_opened=_rate(k0, n0),
        opened_difference=k1 / n1 - k0 / n0 if n1 and n0 else None,
        opened_difference_low=difference.low if difference else None,
        opened_difference_high=difference.high if difference else None,
        opened_verdict=verdict,
    )
