"""Per collateral item, how sharing it went: shared N times, opened M (with its Wilson
interval), the median reading time of the opened shares and how many pages were read. The
rate always comes with its n; nothing here claims that sharing caused an outcome."""

import uuid
from collections import defaultdict
from statistics import median

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.collateral.models import Collateral
from app.insights.stats import wilson
from app.shares.models import Share, ShareReading, ShareVisit


class ShareItemInsight(BaseModel):
    collateral_id: uuid.UUID
    title: str
    shared: int  # shares that held the item (n)
    opened: int  # of those, shares whose page was opened
    opened_low: float | None  # Wilson 95 % interval of opened / shared
    opened_high: float | None
    median_seconds: int | None  # over the opened shares: seconds on this item per share
    pages_read: int  # distinct pages of the item read in any share


def share_insights(session: Session) -> list[ShareItemInsight]:
    shares = list(session.exec(select(Share.id, Share.collateral_ids)))
    opened = set(session.exec(select(ShareVisit.share_id).distinct()))
    seconds: dict[tuple[uuid.UUID, uuid.UUID], int] = defaultdict(int)
    pages: dict[uuid.UUID, set[int]] = defaultdict(set)
    rows = session.execute(
        select(
            ShareVisit.share_id,
            ShareReading.collateral_id,
            ShareReading.page,
            func.sum(ShareReading.seconds),
        )
        .join(ShareVisit, col(ShareVisit.id) == col(ShareReading.visit_id))
        .group_by(col(ShareVisit.share_id), col(ShareReading.collateral_id), col(ShareReading.page))
    )
    for share_id, item, page, total in rows:
        seconds[(share_id, item)] += int(total or 0)
        if page > 0 and total:
            pages[item].add(page)
    held: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for share_id, items in shares:
        for item in items:
            held[uuid.UUID(item)].append(share_id)
    query = select(Collateral.id, Collateral.title).where(col(Collateral.id).in_(list(held)))
    titles = dict(session.exec(query).all())
    out = []
    for item, share_ids in held.items():
        read = [seconds[(s, item)] for s in share_ids if s in opened]
        n, k = len(share_ids), len(read)
        interval = wilson(k, n)
        out.append(
            ShareItemInsight(
                collateral_id=item,
                title=titles.get(item, ""),
                shared=n,
                opened=k,
                opened_low=interval.low if interval else None,
                opened_high=interval.high if interval else None,
                median_seconds=round(median(read)) if read else None,
                pages_read=len(pages[item]),
            )
        )
    return sorted(out, key=lambda i: (-i.shared, i.title))
