"""Campaigns: writing them, and who may see them (shared with sync and the file route)."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.auth.models import Role, User
from app.campaigns.history import campaign_has_history
from app.campaigns.holders import (
    collateral_ids_of,
    held_campaign_ids,
    lead_holder_ids,
    release_leads,
)
from app.campaigns.markdown import render_markdown
from app.campaigns.models import Campaign, CampaignStatus
from app.campaigns.schemas import AudiencePreview
from app.changes.log import SyncEntity, hold_writers, record_change, record_changes
from app.core import errors
from app.core.db import read_locked
from app.core.time import utcnow
from app.push.notices import NoticeKind, notify_reps


class Audience(Protocol):
    """A campaign's audience (a stored campaign, or the values of a form before saving)."""

    @property
    def audience_all(self) -> bool: ...
    @property
    def audience_regions(self) -> list[str]: ...
    @property
    def audience_teams(self) -> list[str]: ...


@dataclass(frozen=True)
class AudienceDraft:
    """Audience values not (yet) stored: a form being edited, or an update being checked."""

    audience_all: bool
    audience_regions: list[str]
    audience_teams: list[str]


def in_audience(audience: Audience, user: User) -> bool:
    """Everyone, or a rep whose region or team is named by the audience."""
    if audience.audience_all:
        return True
    return (bool(user.region) and user.region in audience.audience_regions) or (
        bool(user.team) and user.team in audience.audience_teams
    )


def _active_reps(session: Session) -> list[User]:
    query = select(User).where(User.role == Role.rep, col(User.is_active).is_(True))
    return list(session.exec(query.order_by(col(User.name), col(User.id))))


def reached_rep_ids(session: Session, campaign: Campaign) -> list[uuid.UUID]:
    """Active reps who see the campaign while it is live (its audience and the reps holding
    its leads): whom its go-live or new collateral concerns."""
    holders = lead_holder_ids(session, campaign.id)
    return [
        rep.id for rep in _active_reps(session) if rep.id in holders or in_audience(campaign, rep)
    ]


def is_campaign_visible(session: Session, campaign: Campaign, user: User) -> bool:
    """Marketing and admin see every campaign; a rep a live one in their audience or one of
    whose leads they hold (see `visible_campaign_ids`)."""
    if user.role in (Role.marketing, Role.admin):
        return True
    if campaign.status != CampaignStatus.live:
        return False
    return in_audience(campaign, user) or campaign.id in held_campaign_ids(session, user.id)


def audience_changed(session: Session, rep: User) -> None:
    """A rep's region or team changed: their phone re-checks every live campaign (the pull
    sends those now in their audience with their collateral, and removes the others)."""
    if rep.role != Role.rep:
        return
    # Which campaigns are live is read after taking the writers' turn: one going live meanwhile
    # then either is live here or records its change after this one (and is judged by the new
    # audience), never in between unseen.
    hold_writers(session)
    live = session.exec(select(Campaign.id).where(Campaign.status == CampaignStatus.live))
    record_changes(session, [(SyncEntity.campaign, campaign_id, rep.id) for campaign_id in live])


def visible_campaign_ids(session: Session, rep: User) -> list[uuid.UUID]:
    """Ids of the live campaigns `rep` sees: those whose audience includes them, and those of
    the leads they hold. What a rep is given, the rep can use: a lead assigned outside its
    campaign's audience (by hand, in bulk, by import, or left behind when the audience or the
    rep's region changed) brings its campaign's talking points and collateral along. Lead
    writers record the campaign's change for the lead's rep (`app.leads.service.
    holding_changes`), so the phone gains and loses it with its leads.

    Audiences are JSON lists, which SQLite and PostgreSQL query differently; live campaigns are
    few, so the audience is checked here in Python.
    """
    live = session.exec(select(Campaign).where(Campaign.status == CampaignStatus.live)).all()
    seen = _in_audience_or_held(session, rep, live)
    return [c.id for c in live if c.id in seen]


def campaigns_visible_to(session: Session, rep: User) -> SelectOfScalar[Campaign]:
    """A select of the campaigns `rep` may see (live; in the audience or holding their lead)."""
    return select(Campaign).where(col(Campaign.id).in_(visible_campaign_ids(session, rep)))


def campaigns_seen_by(
    session: Session, rep_id: uuid.UUID, campaign_ids: Iterable[uuid.UUID]
) -> set[uuid.UUID]:
    """Of `campaign_ids`, those the rep's phone may have held: gone live (live, or archived
    since: a phone may still quote one archived while it was offline) and in the rep's
    audience or holding one of their leads. What a push may quote."""
    wanted = set(campaign_ids)
    if not wanted:
        return set()
    rep = session.get(User, rep_id)
    if rep is None:
        return set()
    shown = session.exec(
        select(Campaign).where(
            col(Campaign.id).in_(wanted), Campaign.status != CampaignStatus.draft
        )
    ).all()
    return _in_audience_or_held(session, rep, shown)


def _in_audience_or_held(
    session: Session, rep: User, campaigns: Iterable[Campaign]
) -> set[uuid.UUID]:
    """Of `campaigns`, those in the rep's audience or holding one of the rep's leads. The
    leads are read only when a campaign is outside the audience (usually none is)."""
    inside = {c.id for c in campaigns if in_audience(c, rep)}
    outside = {c.id for c in campaigns} - inside
    return inside | (held_campaign_ids(session, rep.id) & outside if outside else set())


