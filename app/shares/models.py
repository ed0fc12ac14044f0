"""Shares: collateral a rep sends to a customer by link, and what the customer read.

Only the SHA-256 of a share's token is kept; the phone that made the share keeps the token to
show the link again. A visit is one opening of the page: an opaque random id, the time and a
device class (phone, tablet, desktop), never an address or a fingerprint. Readings are the
seconds per item and page (page 0: the item as a whole) and the downloads of one visit.
"""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from app.core.time import utcnow
from app.core.types import UtcDateTime, enum_column


class DeviceClass(StrEnum):
    phone = "phone"
    tablet = "tablet"
    desktop = "desktop"


class Share(SQLModel, table=True):
    __tablename__ = "share"

    id: uuid.UUID = Field(primary_key=True)  # chosen by the phone
    token_hash: str = Field(max_length=64, unique=True)
    rep_id: uuid.UUID = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    lead_id: uuid.UUID = Field(foreign_key="lead.id", index=True, ondelete="CASCADE")
    campaign_id: uuid.UUID | None = Field(
        default=None, foreign_key="campaign.id", ondelete="SET NULL"
    )
    collateral_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UtcDateTime, nullable=False)
    )
    expires_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime))
    # When the rep's phones were last told about new reading (at most once a minute).
    told_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime))


class ShareVisit(SQLModel, table=True):
    __tablename__ = "share_visit"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    share_id: uuid.UUID = Field(foreign_key="share.id", index=True, ondelete="CASCADE")
    opened_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UtcDateTime, nullable=False)
    )
    device: DeviceClass = Field(sa_type=enum_column(10))
    beacons: int = 0


class ShareReading(SQLModel, table=True):
    __tablename__ = "share_reading"

    visit_id: uuid.UUID = Field(foreign_key="share_visit.id", primary_key=True, ondelete="CASCADE")
    collateral_id: uuid.UUID = Field(primary_key=True)
    page: int = Field(primary_key=True)  # 0: the item as a whole (an image, a video)
    seconds: int = 0
    downloads: int = 0
