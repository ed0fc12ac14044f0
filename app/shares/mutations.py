"""`share.create` and `share.revoke` in the push: loaded, planned and written with the batch
(app/sync/push.py), so a share is made exactly once however often the phone retries."""

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, update
from sqlmodel import Session, col, select

from app.auth.models import User
from app.campaigns.models import SHARE_DAYS, Campaign
from app.campaigns.service import visible_campaign_ids
from app.collateral.freshness import is_expired
from app.collateral.models import Collateral
from app.collateral.service import current_collateral_of
from app.core.db import table_of
from app.leads.models import Lead
from app.shares.models import Share
from app.shares.schemas import ShareCreate, ShareRevoke


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class ShareState:
    """What the batch's share mutations refer to."""

    leads: dict[uuid.UUID, tuple[uuid.UUID, uuid.UUID | None]] = field(default_factory=dict)
    # Current items of campaigns the rep sees: id -> (campaign, valid until)
    visible: dict[uuid.UUID, tuple[uuid.UUID, date | None]] = field(default_factory=dict)
    shares: dict[uuid.UUID, Share] = field(default_factory=dict)
    taken: set[str] = field(default_factory=set)  # token hashes in use
    days: dict[uuid.UUID, int] = field(default_factory=dict)  # campaign -> its share_days


@dataclass
class SharePlan:
    new: list[dict[str, Any]] = field(default_factory=list)
    revoke: set[uuid.UUID] = field(default_factory=set)


def load(session: Session, rep_id: uuid.UUID, mutations: list[Any]) -> ShareState:
    creates = [m for m in mutations if isinstance(m, ShareCreate)]
    revokes = [m for m in mutations if isinstance(m, ShareRevoke)]
    state = ShareState()
    if not creates and not revokes:
        return state
    share_ids = {m.share_id for m in creates} | {m.share_id for m in revokes}
    state.shares = {
        s.id: s for s in session.exec(select(Share).where(col(Share.id).in_(share_ids)))
    }
    if not creates:
        return state
    lead = table_of(Lead).c
    rows = session.execute(
        select(lead.id, lead.rep_id, lead.campaign_id).where(
            lead.id.in_({m.lead_id for m in creates})
        )
    )
    state.leads = {lid: (rep, campaign) for lid, rep, campaign in rows}
    hashes = {token_hash(m.token) for m in creates}
    state.taken = set(
        session.exec(select(Share.token_hash).where(col(Share.token_hash).in_(hashes)))
    )
    rep = session.get(User, rep_id)
    wanted = {c for m in creates for c in m.collateral_ids}
    if rep is not None:
        query = current_collateral_of(visible_campaign_ids(session, rep))
        query = query.where(col(Collateral.id).in_(wanted))
        state.visible = {c.id: (c.campaign_id, c.valid_until) for c in session.exec(query)}
    campaign_ids = {c for _, c in state.leads.values() if c} | {
        c for c, _ in state.visible.values()
    }
    if campaign_ids:
        days = select(Campaign.id, Campaign.share_days).where(col(Campaign.id).in_(campaign_ids))
        state.days = dict(session.exec(days).all())
    return state


def plan(
    work: SharePlan,
    rep_id: uuid.UUID,
    m: ShareCreate | ShareRevoke,
    state: ShareState,
    now: datetime,
    zone: ZoneInfo,
    lead_changes: set[tuple[uuid.UUID, uuid.UUID]],
    flags: list[str],
) -> tuple[str, str] | None:
    """Plan one share mutation; the reason and detail of a refusal."""
    if isinstance(m, ShareRevoke):
        share = state.shares.get(m.share_id)
        planned = next((row for row in work.new if row["id"] == m.share_id), None)
        if planned is not None:
            planned["revoked_at"] = now
            return None
        if share is None or share.rep_id != rep_id:
            return "unknown_share", "share_id: no such share of yours"
        if share.revoked_at is None:
            work.revoke.add(share.id)
            lead_changes.add((share.lead_id, rep_id))
        return None
    lead = state.leads.get(m.lead_id)
    if lead is None or lead[0] != rep_id:
        return "unknown_lead", "lead_id: no such lead of yours"
    if m.share_id in state.shares or any(row["id"] == m.share_id for row in work.new):
        return "conflict", "share_id: this share exists already"
    digest = token_hash(m.token)
    if digest in state.taken:
        return "token_taken", "token: in use by another share; make a new one"
    today = now.astimezone(zone).date()
    items = [
        str(c)
        for c in dict.fromkeys(m.collateral_ids)
        if c in state.visible and not is_expired(state.visible[c][1], today)
    ]
    if not items:
        return "unknown_collateral", "collateral_ids: none of them is yours to share"
    if len(items) < len(m.collateral_ids):
        flags.append("collateral_dropped")
    state.taken.add(digest)
    campaign_id = lead[1] or state.visible[uuid.UUID(items[0])][0]
    # The term is the campaign's when the share is made; a later change moves no share.
    days = state.days.get(campaign_id, SHARE_DAYS)
    work.new.append(
        {
            "id": m.share_id,
            "token_hash": digest,
            "rep_id": rep_id,
            "lead_id": m.lead_id,
            "campaign_id": campaign_id,
            "collateral_ids": items,
            "created_at": now,
            "expires_at": now + timedelta(days=days),
            "revoked_at": None,
            "told_at": None,
        }
    )
    lead_changes.add((m.lead_id, rep_id))
    return None


_INSERT = insert(table_of(Share))


def write(session: Session, work: SharePlan, now: datetime) -> None:
    if work.new:
        session.execute(_INSERT, work.new)
    if work.revoke:
        session.execute(
            update(Share)
            .where(col(Share.id).in_(work.revoke), col(Share.revoked_at).is_(None))
            .values(revoked_at=now)
            .execution_options(synchronize_session=False)
        )
