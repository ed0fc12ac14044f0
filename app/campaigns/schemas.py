import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.campaigns.models import MAX_SHARE_DAYS, SHARE_DAYS, CampaignStatus
from app.core.inputs import RequestBody, SaneDay

Label = Annotated[str, Field(min_length=1, max_length=100)]
Labels = Annotated[list[Label], Field(max_length=50)]
ShareDays = Annotated[
    int,
    Field(
        ge=1,
        le=MAX_SHARE_DAYS,
        description="Days a link shared on one of the campaign's leads stays open, counted from "
        "when the share is made (1 to 365). A change applies to shares made afterwards.",
    ),
]


class CampaignFields(RequestBody):
    model_config = ConfigDict(extra="forbid")

    confirm_unknown_audience: bool = Field(
        default=False,
        description="Save an audience naming a region or team no active rep has (yet), or "
        "naming nobody; without it such an audience is refused with 422. Not stored.",
    )


# A rule between two fields, which JSON Schema cannot state: said in their description.
ENDS_ON = "The last day; on or after `starts_on` (422 `ends_on: before starts_on` otherwise)."
ENDS_ON_CHANGE = (
    "The last day; on or after the campaign's `starts_on` as changed (400 `ends_before_start`)."
)


class CampaignCreate(CampaignFields):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    key_message: Annotated[str, Field(max_length=1000)] = ""
    talking_points_md: Annotated[str, Field(max_length=20_000)] = ""
    starts_on: SaneDay | None = None
    ends_on: SaneDay | None = Field(default=None, description=ENDS_ON)
    status: CampaignStatus = CampaignStatus.draft
    audience_all: bool = True
    audience_regions: Labels = []
    audience_teams: Labels = []
    share_days: ShareDays = SHARE_DAYS

    @model_validator(mode="after")
    def _period(self) -> "CampaignCreate":
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValueError("ends_on: before starts_on")
        return self


class CampaignUpdate(CampaignFields):
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    key_message: Annotated[str, Field(max_length=1000)] | None = None
    talking_points_md: Annotated[str, Field(max_length=20_000)] | None = None
    starts_on: SaneDay | None = None
    ends_on: SaneDay | None = Field(default=None, description=ENDS_ON_CHANGE)
    status: CampaignStatus | None = None
    audience_all: bool | None = None
    audience_regions: Labels | None = None
    audience_teams: Labels | None = None
    share_days: ShareDays | None = None

    @field_validator("share_days")
    @classmethod
    def _days_given(cls, value: int | None) -> int:
        if value is None:  # only an explicit null reaches here: leaving it out keeps the days
            raise ValueError("may not be null; leave it out to keep the campaign's days")
        return value


class CampaignPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    name: str
    key_message: str
    talking_points_md: str
    talking_points_html: str
    starts_on: date | None
    ends_on: date | None
    status: CampaignStatus
    audience_all: bool
    audience_regions: list[str]
    audience_teams: list[str]
    share_days: int
    created_at: datetime
    updated_at: datetime


class CampaignDeleted(BaseModel):
    """`deleted`: gone with its collateral; `archived`: it has outcomes, so it was archived
    instead and its history stays for insights."""

    result: Literal["deleted", "archived"]
    detail: str
    campaign: CampaignPublic | None = None


class AudiencePreviewRequest(RequestBody):
    """A campaign form's audience as it is being edited (`campaign_id`: the campaign edited,
    whose lead holders count too)."""

    model_config = ConfigDict(extra="forbid")
    audience_all: bool = True
    audience_regions: Labels = []
    audience_teams: Labels = []
    campaign_id: uuid.UUID | None = None


class AudiencePreview(BaseModel):
    """Whom an audience reaches now: active reps in it, plus (for a stored campaign) those
    holding its leads, who see it too."""

    reps: int
    through_leads: int = Field(description="Of `reps`, reached only through their leads")
    names: list[str] = Field(description="The reps reached, by name (at most 20)")
    known_regions: list[str] = Field(description="Regions active reps have")
    known_teams: list[str] = Field(description="Teams active reps have")
    unknown_regions: list[str] = Field(description="Named regions no active rep has")
    unknown_teams: list[str] = Field(description="Named teams no active rep has")
