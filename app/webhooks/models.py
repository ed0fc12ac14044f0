"""Webhook tables: the signing master key, the endpoints admins register, and the outbox.

An event row and one delivery row per subscribed endpoint are written in the transaction of
the change they describe, so an event exists exactly when its change does. The sender
(app/webhooks/sender.py) works through due deliveries; `next_attempt_at` doubles as the lease
of a claimed delivery (see the push sender, which does the same)."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from app.core.time import utcnow
from app.core.types import UtcDateTime, enum_column


class DeliveryStatus(StrEnum):
    pending = "pending"  # waiting for its first or next attempt, or being sent
    delivered = "delivered"  # the endpoint answered 2xx
    failed = "failed"  # given up after the last attempt (an admin may resend it)


class WebhookKey(SQLModel, table=True):
    """The one master key (row id 1) every endpoint's signing secret is derived from, so no
    secret is stored: secret = HMAC(master key, endpoint id + rotation counter)."""

    __tablename__ = "webhook_key"

    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    key_hex: str = Field(max_length=64)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UtcDateTime, nullable=False)
    )


class WebhookEndpoint(SQLModel, table=True):
    __tablename__ = "webhook_endpoint"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    url: str = Field(max_length=2000)
    description: str = Field(default="", max_length=200)
    event_types: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    active: bool = True
    # Bumped by "rotate": the derived secret changes and the old one stops verifying.
    secret_version: int = 1
    created_by_id: uuid.UUID | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UtcDateTime, nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UtcDateTime, nullable=False)
    )


class WebhookEvent(SQLModel, table=True):
    """One thing that happened, with the exact JSON body every endpoint receives."""

    __tablename__ = "webhook_event"
    __table_args__ = (Index("ix_webhook_event_created_at", "created_at"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    type: str = Field(max_length=40)
    body: dict[str, object] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UtcDateTime, nullable=False)
    )


class WebhookDelivery(SQLModel, table=True):
    """One event for one endpoint, tried until delivered or given up."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        Index("ix_webhook_delivery_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_webhook_delivery_endpoint_id_created_at", "endpoint_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: uuid.UUID = Field(foreign_key="webhook_event.id", index=True, ondelete="CASCADE")
    endpoint_id: uuid.UUID = Field(foreign_key="webhook_endpoint.id", ondelete="CASCADE")
    status: DeliveryStatus = Field(default=DeliveryStatus.pending, sa_type=enum_column())
    attempts: int = 0
    next_attempt_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UtcDateTime, nullable=False)
    )
    claim_token: str | None = Field(default=None, max_length=32)
    last_status_code: int | None = None
    last_error: str = Field(default="", max_length=200)
    last_attempt_at: datetime | None = Field(
        default=None, sa_column=Column(UtcDateTime, nullable=True)
    )
    delivered_at: datetime | None = Field(
        default=None, sa_column=Column(UtcDateTime, nullable=True)
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UtcDateTime, nullable=False)
    )
