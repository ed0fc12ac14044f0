"""Seam to the outcomes feature: does a campaign have history that must not be lost?

Asked through the `outcome` table of the shared metadata (column `campaign_id`), so campaigns do
not import the outcomes package; while that table does not exist, nothing has history.
"""

import uuid

from sqlalchemy import exists, select
from sqlmodel import Session, SQLModel

import app.models  # noqa: F401  (every feature's tables are in the metadata)


def campaign_has_history(session: Session, campaign_id: uuid.UUID) -> bool:
    table = SQLModel.metadata.tables.get("outcome")
    if table is None or "campaign_id" not in table.c:
        return False
    return bool(session.scalar(select(exists().where(table.c.campaign_id == campaign_id))))