# --- audiences (marketing) -----------------------------------------------------------------

PREVIEW_NAMES = 20


def preview_audience(
    session: Session, audience: Audience, campaign_id: uuid.UUID | None = None
) -> AudiencePreview:
    """Whom a campaign with this audience reaches (active reps), and the regions and teams
    active reps have. With `campaign_id`, reps holding that campaign's leads count too."""
    reps = _active_reps(session)
    holders = lead_holder_ids(session, campaign_id) if campaign_id else set()
    by_audience = [rep for rep in reps if in_audience(audience, rep)]
    by_leads = [rep for rep in reps if rep.id in holders and not in_audience(audience, rep)]
    reached = sorted(by_audience + by_leads, key=lambda rep: (rep.name.casefold(), rep.email))
    regions, teams = _known(reps)
    return AudiencePreview(
        reps=len(reached),
        through_leads=len(by_leads),
        names=[rep.name for rep in reached[:PREVIEW_NAMES]],
        known_regions=sorted(regions, key=str.casefold),
        known_teams=sorted(teams, key=str.casefold),
        unknown_regions=_unknown(audience, audience.audience_regions, regions),
        unknown_teams=_unknown(audience, audience.audience_teams, teams),
    )


def _known(reps: list[User]) -> tuple[set[str], set[str]]:
    return {rep.region for rep in reps if rep.region}, {rep.team for rep in reps if rep.team}


def _unknown(audience: Audience, named: list[str], known: set[str]) -> list[str]:
    """The names no active rep has (none when the audience is everyone: the lists are unused)."""
    if audience.audience_all:
        return []
    return [name for name in dict.fromkeys(named) if name not in known]


CONFIRM = " (send confirm_unknown_audience: true to save it anyway)"


def check_audience(session: Session, audience: Audience) -> None:
    """Refuse (422) an audience naming a region or team no active rep has, or naming nobody.
    A marketer may still prepare a campaign for reps to come: the request then confirms it
    (`confirm_unknown_audience`), and the caller skips this check."""
    if audience.audience_all:
        return
    regions, teams = _known(_active_reps(session))
    problems: list[tuple[str, str, object]] = []
    for field, named, known, word in (
        ("audience_regions", audience.audience_regions, regions, "region"),
        ("audience_teams", audience.audience_teams, teams, "team"),
    ):
        unknown = _unknown(audience, named, known)
        if unknown:
            listed = ", ".join(repr(name) for name in unknown)
            problems.append((field, f"no active rep has the {word} {listed}{CONFIRM}", unknown))
    if not audience.audience_regions and not audience.audience_teams:
        problems.append(
            ("audience_all", f"no region or team named: it reaches nobody{CONFIRM}", None)
        )
    if problems:
        raise errors.unprocessable(problems)


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


def create_campaign(
    session: Session, *, data: dict[str, Any], confirm_unknown_audience: bool = False
) -> Campaign:
    campaign = Campaign(**data)
    if not confirm_unknown_audience:
        check_audience(session, campaign)
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
            reached_rep_ids(session, campaign),
            kind=NoticeKind.new_campaign,
            target_id=campaign.id,
            title=f"New campaign: {campaign.name}",
        )


AUDIENCE_FIELDS = ("audience_all", "audience_regions", "audience_teams")


def update_campaign(
    session: Session,
    *,
    campaign: Campaign,
    changes: dict[str, Any],
    confirm_unknown_audience: bool = False,
) -> Campaign:
    """Apply marketing's changes. The audience is checked (`check_audience`) when it changes
    and when the campaign goes live, unless the request confirms it."""
    read_locked(session, campaign, "Campaign not found")  # its status now, not as loaded
    for name, value in changes.items():
        if value is None and name not in ("starts_on", "ends_on"):
            raise errors.BadRequest(f"{name}: may not be null")
    new_status = changes.get("status")
    if new_status is not None and new_status not in ALLOWED_MOVES[campaign.status]:
        raise errors.Conflict(
            f"status: a {campaign.status} campaign cannot go back to {new_status}",
            code="status_move",
            params={"from": str(campaign.status), "to": str(new_status)},
        )
    starts_on = changes.get("starts_on", campaign.starts_on)
    ends_on = changes.get("ends_on", campaign.ends_on)
    if starts_on and ends_on and ends_on < starts_on:
        raise errors.BadRequest("ends_on: before starts_on", code="ends_before_start")
    going_live = new_status == CampaignStatus.live and campaign.status != CampaignStatus.live
    if not confirm_unknown_audience and (going_live or any(f in changes for f in AUDIENCE_FIELDS)):
        merged = {f: changes.get(f, getattr(campaign, f)) for f in AUDIENCE_FIELDS}
        check_audience(session, AudienceDraft(**merged))
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
    collateral_ids = collateral_ids_of(session, campaign.id)
    leads = release_leads(session, campaign.id)
    record_changes(
        session,
        [(SyncEntity.campaign, campaign.id, None)]
        + [(SyncEntity.collateral, collateral_id, None) for collateral_id in collateral_ids]
        + [(SyncEntity.lead, lead_id, rep_id) for lead_id, rep_id in leads],
    )
    session.delete(campaign)
    session.flush()
    return True
