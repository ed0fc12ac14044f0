import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from app.core.inputs import RequestBody
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
