import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Connection, Index, Text, event, inspect, select
from sqlmodel import Field, SQLModel

from app.core.db import table_of
from app.core.text import fold
from app.core.time import utcnow
from app.core.types import UtcDateTime


class Lead(SQLModel, table=True):
    """An account/contact to visit, assigned to one rep, with its brief.

    `brief_md` is what marketing wrote; `brief_html` is its sanitised rendering, the only form
    that reaches a phone. `recommended_collateral_ids` is an ordered JSON list of collateral ids
    (strings).
    """

    __tablename__ = "lead"
    __table_args__ = (Index("ix_lead_rep_id_planned_visit_at", "rep_id", "planned_visit_at"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    external_ref: str | None = Field(default=None, max_length=100, unique=True)
    company: str = Field(max_length=200)
    # Derived on every write (by the events below, or by bulk writers via `derived_fields`):
    # the company as people sort it, and the searched fields, both without case and accents.
    sort_name: str = Field(
        default="", max_length=200, index=True, sa_column_kwargs={"server_default": ""}
    )
    search_text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    contact_name: str = Field(default="", max_length=200)
    contact_role: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=50)
    email: str = Field(default="", max_length=320)
    street: str = Field(default="", max_length=200)
    postal_code: str = Field(default="", max_length=20)
    city: str = Field(default="", max_length=100)
    country: str = Field(default="", max_length=100)
    region: str = Field(default="", max_length=100, index=True)
    segment: str = Field(default="", max_length=100, index=True)
    campaign_id: uuid.UUID | None = Field(
        default=None, foreign_key="campaign.id", index=True, ondelete="SET NULL"
    )
    rep_id: uuid.UUID = Field(foreign_key="user_account.id")
    planned_visit_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime))
    priority: int = 2
    brief_md: str = Field(default="", sa_column=Column(Text, nullable=False))
    brief_html: str = Field(default="", sa_column=Column(Text, nullable=False))
    recommended_collateral_ids: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    # Collateral recommended because a visit logged an objection it answers (`app.collateral.
    # counters`): {collateral id: {"objection": chip, "said_on": "YYYY-MM-DD"}}, after
    # marketing's own list on the phone.
    recommendation_reasons: dict[str, dict[str, str]] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}")
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UtcDateTime, nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UtcDateTime, nullable=False)
    )


SEARCHED = ("company", "contact_name", "city", "postal_code", "external_ref", "email")


def derived_fields(values: dict[str, Any]) -> dict[str, str]:
    """`sort_name` and `search_text` from a lead's (complete) values."""
    searched = (fold(values.get(name) or "") for name in SEARCHED)
    return {
        "sort_name": fold(values["company"])[:200],
        "search_text": "\n".join(searched),  # a line per field: no match spans two
    }


@event.listens_for(Lead, "before_insert")
@event.listens_for(Lead, "before_update")
def _keep_derived_fields(_mapper: Any, connection: Connection, lead: Lead) -> None:
    state = inspect(lead)
    if not state.has_identity:  # a new lead: every field is at hand
        values = {name: getattr(lead, name) for name in SEARCHED}
    elif not any(state.attrs[name].history.has_changes() for name in SEARCHED):
        return  # nothing searched changed (the fields may not even be loaded)
    else:
        values = {name: state.dict[name] for name in SEARCHED if name in state.dict}
    if len(values) < len(SEARCHED):  # some expired: read them on the flush's connection
        table = table_of(Lead)
        row = connection.execute(select(table).where(table.c.id == lead.id)).mappings().one()
        values = {name: row[name] for name in SEARCHED} | values
    for name, value in derived_fields(values).items():
        setattr(lead, name, value)
