"""The pull: state-based, so it can never hand a phone something it may no longer see.

The change log only says "entity X changed (for everyone / for rep R)". For each such entity the
pull decides *now* whether the rep may see it: visible → its current state in `changes`, not
visible (or gone) → its id in `removed`. A campaign change also re-evaluates that campaign's
current collateral, so archiving a campaign or narrowing its audience removes its collateral
(narrowing leaves it with the reps holding one of its leads: `visible_campaign_ids`).

Cursors are opaque to the phone (app/sync/cursor.py). What a rep may see is each feature's to
say: the campaigns' audience (`visible_campaign_ids`), current and fresh collateral, the rep's
leads, the outcomes' history and codes, the rep's signals and shares.

Expired collateral (`valid_until` before today in the organisation zone) is not visible. No
write marks the day an item expires: a delta whose cursor was issued on an earlier day also
removes the items that expired since that day, so a phone loses an item that expired at
midnight at its first pull after midnight, with nothing recorded in the change log.
A snapshot is read page by page in id order, then continues as a delta from the clock value
taken when it began; whatever changed meanwhile is re-sent by that delta.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import or_
from sqlmodel import Session, col, select

from app.auth.models import User
from app.campaigns.models import Campaign
from app.campaigns.service import visible_campaign_ids
from app.changes.log import SyncChange, SyncEntity, clock_and_horizon
from app.collateral.counters import reasons_for_phone
from app.collateral.freshness import today_in
from app.collateral.models import Collateral
from app.collateral.service import current_collateral_of, fresh_collateral_of
from app.insights.ranking import HeldEvidence, campaign_ranking, evidence_for_rep
from app.leads.models import Lead
from app.leads.schemas import LeadCard
from app.leads.service import leads_of_rep
from app.outcomes.service import codes_for_phone, history_of_leads
from app.shares.service import shares_of_leads
from app.signals.service import signals_for_phone
from app.sync.cursor import SNAPSHOT_KINDS, Cursor, decode_cursor, rep_tag
from app.sync.schemas import (
    CampaignSync,
    Changes,
    CollateralSync,
    LeadSync,
    PullResponse,
    Removed,
)

_Row = TypeVar("_Row", Campaign, Collateral)


class _Reader:
    """Loads and shapes what one rep may see, caching per request."""

    def __init__(self, session: Session, rep: User, today: date) -> None:
        self.session = session
        self.rep = rep
        self.today = today
        self._campaigns: set[uuid.UUID] | None = None
        self._collateral: set[uuid.UUID] | None = None
        self._evidence: dict[uuid.UUID, HeldEvidence] | None = None

    @property
    def visible_campaigns(self) -> set[uuid.UUID]:
        if self._campaigns is None:
            self._campaigns = set(visible_campaign_ids(self.session, self.rep))
        return self._campaigns

    @property
    def visible_collateral(self) -> set[uuid.UUID]:
        if self._collateral is None:
            query = fresh_collateral_of(self.visible_campaigns, self.today).with_only_columns(
                col(Collateral.id)
            )
            self._collateral = set(self.session.exec(query))  # type: ignore[call-overload]
        return self._collateral

    # ---- shaping ----

    def campaign(self, c: Campaign) -> CampaignSync:
        return CampaignSync(
            id=c.id,
            name=c.name,
            key_message=c.key_message,
            talking_points_html=c.talking_points_html,
            starts_on=c.starts_on,
            ends_on=c.ends_on,
            updated_at=c.updated_at,
            **self.ranking(c.id),
        )

    @property
    def evidence(self) -> dict[uuid.UUID, HeldEvidence]:
        if self._evidence is None:  # at most one query for every campaign the rep sees
            self._evidence = evidence_for_rep(self.session, self.rep.id, self.visible_campaigns)
        return self._evidence

    def ranking(self, campaign_id: uuid.UUID) -> dict[str, Any]:
        return campaign_ranking(self.evidence.get(campaign_id), self.visible_collateral)

    def collateral(self, c: Collateral) -> CollateralSync:
        return CollateralSync(
            id=c.id,
            campaign_id=c.campaign_id,
            kind=c.kind,
            title=c.title,
            description=c.description,
            segments=c.segments,
            url=c.url,
            file_url=f"/api/v1/files/{c.sha256}" if c.sha256 else None,
            sha256=c.sha256,
            content_type=c.content_type,
            size=c.size,
            filename=c.filename,
            tags=c.tags,
            valid_until=c.valid_until,
            version=c.version,
            replaces_id=c.replaces_id,
            updated_at=c.updated_at,
        )

    def leads(self, leads: list[Lead]) -> list[LeadSync]:
        if not leads:
            return []
        history = history_of_leads(self.session, [lead.id for lead in leads])
        shares = shares_of_leads(self.session, self.rep.id, [lead.id for lead in leads])
        resolve = self._current_versions(
            {i for lead in leads for i in lead.recommended_collateral_ids}
            | {i for lead in leads for i in lead.recommendation_reasons}
        )
        out = []
        for lead in leads:
            recommended: list[uuid.UUID] = []
            for raw in lead.recommended_collateral_ids:
                current = resolve.get(str(raw))
                if current is not None and current not in recommended:
                    recommended.append(current)
            out.append(
                LeadSync(
                    **LeadCard.model_validate(lead).model_dump(
                        exclude={"recommended_collateral_ids"}
                    ),
                    recommended_collateral_ids=recommended,
                    history=history.get(lead.id, []),
                    updated_at=lead.updated_at,
                    recommendation_reasons=reasons_for_phone(lead.recommendation_reasons, resolve),
                    shares=shares.get(lead.id, []),
                )
            )
        return out

    def _current_versions(self, ids: Iterable[Any]) -> dict[str, uuid.UUID]:
        """Recommended collateral id -> the version the rep may see now (following
        replacements), for the ids that resolve to something visible."""
        visible = self.visible_collateral
        result: dict[str, uuid.UUID] = {}
        unresolved: dict[str, str] = {}  # original id -> id currently followed
        for raw in ids:
            try:
                cid = uuid.UUID(str(raw))
            except ValueError:
                continue
            if cid in visible:
                result[str(raw)] = cid
            else:
                unresolved[str(raw)] = str(cid)
        for _ in range(5):
            if not unresolved:
                break
            rows = self.session.exec(
                select(Collateral.id, Collateral.replaced_by_id).where(
                    col(Collateral.id).in_([uuid.UUID(v) for v in unresolved.values()])
                )
            )
            successor = {str(i): r for i, r in rows}
            following: dict[str, str] = {}
            for original, current in unresolved.items():
                nxt = successor.get(current)
                if nxt is None:
                    continue
                if nxt in visible:
                    result[original] = nxt
                else:
                    following[original] = str(nxt)
            unresolved = following
        return result

    # ---- snapshot pages ----

    def snapshot_page(self, kind: str, after: str, limit: int, into: Changes) -> list[str]:
        """Up to `limit` items of `kind` with ids above `after`; returns their ids."""
        if kind == "outcome_codes":
            codes = codes_for_phone(self.session, after=after, limit=limit)
            into.outcome_codes += codes
            return [c.code for c in codes]
        start = uuid.UUID(after) if after else None
        if kind == "campaigns":
            q_camp = select(Campaign).where(col(Campaign.id).in_(self.visible_campaigns))
            if start:
                q_camp = q_camp.where(col(Campaign.id) > start)
            campaigns = list(self.session.exec(q_camp.order_by(col(Campaign.id)).limit(limit)))
            into.campaigns += [self.campaign(c) for c in campaigns]
            return [str(c.id) for c in campaigns]
        if kind == "collateral":
            q_coll = fresh_collateral_of(self.visible_campaigns, self.today)
            if start:
                q_coll = q_coll.where(col(Collateral.id) > start)
            items = list(self.session.exec(q_coll.order_by(col(Collateral.id)).limit(limit)))
            into.collateral += [self.collateral(c) for c in items]
            return [str(c.id) for c in items]
        if kind == "leads":
            q_lead = leads_of_rep(self.rep.id)
            if start:
                q_lead = q_lead.where(col(Lead.id) > start)
            leads = list(self.session.exec(q_lead.order_by(col(Lead.id)).limit(limit)))
            into.leads += self.leads(leads)
            return [str(lead.id) for lead in leads]
        signals = signals_for_phone(self.session, self.rep.id, after=start, limit=limit)
        into.signals += signals
        return [str(s.id) for s in signals]

    # ---- delta ----

    def expired_since(self, day: int) -> list[uuid.UUID]:
        """The items of the rep's campaigns that expired after the day `day` (an ordinal; 0:
        any day) up to today: a phone last served on `day` may still hold them."""
        query = current_collateral_of(self.visible_campaigns).where(
            col(Collateral.valid_until) < self.today
        )
        if day:
            query = query.where(col(Collateral.valid_until) >= date.fromordinal(day))
        return sorted(self.session.exec(query.with_only_columns(col(Collateral.id))))  # type: ignore[call-overload]

    def _load(self, model: type[_Row], ids: set[uuid.UUID]) -> dict[uuid.UUID, _Row]:
        rows = self.session.exec(select(model).where(col(model.id).in_(ids)))
        return {row.id: row for row in rows}

    def evaluate(
        self, touched: dict[SyncEntity, set[str]], changes: Changes, removed: Removed
    ) -> None:
        """Current state or removal for every touched entity."""
        campaign_ids = _uuids(touched.get(SyncEntity.campaign, set()))
        collateral_ids = _uuids(touched.get(SyncEntity.collateral, set()))
        if campaign_ids:
            campaigns = self._load(Campaign, campaign_ids)
            for cid in sorted(campaign_ids):
                if cid in campaigns and cid in self.visible_campaigns:
                    changes.campaigns.append(self.campaign(campaigns[cid]))
                else:
                    removed.campaigns.append(cid)
            # Their current collateral follows the campaign in or out of sight.
            current = current_collateral_of(campaign_ids).with_only_columns(col(Collateral.id))
            collateral_ids |= set(self.session.exec(current))  # type: ignore[call-overload]
        if collateral_ids:
            items = self._load(Collateral, collateral_ids)
            for cid in sorted(collateral_ids):
                if cid in items and cid in self.visible_collateral:
                    changes.collateral.append(self.collateral(items[cid]))
                else:
                    removed.collateral.append(cid)
        lead_ids = _uuids(touched.get(SyncEntity.lead, set()))
        if lead_ids:
            mine = list(
                self.session.exec(
                    leads_of_rep(self.rep.id)
                    .where(col(Lead.id).in_(lead_ids))
                    .order_by(col(Lead.id))
                )
            )
            changes.leads += self.leads(mine)
            removed.leads += sorted(lead_ids - {lead.id for lead in mine})
        codes = touched.get(SyncEntity.outcome_code, set())
        if codes:
            changes.outcome_codes += codes_for_phone(self.session, named=codes)
        signal_ids = _uuids(touched.get(SyncEntity.signal, set()))
        if signal_ids:
            changes.signals += signals_for_phone(self.session, self.rep.id, named=signal_ids)


def _uuids(values: Iterable[str]) -> set[uuid.UUID]:
    out = set()
    for value in values:
        try:
            out.add(uuid.UUID(value))
        except ValueError:
            continue
    return out


def pull(
    session: Session, *, rep: User, cursor: str | None, limit: int, zone: ZoneInfo
) -> PullResponse:
    """`zone`: the organisation's time zone, whose day decides which collateral expired."""
    clock, horizon = clock_and_horizon(session)
    today = today_in(zone)
    state = decode_cursor(cursor, rep.id, clock, horizon) if cursor else None
    reset = bool(cursor) and state is None
    if state is None:
        state = Cursor(rep=rep_tag(rep.id), mode="s", clock=clock, day=today.toordinal())
    if state.mode == "d" and state.clock == clock and state.day == today.toordinal():
        return PullResponse(cursor=state.encode(), has_more=False)  # nothing new: most polls
    # Everything judged below is read after the clock, so it is at least as new as every
    # change up to it. The rep was loaded before (authentication); on PostgreSQL each
    # statement sees the newest commits, and a region change committed in between would be
    # skipped with the old region.
    session.refresh(rep)
    reader = _Reader(session, rep, today)
    if state.mode == "s":
        return _snapshot(reader, state, limit, clock, reset)
    return _delta(reader, state, limit, clock)


