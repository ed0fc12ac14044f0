import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class AuditEventPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    at: datetime
    action: str
    actor_id: uuid.UUID | None
    actor_email: str
    target_type: str
    target_id: str
    target_name: str
    address: str
    details: dict[str, Any]


class AuditPage(BaseModel):
    events: list[AuditEventPublic]
    total: int
