from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from app.core.inputs import RequestBody
from app.outcomes.models import Sentiment

CODE_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
ChipName = Annotated[str, Field(pattern=CODE_PATTERN)]


class OutcomeCodePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    label_en: str
    label_de: str
    sentiment: Sentiment
    details: list[str]
    position: int
    active: bool


class OutcomeCodeCreate(RequestBody):
    code: str = Field(pattern=CODE_PATTERN)
    label_en: str = Field(min_length=1, max_length=80)
    label_de: str = Field(min_length=1, max_length=80)
    sentiment: Sentiment = Sentiment.neutral
    details: list[ChipName] = Field(default_factory=list, max_length=20)
    position: int = Field(default=100, ge=0, le=10_000)
    active: bool = True


class OutcomeCodeUpdate(RequestBody):
    label_en: str | None = Field(default=None, min_length=1, max_length=80)
    label_de: str | None = Field(default=None, min_length=1, max_length=80)
    sentiment: Sentiment | None = None
    details: list[ChipName] | None = Field(default=None, max_length=20)
    position: int | None = Field(default=None, ge=0, le=10_000)
    active: bool | None = None
