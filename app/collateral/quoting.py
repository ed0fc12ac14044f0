"""What a pushed outcome or signal may name: what a rep is given, the rep can use.

A campaign the rep could see (`campaigns_seen_by`: gone live, in their audience or holding
one of their leads) or the campaign of the mutation's own lead, and any version of such a
campaign's collateral (an outcome about a version replaced meanwhile keeps it).
"""

import uuid
from dataclasses import dataclass, field
from typing import Protocol

from sqlmodel import Session, col, select

from app.campaigns.models import Campaign
from app.campaigns.service import campaigns_seen_by
from app.collateral.models import Collateral


class OfCampaign(Protocol):
    @property
    def campaign_id(self) -> uuid.UUID | None: ...


@dataclass
class Quoting:
    collateral: dict[uuid.UUID, uuid.UUID] = field(default_factory=dict)  # item -> campaign
    campaigns: set[uuid.UUID] = field(default_factory=set)  # named campaigns that exist
    seen: set[uuid.UUID] = field(default_factory=set)  # of the named campaigns, those seen

    def campaign(self, campaign_id: uuid.UUID | None, lead: OfCampaign | None) -> bool:
        """May a mutation about `lead` name this campaign?"""
        if campaign_id is None:
            return False
        own = lead is not None and lead.campaign_id == campaign_id
        return own or campaign_id in self.seen

    def item(self, collateral_id: uuid.UUID, lead: OfCampaign | None) -> bool:
        """May a mutation about `lead` name this collateral item?"""
        return self.campaign(self.collateral.get(collateral_id), lead)


def load_quoting(
    session: Session,
    rep_id: uuid.UUID,
    collateral_ids: set[uuid.UUID],
    campaign_ids: set[uuid.UUID],
) -> Quoting:
    quoting = Quoting()
    if collateral_ids:
        of = select(Collateral.id, Collateral.campaign_id)
        rows = session.exec(of.where(col(Collateral.id).in_(collateral_ids))).all()
        quoting.collateral = dict(rows)
    if campaign_ids:
        named = select(Campaign.id).where(col(Campaign.id).in_(campaign_ids))
        quoting.campaigns = set(session.exec(named))
    named_or_holding = set(quoting.collateral.values()) | quoting.campaigns
    quoting.seen = campaigns_seen_by(session, rep_id, named_or_holding)
    return quoting
