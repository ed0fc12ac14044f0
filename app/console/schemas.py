import uuid
from typing import Annotated

from pydantic import BaseModel, Field

from app.core.inputs import RequestBody


class RepChoice(BaseModel):
    """A rep as the console offers them for assignment and filters."""

    id: uuid.UUID
    name: str
    email: str
    region: str
    team: str
    is_active: bool


class Organisation(BaseModel):
    """What the console shows about the organisation as a whole."""

    timezone: str = Field(
        description="the organisation time zone (IANA name): local dates/times without an "
        "offset (CSV import, console forms) are read in it"
    )


class Facets(BaseModel):
    """Known values for the console's filter menus."""

    regions: list[str]
    segments: list[str]
    teams: list[str]


class MarkdownPreviewRequest(RequestBody):
    text: Annotated[str, Field(max_length=20_000)]


class MarkdownPreview(BaseModel):
    html: str
