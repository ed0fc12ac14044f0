from datetime import datetime

from pydantic import BaseModel


class CalendarFeedState(BaseModel):
    """Whether the rep has a calendar feed. The URL itself is shown only when it is made."""

    active: bool
    created_at: datetime | None = None
    last_read_at: datetime | None = None


class CalendarFeedLink(BaseModel):
    url: str
    created_at: datetime
