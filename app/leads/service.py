"""Leads and their briefs."""

import uuid
from datetime import datetime
from typing import Any, Literal, NamedTuple

from sqlalchemy import func, update
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.auth.models import Role, User
from app.campaigns.markdown import render_markdown
from app.campaigns.models import Campaign
from app.changes.log import SyncEntity, record_changes
from app.collateral.models import Collateral
from app.core import errors
from app.core.db import locked, read_locked
from app.core.text import fold
from app.core.time import as_utc, utcnow
from app.leads.models import Lead
from app.leads.schemas import LeadSort
from app.outcomes.models import Outcome
from app.push.notices import NoticeKind, notify_each, notify_reps
from app.webhooks import events as webhook_events

# --- visibility (shared with sync) -----------------------------------------------------------


def leads_of_rep(rep_id: uuid.UUID) -> SelectOfScalar[Lead]:
    """Every lead assigned to `rep_id` (what that rep's phone holds)."""
    return select(Lead).where(Lead.rep_id == rep_id)


class Holding(NamedTuple):
    """Who holds a lead, in which campaign: what decides which phones hear of its change."""

    rep_id: uuid.UUID
    campaign_id: uuid.UUID | None


Change = tuple[SyncEntity, uuid.UUID, uuid.UUID | None]


def holding_changes(
    lead_id: uuid.UUID, before: Holding | None, after: Holding | None
) -> list[Change]:
    """The change records of a lead created (no `before`), changed, or deleted (no `after`).

    The lead changes for its rep before and after. When its rep or campaign changed, its
    campaign before changes for the rep before and its campaign after for the rep after: a
    rep also sees the live campaigns of the leads they hold (`visible_campaign_ids`), so their
    phone re-checks that campaign and its collateral, gaining or losing them with the lead.
    """
    holdings = [h for h in (before, after) if h is not None]
    changes: list[Change] = [(SyncEntity.lead, lead_id, h.rep_id) for h in holdings]
    if before != after:
        changes += [
            (SyncEntity.campaign, h.campaign_id, h.rep_id)
            for h in holdings
            if h.campaign_id is not None
        ]
    return changes


# --- checks ----------------------------------------------------------------------------------


def check_rep(session: Session, rep_id: uuid.UUID, field: str = "rep_id") -> User:
    user = session.get(User, rep_id)
    if user is None or user.role != Role.rep or not user.is_active:
        raise errors.BadRequest(f"{field}: no active rep with this id")
    return user


def check_campaign(session: Session, campaign_id: uuid.UUID | None) -> None:
    if campaign_id is not None and session.get(Campaign, campaign_id) is None:
        raise errors.BadRequest("campaign_id: no such campaign")


def check_recommended(session: Session, ids: list[uuid.UUID]) -> list[str]:
    ids = list(dict.fromkeys(ids))
    if ids:
        found = set(
            session.exec(
                select(Collateral.id).where(
                    col(Collateral.id).in_(ids), col(Collateral.deleted_at).is_(None)
                )
            )
        )
        missing = [str(i) for i in ids if i not in found]
        if missing:
            raise errors.BadRequest(f"recommended_collateral_ids: unknown item {missing[0]}")
    return [str(i) for i in ids]


def check_external_ref(session: Session, ref: str | None, lead_id: uuid.UUID | None) -> None:
    if ref is None:
        return
    other = session.exec(select(Lead.id).where(Lead.external_ref == ref)).first()
    if other is not None and other != lead_id:
        raise errors.Conflict(
            "external_ref: already used by another lead", code="external_ref_taken"
        )


# --- writing ---------------------------------------------------------------------------------


def _utc_visit(values: dict[str, Any]) -> None:
    if values.get("planned_visit_at") is not None:
        values["planned_visit_at"] = as_utc(values["planned_visit_at"])


def create_lead(session: Session, *, data: dict[str, Any]) -> Lead:
    _utc_visit(data)
    check_rep(session, data["rep_id"])
    check_campaign(session, data.get("campaign_id"))
    check_external_ref(session, data.get("external_ref"), None)
    data["recommended_collateral_ids"] = check_recommended(
        session, data.get("recommended_collateral_ids", [])
    )
    lead = Lead(**data)
    lead.brief_html = render_markdown(lead.brief_md)
    session.add(lead)
    session.flush()
    record_changes(session, holding_changes(lead.id, None, Holding(lead.rep_id, lead.campaign_id)))
    webhook_events.leads_assigned(session, [lead.id], lead.rep_id)
    notify_reps(
        session,
        [lead.rep_id],
        kind=NoticeKind.new_leads,
        target_id=lead.id,
        title=f"New brief: {lead.company}",
    )
    return lead


