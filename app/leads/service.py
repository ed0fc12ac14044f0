"""Leads and their briefs."""

import uuid

from sqlmodel import select
from sqlmodel.sql.expression import SelectOfScalar

from app.leads.models import Lead


def leads_of_rep(rep_id: uuid.UUID) -> SelectOfScalar[Lead]:
    """Every lead assigned to `rep_id` (what that rep's phone holds)."""
    return select(Lead).where(Lead.rep_id == rep_id)
