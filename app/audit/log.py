"""`record`: write one audit event in the caller's transaction (so it exists exactly when the
action does). Features call it; it imports none of them."""

import uuid
from enum import StrEnum
from typing import Any, Protocol

from fastapi import Request
from sqlalchemy import Engine
from sqlmodel import Session

from app.audit.models import AuditEvent


class AuditAction(StrEnum):
    login = "login"
    login_failed = "login.failed"
    login_throttled = "login.throttled"
    logout = "logout"
    password_changed = "password.changed"
    password_reset = "password.reset"
    user_created = "user.created"
    user_changed = "user.changed"
    user_deactivated = "user.deactivated"
    user_reactivated = "user.reactivated"
    campaign_live = "campaign.live"
    collateral_version = "collateral.version"
    leads_bulk = "leads.bulk"
    outcomes_exported = "outcomes.exported"
    webhook_created = "webhook.created"
    webhook_changed = "webhook.changed"
    webhook_secret_rotated = "webhook.secret_rotated"
    webhook_deleted = "webhook.deleted"


class Actor(Protocol):
    @property
    def id(self) -> uuid.UUID: ...
    @property
    def email(self) -> str: ...


def address_of(request: Request) -> str:
    return (request.client.host if request.client else "")[:64]


def record(
    session: Session,
    action: AuditAction,
    *,
    actor: Actor | None = None,
    actor_email: str = "",
    target_type: str = "",
    target_id: uuid.UUID | str = "",
    target_name: str = "",
    address: str = "",
    details: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEvent(
            action=action.value,
            actor_id=actor.id if actor else None,
            actor_email=(actor.email if actor else actor_email)[:320],
            target_type=target_type,
            target_id=str(target_id),
            target_name=target_name[:200],
            address=address[:64],
            details=details or {},
        )
    )


def record_apart(engine: Engine, action: AuditAction, **fields: Any) -> None:
    """`record` in a transaction of its own, for actions that write nothing else (exports)."""
    with Session(engine) as session:
        record(session, action, **fields)
        session.commit()
