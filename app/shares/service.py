"""Shares after they were made: finding one by its token, its visits and reading, summaries
for the rep's phone and for marketing, and revoking."""

import hmac
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from app.auth.models import User
from app.changes.log import SyncEntity, record_change
from app.core.time import as_utc, utcnow
from app.leads.models import Lead
from app.push.notices import NoticeKind, notify_reps
from app.shares.insights import next_visits
from app.shares.models import DeviceClass, Share, ShareReading, ShareVisit
from app.shares.mutations import token_hash
from app.shares.schemas import Beacon, NextVisitPublic, SharePublic, ShareStatus, ShareSummary
from app.webhooks import events as webhook_events

MAX_VISITS = 500  # per share: beyond, the page still opens but is no longer counted
MAX_BEACONS = 240  # per visit (one every 15 s for an hour)
TELL_EVERY = timedelta(minutes=1)  # the rep's phones learn of new reading at most this often
# Compared against when a token is unknown, so unknown and known tokens cost the same.
_DUMMY_HASH = token_hash("unknown-token-for-equal-work")
_TABLET = re.compile(r"iPad|Tablet|PlayBook|Silk|Kindle|Android(?!.*Mobile)", re.IGNORECASE)
_PHONE = re.compile(r"Mobi|iPhone|iPod|Android|Windows Phone", re.IGNORECASE)


def device_class(user_agent: str) -> DeviceClass:
    """Only the class of device is kept of the user agent."""
    agent = user_agent[:512]
    if _TABLET.search(agent):
        return DeviceClass.tablet
    if _PHONE.search(agent):
        return DeviceClass.phone
    return DeviceClass.desktop


def status_of(share: Share, now: datetime) -> ShareStatus:
    if share.revoked_at is not None:
        return ShareStatus.revoked
    if as_utc(share.expires_at) <= now:
        return ShareStatus.expired
    return ShareStatus.active


def share_of_token(session: Session, token: str) -> Share | None:
    """The share the token opens, or None. An unknown token does the same work as a known one
    (one lookup, one constant-time comparison), so answers take the same time."""
    digest = token_hash(token[:64])
    share = session.exec(select(Share).where(Share.token_hash == digest)).first()
    expected = share.token_hash if share is not None else _DUMMY_HASH
    if not hmac.compare_digest(expected, digest) or share is None:
        return None
    return share


def open_visit(session: Session, share: Share, user_agent: str) -> ShareVisit | None:
    """Count an opening of the page; None once the share has `MAX_VISITS`."""
    visits = session.exec(
        select(func.count()).select_from(ShareVisit).where(ShareVisit.share_id == share.id)
    ).one()
    if visits >= MAX_VISITS:
        return None
    visit = ShareVisit(share_id=share.id, device=device_class(user_agent))
    session.add(visit)
    session.flush()
    if visits == 0:  # the first opening: a neutral notice (no customer, no item named)
        notify_reps(
            session, [share.rep_id], kind=NoticeKind.share_opened, target_id=share.lead_id,
            title="Shared material was opened",
        )  # fmt: skip
        webhook_events.share_opened(
            session,
            share_id=share.id,
            lead_id=share.lead_id,
            rep_id=share.rep_id,
            collateral_ids=share.collateral_ids,
            opened_at=visit.opened_at,
            device=str(visit.device),
        )
    _tell_rep(session, share, visit.opened_at)
    return visit


class BeaconRefused(Exception):
    """The beacon was not written (unknown visit, other share's item, too many beacons)."""


def record_beacon(session: Session, share: Share, beacon: Beacon) -> None:
    """Add a beacon's reading to its visit, or refuse it whole (nothing written)."""
    visit = session.exec(
        select(ShareVisit).where(ShareVisit.id == beacon.visit).with_for_update()
    ).first()
    if visit is None or visit.share_id != share.id:
        raise BeaconRefused("visit: not a visit of this share")
    if visit.beacons >= MAX_BEACONS:
        raise BeaconRefused("visit: enough beacons for one visit")
    items = set(share.collateral_ids)
    named = {str(r.collateral_id) for r in beacon.readings} | {str(d) for d in beacon.downloads}
    if not named <= items:
        raise BeaconRefused("collateral_id: not an item of this share")
    if sum(r.seconds for r in beacon.readings) > 3600:
        raise BeaconRefused("seconds: more than an hour in one beacon")
    add: dict[tuple[uuid.UUID, int], list[int]] = defaultdict(lambda: [0, 0])
    for r in beacon.readings:
        add[(r.collateral_id, r.page)][0] += r.seconds
    for d in dict.fromkeys(beacon.downloads):
        add[(d, 0)][1] += 1
    for (collateral_id, page), (seconds, downloads) in add.items():
        row = session.get(ShareReading, (visit.id, collateral_id, page))
        if row is None:
            row = ShareReading(visit_id=visit.id, collateral_id=collateral_id, page=page)
        row.seconds = min(row.seconds + seconds, 86_400)
        row.downloads = min(row.downloads + downloads, 1000)
        session.add(row)
    visit.beacons += 1
    session.add(visit)
    session.flush()
    _tell_rep(session, share, utcnow(), first=visit.beacons == 1)


def _tell_rep(session: Session, share: Share, now: datetime, *, first: bool = True) -> None:
    """The rep's phones get the lead again (with the share's reading): at an opening, at a
    visit's first reading, else at most once a minute."""
    if not first and share.told_at is not None and as_utc(share.told_at) + TELL_EVERY > now:
        return
    share.told_at = now
    session.add(share)
    record_change(session, SyncEntity.lead, share.lead_id, rep_ids=[share.rep_id])


