import uuid
from typing import Annotated

from pydantic import BaseModel, Field


class RepChoice(BaseModel):
    """A rep as the console offers them for assignment and filters."""

    id: uuid.UUID
    name: str
    email: str
    region: str
    team: str
    is_active: bool


class Facets(BaseModel):
    """Known values for the console's filter menus."""

    regions: list[str]
    segments: list[str]
    teams: list[str]


class MarkdownPreviewRequest(BaseModel):
    text: Annotated[str, Field(max_length=20_000)]


class MarkdownPreview(BaseModel):
    html: str
