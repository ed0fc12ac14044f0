"""Webhook endpoints for admins: register, change, rotate the secret, delete, and the
delivery log with resend. The secret is in the answer of create and rotate only. Registering,
changing, rotating and deleting go to the audit log (never the secret)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, status
from sqlmodel import Session

from app.audit.log import AuditAction, address_of, record
from app.auth.deps import AdminUser
from app.auth.models import User
from app.core.db import SessionDep
from app.core.inputs import Offset
from app.webhooks import service
from app.webhooks.models import DeliveryStatus
from app.webhooks.schemas import (
    DeliveryPage,
    DeliveryPublic,
    WebhookCreate,
    WebhookPublic,
    WebhookUpdate,
    WebhookWithSecret,
)

router = APIRouter(prefix="/webhooks", tags=["webhooks"])


def _audit(
    session: Session,
    request: Request,
    admin: User,
    action: AuditAction,
    hook: WebhookPublic,
    **details: object,
) -> None:
    record(
        session,
        action,
        actor=admin,
        target_type="webhook",
        target_id=hook.id,
        target_name=hook.url,
        address=address_of(request),
        details=details,
    )


@router.get("")
def list_webhooks(_: AdminUser, session: SessionDep) -> list[WebhookPublic]:
    return service.list_endpoints(session)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_webhook(
    body: WebhookCreate, admin: AdminUser, session: SessionDep, request: Request
) -> WebhookWithSecret:
    """Register an https endpoint for some event types. The answer holds the signing secret,
    shown this once."""
    created = service.create(session, body, admin)
    _audit(
        session, request, admin, AuditAction.webhook_created, created, events=created.event_types
    )
    return created


@router.get("/{webhook_id}")
def get_webhook(webhook_id: uuid.UUID, _: AdminUser, session: SessionDep) -> WebhookPublic:
    return service.describe(session, [service.get_endpoint(session, webhook_id)])[0]


@router.patch("/{webhook_id}")
def update_webhook(
    webhook_id: uuid.UUID,
    body: WebhookUpdate,
    admin: AdminUser,
    session: SessionDep,
    request: Request,
) -> WebhookPublic:
    changed = service.change(session, service.get_endpoint(session, webhook_id), body)
    fields = sorted(body.model_dump(exclude_unset=True))
    _audit(session, request, admin, AuditAction.webhook_changed, changed, fields=fields)
    return changed


@router.delete("/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_webhook(
    webhook_id: uuid.UUID, admin: AdminUser, session: SessionDep, request: Request
) -> None:
    """Deletes the endpoint and its delivery log; nothing more is sent to it."""
    endpoint = service.get_endpoint(session, webhook_id)
    gone = service.describe(session, [endpoint])[0]
    session.delete(endpoint)
    session.flush()
    _audit(session, request, admin, AuditAction.webhook_deleted, gone)


@router.post("/{webhook_id}/rotate-secret")
def rotate_secret(
    webhook_id: uuid.UUID, admin: AdminUser, session: SessionDep, request: Request
) -> WebhookWithSecret:
    """A new signing secret, shown this once; the old one stops verifying at once."""
    rotated = service.rotate(session, service.get_endpoint(session, webhook_id))
    _audit(session, request, admin, AuditAction.webhook_secret_rotated, rotated)
    return rotated


@router.get("/{webhook_id}/deliveries")
def list_deliveries(
    webhook_id: uuid.UUID,
    _: AdminUser,
    session: SessionDep,
    delivery_status: Annotated[DeliveryStatus | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Offset = 0,
) -> DeliveryPage:
    endpoint = service.get_endpoint(session, webhook_id)
    return service.deliveries(session, endpoint, status=delivery_status, limit=limit, offset=offset)


@router.post("/{webhook_id}/deliveries/{delivery_id}/resend")
def resend_delivery(
    webhook_id: uuid.UUID,
    delivery_id: Annotated[int, Path(ge=1, le=2**62)],
    _: AdminUser,
    session: SessionDep,
) -> DeliveryPublic:
    """Send this event to this endpoint again, now (the receiver de-duplicates by event id)."""
    return service.resend(session, service.get_endpoint(session, webhook_id), delivery_id)
