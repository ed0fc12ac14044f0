"""Campaigns: writing them, and who may see them (shared with sync and the file route)."""

import uuid

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.auth.models import Role, User
from app.campaigns.models import Campaign, CampaignStatus


def in_audience(campaign: Campaign, user: User) -> bool:
    """Everyone, or a rep whose region or team is named by the campaign."""
    if campaign.audience_all:
        return True
    return (bool(user.region) and user.region in campaign.audience_regions) or (
        bool(user.team) and user.team in campaign.audience_teams
    )


def is_campaign_visible(campaign: Campaign, user: User) -> bool:
    """Marketing and admin see every campaign; a rep only live ones in their audience."""
    if user.role in (Role.marketing, Role.admin):
        return True
    return campaign.status == CampaignStatus.live and in_audience(campaign, user)


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