NULLABLE = {"external_ref", "campaign_id", "planned_visit_at"}


def assign_leads(
    session: Session, *, lead_ids: list[uuid.UUID], rep_id: uuid.UUID
) -> tuple[int, int]:
    """Move every lead in `lead_ids` to `rep_id`, all or none; returns (moved, already theirs).

    Both phones of each moved lead hear of it, and the rep gets one notification."""
    check_rep(session, rep_id)
    ids = list(dict.fromkeys(lead_ids))
    moving = move_holdings(session, ids, "rep_id", rep_id)
    webhook_events.leads_assigned(session, moving, rep_id)
    if moving:
        notify_each(  # coalesced into one notification ("12 new briefs")
            session,
            [(rep_id, i, "A lead was assigned to you") for i in moving],
            kind=NoticeKind.new_leads,
        )
    return len(moving), len(ids) - len(moving)


def move_holdings(
    session: Session,
    lead_ids: list[uuid.UUID],
    field: Literal["rep_id", "campaign_id"],
    value: uuid.UUID,
) -> list[uuid.UUID]:
    """Gives the leads (all must exist) another rep or campaign; returns those that moved.
    Every phone that held one of them, or holds it now, hears of it."""
    current = lock_existing(session, lead_ids)
    moving = [i for i in lead_ids if getattr(current[i], field) != value]
    if moving:
        session.execute(
            update(Lead)
            .where(col(Lead.id).in_(moving))
            .values({field: value, "updated_at": utcnow()})
            .execution_options(synchronize_session=False)
        )
        changes = [
            change
            for i in moving
            for change in holding_changes(i, current[i], current[i]._replace(**{field: value}))
        ]
        record_changes(session, changes)
    return moving


def lock_existing(session: Session, lead_ids: list[uuid.UUID]) -> dict[uuid.UUID, Holding]:
    """`lock_holdings` of leads that must all exist: else 400 naming the missing ones."""
    current = lock_holdings(session, lead_ids)
    missing = [str(i) for i in lead_ids if i not in current]
    if missing:
        shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
        raise errors.BadRequest(f"lead_ids: no such lead: {shown}")
    return current


def lock_holdings(session: Session, lead_ids: list[uuid.UUID]) -> dict[uuid.UUID, Holding]:
    """Lead id -> its rep and campaign until now, for the leads that exist, their rows locked
    until commit (see `read_locked`; in id order, so two writers locking overlapping sets
    cannot deadlock)."""
    holdings: dict[uuid.UUID, Holding] = {}
    ordered = sorted(set(lead_ids))
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        query = (
            select(Lead.id, Lead.rep_id, Lead.campaign_id)
            .where(col(Lead.id).in_(chunk))
            .order_by(col(Lead.id))
        )
        for lead_id, rep_id, campaign_id in session.exec(locked(query)):
            holdings[lead_id] = Holding(rep_id, campaign_id)
    return holdings


def update_lead(session: Session, *, lead: Lead, changes: dict[str, Any]) -> Lead:
    read_locked(session, lead, "Lead not found")
    for name, value in changes.items():
        if value is None and name not in NULLABLE:
            raise errors.BadRequest(f"{name}: may not be null")
    if "rep_id" in changes:
        check_rep(session, changes["rep_id"])
    if "campaign_id" in changes:
        check_campaign(session, changes["campaign_id"])
    if "external_ref" in changes:
        check_external_ref(session, changes["external_ref"], lead.id)
    if "recommended_collateral_ids" in changes:
        changes["recommended_collateral_ids"] = check_recommended(
            session, changes["recommended_collateral_ids"]
        )
    _utc_visit(changes)
    old_rep = lead.rep_id
    before = Holding(lead.rep_id, lead.campaign_id)
    for name, value in changes.items():
        setattr(lead, name, value)
    if "brief_md" in changes:
        lead.brief_html = render_markdown(lead.brief_md)
    lead.updated_at = utcnow()
    session.add(lead)
    session.flush()
    # On reassignment both phones hear of it: one drops the lead, the other gets it.
    after = Holding(lead.rep_id, lead.campaign_id)
    record_changes(session, holding_changes(lead.id, before, after))
    if lead.rep_id != old_rep:
        webhook_events.leads_assigned(session, [lead.id], lead.rep_id)
    notify_reps(
        session,
        [lead.rep_id] if lead.rep_id != old_rep else [],
        kind=NoticeKind.new_leads,
        target_id=lead.id,
        title=f"New brief: {lead.company}",
    )
    return lead


