import uuid
from typing import Annotated

from fastapi import Depends

from app.auth.deps import MarketingUser
from app.campaigns.models import Campaign
from app.core import errors
from app.core.db import SessionDep


def campaign_for_marketing(
    campaign_id: uuid.UUID, _: MarketingUser, session: SessionDep
) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise errors.NotFound("Campaign not found", code="not_found")
    return campaign


MarketingCampaign = Annotated[Campaign, Depends(campaign_for_marketing)]
