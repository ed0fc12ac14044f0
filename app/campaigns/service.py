"""Campaigns: writing them, and who may see them (shared with sync and the file route)."""

import uuid
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.auth.models import Role, User
from app.campaigns.history import campaign_has_history
from app.campaigns.markdown import render_markdown
from app.campaigns.models import Campaign, CampaignStatus
from app.core import errors
from app.core.db import locked, read_locked
from app.core.time import utcnow
from app.push.notices import NoticeKind, notify_reps
from app.sync.changes import SyncEntity, lock_clock, record_change, record_changes


def in_audience(campaign: Campaign, user: User) -> bool:
    """Everyone, or a rep whose region or team is named by the campaign."""
    if campaign.audience_all:
        return True
    return (bool(user.region) and user.region in campaign.audience_regions) or (
        bool(user.team) and user.team in campaign.audience_teams
    )


def audience_rep_ids(session: Session, campaign: Campaign) -> list[uuid.UUID]:
    """Active reps in the campaign's audience: whom its go-live or new collateral concerns."""
    reps = session.exec(select(User).where(User.role == Role.rep, col(User.is_active).is_(True)))
    return [rep.id for rep in reps if in_audience(campaign, rep)]


def is_campaign_visible(campaign: Campaign, user: User) -> bool:
    """Marketing and admin see every campaign; a rep only live ones in their audience."""
    if user.role in (Role.marketing, Role.admin):
        return True
    return campaign.status == CampaignStatus.live and in_audience(campaign, user)


def audience_changed(session: Session, rep: User) -> None:
    """A rep's region or team changed: their phone re-checks every live campaign (the pull
    sends those now in their audience with their collateral, and removes the others)."""
    if rep.role != Role.rep:
        return
    # Which campaigns are live is read after taking the clock: one going live meanwhile then
    # either is live here or records its change after this one (and is judged by the new
    # audience), never in between unseen.
    lock_clock(session)
    live = session.exec(select(Campaign.id).where(Campaign.status == CampaignStatus.live))
    record_changes(session, [(SyncEntity.campaign, campaign_id, rep.id) for campaign_id in live])


def visible_campaign_ids(session: Session, rep: User) -> list[uuid.UUID]:
    """Ids of the live campaigns whose audience includes `rep`.

    Audiences are JSON lists, which SQLite and PostgreSQL query differently; live campaigns are
    few, so the audience is checked here in Python.
    """
    live = session.exec(select(Campaign).where(Campaign.status == CampaignStatus.live))
    return [c.id for c in live if in_audience(c, rep)]


def campaigns_visible_to(session: Session, rep: User) -> SelectOfScalar[Campaign]:
    """A select of the campaigns `rep` may see (live, in the audience)."""
    return select(Campaign).where(col(Campaign.id).in_(visible_campaign_ids(session, rep)))


# --- writing (marketing) -------------------------------------------------------------------

ALLOWED_MOVES: dict[CampaignStatus, set[CampaignStatus]] = {
    CampaignStatus.draft: {CampaignStatus.draft, CampaignStatus.live, CampaignStatus.archived},
    CampaignStatus.live: {CampaignStatus.live, CampaignStatus.archived},
    CampaignStatus.archived: {CampaignStatus.archived, CampaignStatus.live},
}


def list_campaigns(session: Session, *, status: CampaignStatus | None = None) -> list[Campaign]:
    query = select(Campaign).order_by(col(Campaign.created_at).desc(), col(Campaign.name))
    if status is not None:
        query = query.where(Campaign.status == status)
    return list(session.exec(query))


def create_campaign(session: Session, *, data: dict[str, Any]) -> Campaign:
    campaign = Campaign(**data)
    campaign.talking_points_html = render_markdown(campaign.talking_points_md)
    session.add(campaign)
    session.flush()
    record_change(session, SyncEntity.campaign, campaign.id)
    _announce_if_live(session, campaign)
    return campaign


def _announce_if_live(session: Session, campaign: Campaign) -> None:
    if campaign.status == CampaignStatus.live:
        notify_reps(
            session,
            audience_rep_ids(session, campaign),
            kind=NoticeKind.new_campaign,
            target_id=campaign.id,
            title=f"New campaign: {campaign.name}",
        )


def update_campaign(session: Session, *, campaign: Campaign, changes: dict[str, Any]) -> Campaign:
    read_locked(session, campaign, "Campaign not found")  # its status now, not as loaded
    for name, value in changes.items():
        if value is None and name not in ("starts_on", "ends_on"):
            raise errors.BadRequest(f"{name}: may not be null")
    new_status = changes.get("status")
    if new_status is not None and new_status not in ALLOWED_MOVES[campaign.status]:
        raise errors.Conflict(
            f"status: a {campaign.status} campaign cannot go back to {new_status}"
        )
    starts_on = changes.get("starts_on", campaign.starts_on)
    ends_on = changes.get("ends_on", campaign.ends_on)
    if starts_on and ends_on and ends_on < starts_on:
        raise errors.BadRequest("ends_on: before starts_on")
    old_status = campaign.status
    for name, value in changes.items():
        setattr(campaign, name, value)
    if "talking_points_md" in changes:
        campaign.talking_points_html = render_markdown(campaign.talking_points_md)
    campaign.updated_at = utcnow()
    session.add(campaign)
    session.flush()
    record_change(session, SyncEntity.campaign, campaign.id)
    if new_status is not None and new_status != old_status:
        _announce_if_live(session, campaign)
    return campaign


def delete_campaign(session: Session, *, campaign: Campaign) -> bool:
    """Delete a campaign with its collateral, or archive it when it has outcomes.

    Returns True when deleted, False when archived instead. Leads of a deleted campaign stay,
    without a campaign.
    """
    read_locked(session, campaign, "Campaign not found")
    if campaign_has_history(session, campaign.id):
        if campaign.status != CampaignStatus.archived:
            update_campaign(session, campaign=campaign, changes={"status": CampaignStatus.archived})
        return False
    # Imported here: collateral and leads build on campaigns, not the other way round.
    from app.collateral.models import Collateral
    from app.leads.models import Lead

    collateral_ids = session.exec(
        select(Collateral.id).where(Collateral.campaign_id == campaign.id)
    ).all()
    # The leads are locked before the sync clock (taken by `record_changes`), as every writer
    # does: their reps are then current, and a reassignment in flight cannot deadlock with us.
    of_campaign = select(Lead.id, Lead.rep_id).where(Lead.campaign_id == campaign.id)
    leads = session.exec(locked(of_campaign)).all()
    session.execute(
        update(Lead)
        .where(col(Lead.campaign_id) == campaign.id)
        .values(campaign_id=None, updated_at=utcnow())
    )
    record_changes(
        session,
        [(SyncEntity.campaign, campaign.id, None)]
        + [(SyncEntity.collateral, collateral_id, None) for collateral_id in collateral_ids]
        + [(SyncEntity.lead, lead_id, rep_id) for lead_id, rep_id in leads],
    )
    session.delete(campaign)
    session.flush()
    return True
