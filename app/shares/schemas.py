"""Shapes of shares: the mutations a phone pushes, what its pull carries, the beacons."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.core.inputs import RequestBody

MAX_ITEMS = 20
MAX_PAGE = 2000
MAX_BEACON_SECONDS = 3600
# ≥ 128 random bits, base64url without padding (22 characters hold 132 bits).
Token = Annotated[str, Field(min_length=22, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


class _ShareMutation(RequestBody):
    model_config = ConfigDict(extra="ignore")

    id: uuid.UUID
    seq: int | None = Field(default=None, ge=1, le=2**31 - 1)


class ShareCreate(_ShareMutation):
    """A link to collateral for the customer of a lead. The phone makes the token and keeps
    it; the server keeps only its SHA-256. Items the rep may not see are left out."""

    type: Literal["share.create"]
    share_id: uuid.UUID
    lead_id: uuid.UUID
    token: Token
    collateral_ids: list[uuid.UUID] = Field(min_length=1, max_length=MAX_ITEMS)


class ShareRevoke(_ShareMutation):
    type: Literal["share.revoke"]
    share_id: uuid.UUID


class ShareStatus(StrEnum):
    active = "active"
    revoked = "revoked"
    expired = "expired"


class ShareSummary(BaseModel):
    """A share as the rep's phone shows it: its state and what the customer read."""

    id: uuid.UUID
    collateral_ids: list[uuid.UUID]
    status: ShareStatus
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    visits: int
    first_opened_at: datetime | None
    last_opened_at: datetime | None
    seconds: int
    pages: list[int]  # pages read of any item (1-based), ascending
    downloads: int


class NextVisitPublic(BaseModel):
    """The lead's first non-retracted outcome after the share was made (any rep)."""

    outcome_id: uuid.UUID
    code: str
    won: bool  # the code is `won` (conversion, as in every insight)
    occurred_at: datetime
    rep_id: uuid.UUID
    rep_name: str


class SharePublic(ShareSummary):
    """A share as marketing sees it."""

    model_config = ConfigDict(from_attributes=True)
    rep_id: uuid.UUID
    rep_name: str
    lead_id: uuid.UUID
    lead_company: str  # "" once the lead is gone
    campaign_id: uuid.UUID | None
    next_visit: NextVisitPublic | None  # None: no visit to the lead since the share


class Reading(BaseModel):
    model_config = ConfigDict(extra="forbid")
    collateral_id: uuid.UUID
    page: int = Field(default=0, ge=0, le=MAX_PAGE)  # 0: the item as a whole
    seconds: int = Field(ge=0, le=MAX_BEACON_SECONDS)


class Beacon(BaseModel):
    """What the customer's page reports now and then: seconds per item and page since the last
    beacon, and downloads. Bounded: a hostile page cannot write much."""

    model_config = ConfigDict(extra="forbid")
    visit: uuid.UUID
    readings: list[Reading] = Field(default_factory=list, max_length=50)
    downloads: list[uuid.UUID] = Field(default_factory=list, max_length=MAX_ITEMS)
