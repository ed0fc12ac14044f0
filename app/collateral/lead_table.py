"""Seam to the leads feature, which builds on collateral: the leads' recommendations, read and
written by the `lead` table's name and columns (as campaigns ask the `outcome` table), so
collateral does not import the leads package."""

from sqlalchemy import JSON, Uuid, column, table

from app.core.types import UtcDateTime

LEAD = table(
    "lead",
    column("id", Uuid()),
    column("rep_id", Uuid()),
    column("campaign_id", Uuid()),
    column("recommended_collateral_ids", JSON()),  # an ordered list of collateral ids (text)
    column("recommendation_reasons", JSON()),  # {collateral id: {"objection", "said_on"}}
    column("updated_at", UtcDateTime()),
)
