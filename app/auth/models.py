import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index, func
from sqlmodel import Field, SQLModel

from app.core.time import utcnow
from app.core.types import UtcDateTime, enum_column


class Role(StrEnum):
    rep = "rep"
    marketing = "marketing"
    admin = "admin"


class User(SQLModel, table=True):
    __tablename__ = "user_account"
    __table_args__ = (Index("uq_user_account_email_lower", func.lower("email"), unique=True),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    email: str = Field(max_length=320)
    name: str = Field(max_length=200)
    role: Role = Field(sa_type=enum_column())
    region: str = Field(default="", max_length=100)
    team: str = Field(default="", max_length=100)
    is_active: bool = True
    password_hash: str = Field(max_length=255)
    language: str = Field(default="", max_length=5)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UtcDateTime, nullable=False)
    )


class AuthSession(SQLModel, table=True):
    """One logged-in device. The token itself is never stored, only its SHA-256."""

    __tablename__ = "auth_session"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True)
    user_agent: str = Field(default="", max_length=300)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UtcDateTime, nullable=False)
    )
    last_seen_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UtcDateTime, nullable=False)
    )
    expires_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))


class LoginFailure(SQLModel, table=True):
    """Failed logins, kept in the database so that every process sees the same limit."""

    __tablename__ = "login_failure"
    __table_args__ = (
        Index("ix_login_failure_email_at", "email", "at"),
        Index("ix_login_failure_address_at", "address", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320)
    address: str = Field(max_length=64)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UtcDateTime, nullable=False))


class KnownDevice(SQLModel, table=True):
    """A browser that logged in to this account before (its `strang_device` cookie, kept only as
    a SHA-256). Failed logins by others never block it: the throttles below are for strangers."""

    __tablename__ = "known_device"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True)
    last_login_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UtcDateTime, nullable=False)
    )
