"""What every mutation a phone pushes carries: its id (exactly once, for ever) and the device's
sequence number. Each feature defines its own mutations on this (app/sync/README.md)."""

import uuid

from pydantic import ConfigDict, Field

from app.core.inputs import RequestBody


class PushedMutation(RequestBody):
    model_config = ConfigDict(extra="ignore")

    id: uuid.UUID
    seq: int | None = Field(default=None, ge=1, le=2**31 - 1)
