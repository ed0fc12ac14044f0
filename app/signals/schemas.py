import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from app.changes.pushed import PushedMutation
from app.core.inputs import RequestBody, SaneInstant
from app.signals.models import SignalKind, SignalStatus


class Ref(BaseModel):
    id: uuid.UUID
    name: str


class SignalPublic(BaseModel):
    id: uuid.UUID
    kind: SignalKind
    text: str
    rep: Ref
    lead: Ref | None
    campaign: Ref | None
    occurred_at: datetime  # the rep's tap
    created_at: datetime  # when the server received it
    status: SignalStatus
    acknowledged_at: datetime | None
    acknowledged_by: Ref | None
    reply: str


class SignalAcknowledge(RequestBody):
    reply: str = Field(default="", max_length=2000)


class SignalSend(PushedMutation):
    type: Literal["signal.send"]
    kind: SignalKind
    lead_id: uuid.UUID | None = None
    campaign_id: uuid.UUID | None = None  # none with a lead: the lead's campaign
    text: str = Field(default="", max_length=2000)
    # The tap; phones from before it was sent leave it out, and the signal gets its arrival time.
    occurred_at: SaneInstant | None = None


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
