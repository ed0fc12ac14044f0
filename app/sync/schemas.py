"""Shapes of the sync API: push mutations and answers, pull answers."""

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator

from app.core.inputs import RequestBody, SaneDay, SaneInstant
from app.leads.schemas import LeadCard
from app.outcomes.models import Fit, Sentiment
from app.shares.schemas import ShareCreate, ShareRevoke, ShareSummary
from app.signals.models import SignalKind, SignalStatus

MAX_BATCH = 500
Chip = Annotated[str, Field(min_length=1, max_length=40)]


class _Mutation(RequestBody):
    model_config = ConfigDict(extra="ignore")

    id: uuid.UUID
    seq: int | None = Field(default=None, ge=1, le=2**31 - 1)


class CollateralViewed(RequestBody):
    collateral_id: uuid.UUID
    seconds: int = Field(default=0, ge=0, le=86_400)
    pages: list[Annotated[int, Field(ge=1, le=100_000)]] = Field(
        default_factory=list, max_length=500
    )


class CollateralFit(RequestBody):
    collateral_id: uuid.UUID
    fit: Fit


class OutcomeLog(_Mutation):
    type: Literal["outcome.log"]
    lead_id: uuid.UUID
    code: str = Field(min_length=1, max_length=40)
    occurred_at: SaneInstant
    details: list[Chip] = Field(default_factory=list, max_length=20)
    note: str = Field(default="", max_length=2000)
    collateral_viewed: list[CollateralViewed] = Field(default_factory=list, max_length=100)
    collateral_fit: list[CollateralFit] = Field(default_factory=list, max_length=100)


class OutcomeRetract(_Mutation):
    type: Literal["outcome.retract"]
    outcome_id: uuid.UUID


class OutcomeAmend(_Mutation):
    """Detail chips or a note added after the tap (from its confirmation), to an outcome the
    server may hold already; a phone changes a still unsent `outcome.log` in place instead.
    A field given replaces the outcome's; one left out (null) stays as it is."""

    type: Literal["outcome.amend"]
    outcome_id: uuid.UUID
    details: list[Chip] | None = Field(default=None, max_length=20)
    note: str | None = Field(default=None, max_length=2000)


class LeadPlan(_Mutation):
    """The day of the rep's next visit to a lead (a follow-up's date chip). The time of day
    stays the lead's planned one, else 09:00, on the organisation's clock. Today or later."""

    type: Literal["lead.plan"]
    lead_id: uuid.UUID
    planned_on: SaneDay


class SignalSend(_Mutation):
    type: Literal["signal.send"]
    kind: SignalKind
    lead_id: uuid.UUID | None = None
    campaign_id: uuid.UUID | None = None  # none with a lead: the lead's campaign
    text: str = Field(default="", max_length=2000)
    # The tap; phones from before it was sent leave it out, and the signal gets its arrival time.
    occurred_at: SaneInstant | None = None


AnyMutation = (
    OutcomeLog | OutcomeRetract | OutcomeAmend | LeadPlan | SignalSend | ShareCreate | ShareRevoke
)
Mutation = Annotated[AnyMutation, Field(discriminator="type")]


def _an_object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError("a mutation is a JSON object")
    return value


# The schema documents each item as one of the mutations, while the service checks them one by
# one (`push._parse`), so one malformed mutation gets its own reason and the others still apply.
RawMutation = Annotated[dict[str, Any], PlainValidator(_an_object, json_schema_input_type=Mutation)]


class PushRequest(RequestBody):
    device_id: str = Field(min_length=1, max_length=100)
    mutations: list[RawMutation] = Field(max_length=MAX_BATCH)


class MutationStatus(StrEnum):
    applied = "applied"
    duplicate = "duplicate"
    rejected = "rejected"


class MutationResult(BaseModel):
    id: str | None
    status: MutationStatus
    reason: str | None = None
    detail: str | None = None
    flags: list[str] = Field(default_factory=list)


