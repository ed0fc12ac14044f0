"""Seam to the features that build on campaigns: the leads of a campaign and who holds them,
and the ids of its collateral.

Asked of the `lead` and `collateral` tables by their names and columns (as `history.py` asks
the `outcome` table), so campaigns do not import the leads or collateral packages.
"""

import uuid

from sqlalchemy import Uuid, column, select, table, update
from sqlmodel import Session

from app.core.db import locked
from app.core.time import utcnow
from app.core.types import UtcDateTime

_LEAD = table(
    "lead",
    column("id", Uuid()),
    column("rep_id", Uuid()),
    column("campaign_id", Uuid()),
    column("updated_at", UtcDateTime()),
)
_COLLATERAL = table("collateral", column("id", Uuid()), column("campaign_id", Uuid()))


def held_campaign_ids(session: Session, rep_id: uuid.UUID) -> set[uuid.UUID]:
    """The campaigns of the leads `rep_id` holds (read through the rep's index: a rep holds
    hundreds of leads, a campaign may have thousands)."""
    lead = _LEAD.c
    query = select(lead.campaign_id).where(lead.rep_id == rep_id, lead.campaign_id.is_not(None))
    return {campaign_id for campaign_id in session.scalars(query.distinct()) if campaign_id}


def lead_holder_ids(session: Session, campaign_id: uuid.UUID) -> set[uuid.UUID]:
    """The reps holding one of the campaign's leads."""
    lead = _LEAD.c
    return set(
        session.scalars(select(lead.rep_id).where(lead.campaign_id == campaign_id).distinct())
    )


def collateral_ids_of(session: Session, campaign_id: uuid.UUID) -> list[uuid.UUID]:
    """Every collateral item of the campaign (any version)."""
    item = _COLLATERAL.c
    return list(session.scalars(select(item.id).where(item.campaign_id == campaign_id)))


def release_leads(session: Session, campaign_id: uuid.UUID) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """The campaign's leads stay, without a campaign; returns them as (lead, rep) pairs.

    The leads are locked before the sync clock (taken by the caller's `record_changes`), as
    every writer does: their reps are then current, and a reassignment in flight cannot
    deadlock with us."""
    lead = _LEAD.c
    of_campaign = select(lead.id, lead.rep_id).where(lead.campaign_id == campaign_id)
    leads = [(lead_id, rep_id) for lead_id, rep_id in session.execute(locked(of_campaign))]
    session.execute(
        update(_LEAD)
        .where(lead.campaign_id == campaign_id)
        .values(campaign_id=None, updated_at=utcnow())
    )
    return leads