def _snapshot(reader: _Reader, state: Cursor, limit: int, clock: int, reset: bool) -> PullResponse:
    changes = Changes()
    remaining = limit
    kind, after = state.kind, state.after
    while remaining > 0 and kind < len(SNAPSHOT_KINDS):
        ids = reader.snapshot_page(SNAPSHOT_KINDS[kind], after, remaining, changes)
        remaining -= len(ids)
        if remaining > 0:  # this kind is exhausted
            kind, after = kind + 1, ""
        else:
            after = ids[-1]
    if kind < len(SNAPSHOT_KINDS):
        nxt = Cursor(
            rep=state.rep, mode="s", clock=state.clock, kind=kind, after=after, day=state.day
        )
        return PullResponse(cursor=nxt.encode(), has_more=True, reset=reset, changes=changes)
    # Snapshot done: continue as a delta from the clock value taken when it began.
    nxt = Cursor(rep=state.rep, mode="d", clock=state.clock, day=state.day)
    return PullResponse(
        cursor=nxt.encode(), has_more=clock > state.clock, reset=reset, changes=changes
    )


def _delta(reader: _Reader, state: Cursor, limit: int, clock: int) -> PullResponse:
    rows = list(
        reader.session.exec(
            select(SyncChange.seq, SyncChange.entity, SyncChange.entity_id)
            .where(
                col(SyncChange.seq) > state.clock,
                col(SyncChange.seq) <= clock,  # later ones may be newer than the rep read
                or_(col(SyncChange.rep_id).is_(None), col(SyncChange.rep_id) == reader.rep.id),
            )
            .order_by(col(SyncChange.seq))
            .limit(limit + 1)
        )
    )
    has_more = len(rows) > limit
    rows = rows[:limit]
    # Done: the cursor moves to the clock (every change up to it is committed), so the next
    # poll with nothing new is answered without a query however busy the other reps were.
    today = reader.today.toordinal()
    nxt = Cursor(rep=state.rep, mode="d", clock=rows[-1][0] if has_more else clock, day=today)
    expired = reader.expired_since(state.day) if state.day < today else []
    ranked: set[str] = set()
    if state.day < today:  # a new day also re-sends the campaigns the phone ranks collateral by
        ranked = {str(c) for c, e in reader.evidence.items() if e.found.tallies}
    if not rows and not expired and not ranked:
        return PullResponse(cursor=nxt.encode(), has_more=False)
    touched: dict[SyncEntity, set[str]] = defaultdict(set)
    for _, entity, entity_id in rows:
        touched[SyncEntity(entity)].add(entity_id)
    touched[SyncEntity.campaign] |= ranked
    changes, removed = Changes(), Removed()
    reader.evaluate(touched, changes, removed)
    removed.collateral += [i for i in expired if i not in set(removed.collateral)]
    return PullResponse(cursor=nxt.encode(), has_more=has_more, changes=changes, removed=removed)
