"""Signals: short field messages from a rep to marketing, which marketing acknowledges."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from app.core.time import utcnow
from app.core.types import UtcDateTime, enum_column


class SignalKind(StrEnum):
    need_material = "need_material"
    competitor = "competitor"
    price_pressure = "price_pressure"
    customer_wish = "customer_wish"
    other = "other"


class SignalStatus(StrEnum):
    open = "open"
    acknowledged = "acknowledged"


class Signal(SQLModel, table=True):
    """`id` is the client-generated UUID of the `signal.send` mutation."""

    __tablename__ = "signal"
    __table_args__ = (
        Index("ix_signal_status_occurred_at", "status", "occurred_at"),
        Index("ix_signal_rep_id_created_at", "rep_id", "created_at"),
    )

    id: uuid.UUID = Field(primary_key=True)
    rep_id: uuid.UUID = Field(foreign_key="user_account.id")
    kind: SignalKind = Field(sa_type=enum_column())
    lead_id: uuid.UUID | None = None
    campaign_id: uuid.UUID | None = None
    text: str = Field(default="", sa_column=Column(Text, nullable=False))
    occurred_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UtcDateTime, nullable=False)
    )  # the rep's tap
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UtcDateTime, nullable=False)
    )  # when the push arrived
    device_id: str = Field(default="", max_length=100)
    status: SignalStatus = Field(default=SignalStatus.open, sa_type=enum_column())
    acknowledged_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime))
    acknowledged_by_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    reply: str = Field(default="", sa_column=Column(Text, nullable=False))
