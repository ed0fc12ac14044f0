import uuid
from datetime import datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from app.core.time import utcnow
from app.core.types import UtcDateTime


class CalendarFeed(SQLModel, table=True):
    """A rep's private calendar feed. Only the SHA-256 of the URL's token is kept: the rep sees
    the URL once, and a new link replaces the old one (one feed per rep)."""

    __tablename__ = "calendar_feed"

    rep_id: uuid.UUID = Field(foreign_key="user_account.id", primary_key=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UtcDateTime, nullable=False)
    )
    last_read_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime))
