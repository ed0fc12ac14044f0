"""Push bookkeeping: every applied mutation id, for ever, and each device's sequence numbers."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, Column, Index, text
from sqlmodel import Field, SQLModel

from app.core.time import utcnow
from app.core.types import UtcDateTime, enum_column


class AppliedMutation(SQLModel, table=True):
    """The exactly-once ledger. The primary key is the client's mutation id; `payload_hash` is
    the SHA-256 of the canonical mutation, so the same id with other content is a conflict.
    `target_id` is the outcome a retraction aims at (kept to apply a retraction that arrived
    before its outcome)."""

    __tablename__ = "sync_mutation"
    # Every push inserts into each index, so there are only these: the primary key, and the
    # targets of retractions (other mutations have none, and are left out of it).
    __table_args__ = (
        Index(
            "ix_sync_mutation_target_id",
            "target_id",
            sqlite_where=text("target_id IS NOT NULL"),
            postgresql_where=text("target_id IS NOT NULL"),
        ),
    )

    id: uuid.UUID = Field(primary_key=True)
    rep_id: uuid.UUID = Field(foreign_key="user_account.id")
    kind: str = Field(sa_type=enum_column(30))
    payload_hash: str = Field(max_length=64)
    target_id: uuid.UUID | None = None
    device_id: str = Field(default="", max_length=100)
    device_seq: int | None = None
    received_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UtcDateTime, nullable=False)
    )


class SyncDevice(SQLModel, table=True):
    """Per (rep, device): which mutation sequence numbers arrived. Every seq up to
    `contiguous_through` arrived; `above` lists those that arrived beyond it; the numbers in
    between are gaps (missing mutations)."""

    __tablename__ = "sync_device"

    rep_id: uuid.UUID = Field(foreign_key="user_account.id", primary_key=True)
    device_id: str = Field(primary_key=True, max_length=100)
    contiguous_through: int = 0
    above: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    max_seq: int = 0
    first_seen_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UtcDateTime, nullable=False)
    )
    last_seen_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UtcDateTime, nullable=False)
    )