def delete_lead(session: Session, *, lead: Lead) -> None:
    """Outcomes keep the lead's id without a foreign key, so history survives the delete."""
    read_locked(session, lead, "Lead not found")
    record_changes(session, holding_changes(lead.id, Holding(lead.rep_id, lead.campaign_id), None))
    session.delete(lead)
    session.flush()


# --- reading (marketing) ---------------------------------------------------------------------


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class LastOutcome(NamedTuple):
    code: str
    occurred_at: datetime


def list_leads(
    session: Session,
    *,
    campaign_id: uuid.UUID | None = None,
    rep_id: uuid.UUID | None = None,
    region: str | None = None,
    segment: str | None = None,
    q: str | None = None,
    sort: LeadSort = LeadSort.company,
    desc: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[tuple[Lead, LastOutcome | None]], int]:
    """A page of leads with each one's last visit; empty values sort last either way."""
    conditions = lead_conditions(
        campaign_id=campaign_id, rep_id=rep_id, region=region, segment=segment, q=q
    )
    total = session.exec(select(func.count()).select_from(Lead).where(*conditions)).one()
    key = _sort_key(sort)
    order = [key.is_(None), key.desc() if desc else key.asc()]
    if sort != LeadSort.company:
        order.append(col(Lead.sort_name))
    rows = session.exec(
        select(Lead)
        .where(*conditions)
        .order_by(*order, col(Lead.company), col(Lead.id))
        .limit(limit)
        .offset(offset)
    ).all()
    last = last_outcomes(session, [lead.id for lead in rows])
    return [(lead, last.get(lead.id)) for lead in rows], total


def _last_outcome_at() -> Any:
    return (
        select(func.max(col(Outcome.occurred_at)))
        .where(col(Outcome.lead_id) == col(Lead.id), col(Outcome.retracted_at).is_(None))
        .scalar_subquery()
    )


def _sort_key(sort: LeadSort) -> Any:
    if sort == LeadSort.last_outcome_at:
        return _last_outcome_at()
    if sort == LeadSort.company:
        return col(Lead.sort_name)
    column = col(getattr(Lead, sort.value))
    if sort in (LeadSort.external_ref, LeadSort.region, LeadSort.segment):
        return func.nullif(column, "")  # an empty cell sorts with the missing ones
    return column


def last_outcomes(session: Session, lead_ids: list[uuid.UUID]) -> dict[uuid.UUID, LastOutcome]:
    if not lead_ids:
        return {}
    rows = session.exec(
        select(col(Outcome.lead_id), col(Outcome.code), col(Outcome.occurred_at))
        .where(col(Outcome.lead_id).in_(lead_ids), col(Outcome.retracted_at).is_(None))
        .order_by(col(Outcome.occurred_at))
    )
    return {lead_id: LastOutcome(code, at) for lead_id, code, at in rows}


def lead_conditions(
    *,
    campaign_id: uuid.UUID | None = None,
    rep_id: uuid.UUID | None = None,
    region: str | None = None,
    segment: str | None = None,
    q: str | None = None,
) -> list[Any]:
    """The leads list's filter, as SQL conditions (the list and bulk actions share it)."""
    conditions: list[Any] = []
    if campaign_id is not None:
        conditions.append(Lead.campaign_id == campaign_id)
    if rep_id is not None:
        conditions.append(Lead.rep_id == rep_id)
    if region:
        conditions.append(Lead.region == region)
    if segment:
        conditions.append(Lead.segment == segment)
    needle = fold(q or "")
    if needle:
        conditions.append(col(Lead.search_text).like(f"%{_escape_like(needle)}%", escape="\\"))
    return conditions
