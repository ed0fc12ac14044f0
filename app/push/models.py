"""Web Push tables: the server's VAPID key, each device's subscription, the notice outbox,
the per-subscription deliveries and the counters shown in `/readyz`."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from app.core.time import utcnow
from app.core.types import UtcDateTime, enum_column


class PushVapidKey(SQLModel, table=True):
    """The one VAPID key pair (row id 1), shared by every app process. The private key (PEM)
    never leaves the server: no response and no log line contains it."""

    __tablename__ = "push_vapid_key"

    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    private_pem: str = Field(max_length=1000)
    public_key: str = Field(max_length=100)  # base64url uncompressed P-256 point
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UtcDateTime, nullable=False)
    )


class PushSubscription(SQLModel, table=True):
    """One browser's push subscription, owned by a user and by the device's auth session:
    logging that session out (or revoking it) deletes the subscription by cascade."""

    __tablename__ = "push_subscription"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    endpoint: str = Field(max_length=2000, unique=True)
    p256dh: str = Field(max_length=100)
    auth: str = Field(max_length=40)
    user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    auth_session_id: uuid.UUID = Field(
        foreign_key="auth_session.id", index=True, ondelete="CASCADE"
    )
    # The phone's language ("de", "en"), for a user who chose none in the app.
    lang: str = Field(default="", max_length=5)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UtcDateTime, nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UtcDateTime, nullable=False)
    )


class PushNotice(SQLModel, table=True):
    """Outbox: "something new is waiting for this rep", written in the publishing transaction.
    The sender turns all of a rep's due notices into one delivery per subscription."""

    __tablename__ = "push_notice"
    __table_args__ = (Index("ix_push_notice_rep_created", "rep_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    rep_id: uuid.UUID = Field(foreign_key="user_account.id", ondelete="CASCADE")
    kind: str = Field(sa_type=enum_column())
    target_id: str = Field(max_length=36)
    title: str = Field(max_length=120)
    body: str = Field(max_length=300)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UtcDateTime, nullable=False)
    )


class PushDelivery(SQLModel, table=True):
    """One notification for one subscription, retried until sent or given up.

    `next_attempt_at` doubles as the lease: claiming moves it past the send deadline and sets
    `claim_token`, so no other process takes the row while it is being sent. `sent_at` is set
    the moment the push service answers 201, in a transaction of its own, so a crash afterwards
    never sends it again; the sent row stays as a receipt until `next_attempt_at` (a day)."""

    __tablename__ = "push_delivery"
    __table_args__ = (Index("ix_push_delivery_next_attempt_at", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    subscription_id: uuid.UUID = Field(
        foreign_key="push_subscription.id", index=True, ondelete="CASCADE"
    )
    topic: str = Field(max_length=32)
    payload: dict[str, object] = Field(sa_column=Column(JSON, nullable=False))
    attempts: int = 0
    next_attempt_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UtcDateTime, nullable=False)
    )
    claim_token: str | None = Field(default=None, max_length=32)
    sent_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime, nullable=True))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UtcDateTime, nullable=False)
    )


class PushCounter(SQLModel, table=True):
    """Totals kept in the database, so they are right with several app processes."""

    __tablename__ = "push_counter"

    name: str = Field(primary_key=True, max_length=20)
    value: int = 0
