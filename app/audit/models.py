import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from app.core.time import utcnow
from app.core.types import UtcDateTime


class AuditEvent(SQLModel, table=True):
    """One security-relevant or marketing action: who did what to which thing, when, from where.

    Rows are only ever added. The actor's e-mail is copied so the log still reads after the
    account is renamed; no password, token or secret ever goes into `details`.
    """

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_at", "at"),
        Index("ix_audit_event_action_at", "action", "at"),
        Index("ix_audit_event_actor_id_at", "actor_id", "at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UtcDateTime, nullable=False))
    action: str = Field(max_length=40)
    actor_id: uuid.UUID | None = Field(default=None)
    actor_email: str = Field(default="", max_length=320)
    target_type: str = Field(default="", max_length=40)
    target_id: str = Field(default="", max_length=64)
    target_name: str = Field(default="", max_length=200)
    address: str = Field(default="", max_length=64)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
