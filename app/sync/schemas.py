"""Shapes of the sync API: push mutations and answers, pull answers."""

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, Field, PlainValidator

from app.core.inputs import RequestBody
from app.insights.schemas import CollateralEvidenceSync, RankingPriorSync
from app.leads.schemas import LeadCard, LeadPlan
from app.outcomes.schemas import (
    HistoryItem,
    OutcomeAmend,
    OutcomeCodeSync,
    OutcomeLog,
    OutcomeRetract,
)
from app.shares.schemas import ShareCreate, ShareRevoke, ShareSummary
from app.signals.schemas import SignalSend, SignalSync

MAX_BATCH = 500


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
