"""Collateral: versions, uploads, and who may see which file."""

import uuid
from collections.abc import Iterable

from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.collateral.models import Collateral


def current_collateral_of(campaign_ids: Iterable[uuid.UUID]) -> SelectOfScalar[Collateral]:
    """The current (not replaced, not deleted) collateral of the given campaigns."""
    return select(Collateral).where(
        col(Collateral.campaign_id).in_(list(campaign_ids)),
        col(Collateral.replaced_by_id).is_(None),
        col(Collateral.deleted_at).is_(None),
    )
