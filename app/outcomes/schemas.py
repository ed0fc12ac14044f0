import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.changes.pushed import PushedMutation
from app.core.inputs import RequestBody, SaneInstant
from app.outcomes.models import Fit, Sentiment

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


# ---- pushed by phones (app/outcomes/mutations.py) ----

Chip = Annotated[str, Field(min_length=1, max_length=40)]


class CollateralViewed(RequestBody):
    collateral_id: uuid.UUID
    seconds: int = Field(default=0, ge=0, le=86_400)
    pages: list[Annotated[int, Field(ge=1, le=100_000)]] = Field(
        default_factory=list, max_length=500
    )


class CollateralFit(RequestBody):
    collateral_id: uuid.UUID
    fit: Fit


class OutcomeLog(PushedMutation):
    type: Literal["outcome.log"]
    lead_id: uuid.UUID
    code: str = Field(min_length=1, max_length=40)
    occurred_at: SaneInstant
    details: list[Chip] = Field(default_factory=list, max_length=20)
    note: str = Field(default="", max_length=2000)
    collateral_viewed: list[CollateralViewed] = Field(default_factory=list, max_length=100)
    collateral_fit: list[CollateralFit] = Field(default_factory=list, max_length=100)


class OutcomeRetract(PushedMutation):
    type: Literal["outcome.retract"]
    outcome_id: uuid.UUID


class OutcomeAmend(PushedMutation):
    """Detail chips or a note added after the tap (from its confirmation), to an outcome the
    server may hold already; a phone changes a still unsent `outcome.log` in place instead.
    A field given replaces the outcome's; one left out (null) stays as it is."""

    type: Literal["outcome.amend"]
    outcome_id: uuid.UUID
    details: list[Chip] | None = Field(default=None, max_length=20)
    note: str | None = Field(default=None, max_length=2000)


# ---- what a rep's phone is given (app/sync/pull.py) ----


class HistoryItem(BaseModel):
    id: uuid.UUID  # the outcome's
    rep_id: uuid.UUID  # who logged it (a phone counts its rep's taps from other phones too)
    code: str
    occurred_at: datetime
    rep_name: str
    note_excerpt: str


# An outcome code as the phone's pull carries it: the console's fields, under its own name.
class OutcomeCodeSync(OutcomeCodePublic):
    pass
