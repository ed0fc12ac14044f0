"""Outcome codes (the one-tap buttons) and the outcomes reps log with them.

`Outcome.id` is the client-generated UUID of the `outcome.log` mutation, so an outcome exists at
most once whatever the retries. `lead_id`, `campaign_id` and `collateral_id` carry no foreign
keys on purpose: history outlives a deleted lead or collateral item.
"""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Index, Text
from sqlmodel import Field, SQLModel

from app.core.time import utcnow
from app.core.types import UtcDateTime, enum_column

# The codes figures reckon with by name: a won visit (insights' won shares, the next visit after
# a share) and a follow-up.
WON = "won"
FOLLOW_UP = "follow_up"


class Sentiment(StrEnum):
    positive = "positive"
    neutral = "neutral"
    negative = "negative"


class Fit(StrEnum):
    up = "up"
    down = "down"


class OutcomeCode(SQLModel, table=True):
    """A configurable outcome button. Codes are never deleted: `active=False` hides the button
    and keeps every outcome that used it."""

    __tablename__ = "outcome_code"

    code: str = Field(primary_key=True, max_length=40)
    label_en: str = Field(max_length=80)
    label_de: str = Field(max_length=80)
    sentiment: Sentiment = Field(default=Sentiment.neutral, sa_type=enum_column())
    details: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    position: int = 0
    active: bool = True
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UtcDateTime, nullable=False)
    )


class Outcome(SQLModel, table=True):
    __tablename__ = "outcome"
    __table_args__ = (
        Index("ix_outcome_lead_id_occurred_at", "lead_id", "occurred_at"),
        Index("ix_outcome_rep_id_occurred_at", "rep_id", "occurred_at"),
        Index("ix_outcome_campaign_id_occurred_at", "campaign_id", "occurred_at"),
    )

    id: uuid.UUID = Field(primary_key=True)
    rep_id: uuid.UUID = Field(foreign_key="user_account.id")
    lead_id: uuid.UUID
    campaign_id: uuid.UUID | None = None
    code: str = Field(foreign_key="outcome_code.code", max_length=40)
    details: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    occurred_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))
    received_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UtcDateTime, nullable=False)
    )
    device_id: str = Field(default="", max_length=100)
    device_seq: int | None = None
    reassigned: bool = False
    retracted_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime))


class OutcomeCollateralView(SQLModel, table=True):
    """Collateral the rep opened for the lead before the tap (recorded by the phone)."""

    __tablename__ = "outcome_collateral_view"

    outcome_id: uuid.UUID = Field(foreign_key="outcome.id", primary_key=True, ondelete="CASCADE")
    collateral_id: uuid.UUID = Field(primary_key=True, index=True)
    seconds: int = 0
    pages: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class OutcomeCollateralFit(SQLModel, table=True):
    """The rep's thumbs up/down on how well a collateral item fit this visit."""

    __tablename__ = "outcome_collateral_fit"

    outcome_id: uuid.UUID = Field(foreign_key="outcome.id", primary_key=True, ondelete="CASCADE")
    collateral_id: uuid.UUID = Field(primary_key=True, index=True)
    fit: Fit = Field(sa_type=enum_column())
