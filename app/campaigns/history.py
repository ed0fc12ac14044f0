"""Seam to the outcomes feature: does a campaign have history that must not be lost?

Asked of the `outcome` table by its name and column (`campaign_id`), so campaigns, which
outcomes build on, do not import the outcomes package.
"""

import uuid

from sqlalchemy import Uuid, column, exists, select, table
from sqlmodel import Session

_OUTCOME = table("outcome", column("campaign_id", Uuid()))


def campaign_has_history(session: Session, campaign_id: uuid.UUID) -> bool:
    found = exists().where(_OUTCOME.c.campaign_id == campaign_id)
    return bool(session.scalar(select(found)))
