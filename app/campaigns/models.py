import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

from app.core.time import utcnow
from app.core.types import UtcDateTime, enum_column

SHARE_DAYS = 30  # a campaign's default, and the term of a share of no campaign
MAX_SHARE_DAYS = 365


class CampaignStatus(StrEnum):
    draft = "draft"
    live = "live"
    archived = "archived"


class Campaign(SQLModel, table=True):
    """A marketing push. Reps see it only while `live` and when they are in its audience:
    everyone (`audience_all`), or a rep whose region is in `audience_regions` or whose team is
    in `audience_teams` (JSON lists of strings)."""

    __tablename__ = "campaign"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    name: str = Field(max_length=200, index=True)
    key_message: str = Field(default="", max_length=1000)
    talking_points_md: str = Field(default="", sa_column=Column(Text, nullable=False))
    talking_points_html: str = Field(default="", sa_column=Column(Text, nullable=False))
    starts_on: date | None = None
    ends_on: date | None = None
    status: CampaignStatus = Field(default=CampaignStatus.draft, sa_type=enum_column())
    audience_all: bool = True
    audience_regions: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    audience_teams: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Days a link shared on one of its leads stays open, counted when the share is made.
    share_days: int = Field(
        default=SHARE_DAYS, sa_column_kwargs={"server_default": str(SHARE_DAYS)}
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UtcDateTime, nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UtcDateTime, nullable=False)
    )
