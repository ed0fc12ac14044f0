import uuid
from typing import Annotated

from fastapi import Depends

from app.auth.deps import MarketingUser
from app.core import errors
from app.core.db import SessionDep
from app.leads.models import Lead


def lead_for_marketing(lead_id: uuid.UUID, _: MarketingUser, session: SessionDep) -> Lead:
    lead = session.get(Lead, lead_id)
    if lead is None:
        raise errors.NotFound("Lead not found", code="not_found")
    return lead


MarketingLead = Annotated[Lead, Depends(lead_for_marketing)]