@dataclass
class _Reading:
    visits: int = 0
    first: datetime | None = None
    last: datetime | None = None
    seconds: int = 0
    downloads: int = 0
    pages: set[int] | None = None


def _readings(session: Session, share_ids: list[uuid.UUID]) -> dict[uuid.UUID, _Reading]:
    out: dict[uuid.UUID, _Reading] = defaultdict(_Reading)
    if not share_ids:
        return out
    visits = session.execute(
        select(
            ShareVisit.share_id,
            func.count(),
            func.min(ShareVisit.opened_at),
            func.max(ShareVisit.opened_at),
        )
        .where(col(ShareVisit.share_id).in_(share_ids))
        .group_by(col(ShareVisit.share_id))
    )
    for share_id, count, first, last in visits:
        got = out[share_id]
        got.visits, got.first, got.last = count, as_utc(first), as_utc(last)
    rows = session.execute(
        select(ShareVisit.share_id, ShareReading.page, ShareReading.seconds, ShareReading.downloads)
        .join(ShareVisit, col(ShareVisit.id) == col(ShareReading.visit_id))
        .where(col(ShareVisit.share_id).in_(share_ids))
    )
    for share_id, page, seconds, downloads in rows:
        got = out[share_id]
        got.seconds += seconds
        got.downloads += downloads
        if page > 0 and seconds > 0:
            got.pages = (got.pages or set()) | {page}
    return out


def summaries(session: Session, shares: list[Share], now: datetime) -> list[ShareSummary]:
    read = _readings(session, [s.id for s in shares])
    out = []
    for s in shares:
        r = read.get(s.id) or _Reading()
        out.append(
            ShareSummary(
                id=s.id,
                collateral_ids=[uuid.UUID(c) for c in s.collateral_ids],
                status=status_of(s, now),
                created_at=s.created_at,
                expires_at=s.expires_at,
                revoked_at=s.revoked_at,
                visits=r.visits,
                first_opened_at=r.first,
                last_opened_at=r.last,
                seconds=r.seconds,
                pages=sorted(r.pages or ()),
                downloads=r.downloads,
            )
        )
    return out


def shares_of_leads(
    session: Session, rep_id: uuid.UUID, lead_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[ShareSummary]]:
    """The rep's shares per lead, newest first (what the pull carries on each lead)."""
    if not lead_ids:
        return {}
    shares = list(
        session.exec(
            select(Share)
            .where(Share.rep_id == rep_id, col(Share.lead_id).in_(lead_ids))
            .order_by(col(Share.created_at).desc())
        )
    )
    by_lead: dict[uuid.UUID, list[ShareSummary]] = defaultdict(list)
    for share, summary in zip(shares, summaries(session, shares, utcnow()), strict=True):
        by_lead[share.lead_id].append(summary)
    return by_lead


def revoke(session: Session, share: Share) -> Share:
    """The link stops working (410); the reading so far stays."""
    if share.revoked_at is None:
        now = utcnow()
        session.execute(
            update(Share)
            .where(col(Share.id) == share.id, col(Share.revoked_at).is_(None))
            .values(revoked_at=now)
            .execution_options(synchronize_session=False)
        )
        share.revoked_at = now
        record_change(session, SyncEntity.lead, share.lead_id, rep_ids=[share.rep_id])
    return share


def delete_share(session: Session, share: Share) -> None:
    """The share, its visits and readings; the rep's phones drop it."""
    record_change(session, SyncEntity.lead, share.lead_id, rep_ids=[share.rep_id])
    session.execute(
        delete(ShareReading).where(
            col(ShareReading.visit_id).in_(
                select(ShareVisit.id).where(ShareVisit.share_id == share.id)
            )
        )
    )
    session.execute(delete(ShareVisit).where(col(ShareVisit.share_id) == share.id))
    session.delete(share)
    session.flush()


def user_names(session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    return dict(session.exec(select(User.id, User.name).where(col(User.id).in_(ids))).all())


def lead_companies(session: Session, shares: list[Share]) -> dict[uuid.UUID, str]:
    ids = {s.lead_id for s in shares}
    if not ids:
        return {}
    return dict(session.exec(select(Lead.id, Lead.company).where(col(Lead.id).in_(ids))).all())


def marketing_view(session: Session, shares: list[Share]) -> list[SharePublic]:
    """Shares as marketing sees them: reading, rep, lead and the lead's next visit since, in
    a fixed number of queries whatever the number of shares."""
    following = next_visits(session, shares)
    names = user_names(session, {s.rep_id for s in shares} | {v.rep_id for v in following.values()})
    companies = lead_companies(session, shares)
    out = []
    for share, summary in zip(shares, summaries(session, shares, utcnow()), strict=True):
        nxt = following.get(share.id)
        out.append(
            SharePublic(
                **summary.model_dump(),
                rep_id=share.rep_id,
                rep_name=names.get(share.rep_id, ""),
                lead_id=share.lead_id,
                lead_company=companies.get(share.lead_id, ""),
                campaign_id=share.campaign_id,
                next_visit=None
                if nxt is None
                else NextVisitPublic(
                    outcome_id=nxt.outcome_id,
                    code=nxt.code,
                    won=nxt.won,
                    occurred_at=nxt.occurred_at,
                    rep_id=nxt.rep_id,
                    rep_name=names.get(nxt.rep_id, ""),
                ),
            )
        )
    return out