class DeviceState(BaseModel):
    device_id: str
    contiguous_through: int
    max_seq: int
    gaps: list[tuple[int, int]]


class PushResponse(BaseModel):
    results: list[MutationResult]
    device: DeviceState


class DevicePublic(DeviceState):
    rep_id: uuid.UUID
    rep_name: str
    missing: int
    first_seen_at: datetime
    last_seen_at: datetime


# ---- pull ----


class CollateralEvidenceSync(BaseModel):
    """How visits went when an item was shown to a group of customers: the segment or region
    named by `value`, or the whole campaign (`value` ""). Only groups with enough visits."""

    collateral_id: uuid.UUID
    group: Literal["segment", "region", "campaign"]
    value: str
    shown: int
    won: int


class RankingPriorSync(BaseModel):
    """The campaign average the phone shrinks each item's won share toward, and how many
    visits' worth it weighs (app/insights/ranking.py)."""

    mean: float
    strength: float


class CampaignSync(BaseModel):
    id: uuid.UUID
    name: str
    key_message: str
    talking_points_html: str
    starts_on: date | None
    ends_on: date | None
    updated_at: datetime
    ranking_prior: RankingPriorSync | None = None
    collateral_evidence: list[CollateralEvidenceSync] = []


class CollateralSync(BaseModel):
    id: uuid.UUID
    campaign_id: uuid.UUID
    kind: str
    title: str
    description: str
    segments: list[str]
    url: str | None
    file_url: str | None
    sha256: str | None
    content_type: str | None
    size: int | None
    filename: str | None
    tags: list[str] = []
    valid_until: date | None = None
    version: int
    replaces_id: uuid.UUID | None
    updated_at: datetime


class HistoryItem(BaseModel):
    id: uuid.UUID  # the outcome's
    rep_id: uuid.UUID  # who logged it (a phone counts its rep's taps from other phones too)
    code: str
    occurred_at: datetime
    rep_name: str
    note_excerpt: str


class RecommendationReason(BaseModel):
    """Why an item is recommended on the lead: a visit logged an objection (a detail chip) it
    answers. Phones list these items after marketing's `recommended_collateral_ids`."""

    collateral_id: uuid.UUID  # resolved to the current version, like the recommended ids
    objection: str
    said_on: date  # the visit's day on the organisation's clock


class LeadSync(LeadCard):
    """The lead as a phone holds it: recommended collateral resolved to current versions."""

    history: list[HistoryItem]
    updated_at: datetime
    recommendation_reasons: list[RecommendationReason] = []  # newest first
    shares: list[ShareSummary] = []  # the rep's shares with this lead's customer, newest first


class OutcomeCodeSync(BaseModel):
    code: str
    label_en: str
    label_de: str
    sentiment: Sentiment
    details: list[str]
    position: int
    active: bool


class SignalSync(BaseModel):
    id: uuid.UUID
    kind: SignalKind
    lead_id: uuid.UUID | None
    campaign_id: uuid.UUID | None
    text: str
    occurred_at: datetime  # the rep's tap
    created_at: datetime  # when the server received it
    status: SignalStatus
    acknowledged_at: datetime | None
    reply: str


class Changes(BaseModel):
    campaigns: list[CampaignSync] = Field(default_factory=list)
    collateral: list[CollateralSync] = Field(default_factory=list)
    leads: list[LeadSync] = Field(default_factory=list)
    outcome_codes: list[OutcomeCodeSync] = Field(default_factory=list)
    signals: list[SignalSync] = Field(default_factory=list)


class Removed(BaseModel):
    campaigns: list[uuid.UUID] = Field(default_factory=list)
    collateral: list[uuid.UUID] = Field(default_factory=list)
    leads: list[uuid.UUID] = Field(default_factory=list)


class PullResponse(BaseModel):
    cursor: str
    has_more: bool
    reset: bool = False
    changes: Changes = Field(default_factory=Changes)
    removed: Removed = Field(default_factory=Removed)
