"""Endpoints (admin CRUD, secrets) and their delivery log."""

import uuid
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from app.auth.models import User
from app.core import errors
from app.core.time import utcnow
from app.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from app.webhooks.schemas import (
    DeliveryPage,
    DeliveryPublic,
    WebhookCreate,
    WebhookPublic,
    WebhookUpdate,
    WebhookWithSecret,
)
from app.webhooks.signing import endpoint_secret, ensure_master_key


def get_endpoint(session: Session, endpoint_id: uuid.UUID) -> WebhookEndpoint:
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise errors.NotFound("Webhook not found", code="webhook_not_found")
    return endpoint


def _counts(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
    found: dict[uuid.UUID, dict[str, Any]] = {i: {} for i in ids}
    if not ids:
        return found
    d = WebhookDelivery
    rows = session.exec(
        select(d.endpoint_id, d.status, func.count(), func.max(d.delivered_at))
        .where(col(d.endpoint_id).in_(ids))
        .group_by(col(d.endpoint_id), col(d.status))
    )
    for endpoint_id, status, count, last in rows:
        if status == DeliveryStatus.delivered:
            found[endpoint_id]["last_delivered_at"] = last
        else:
            found[endpoint_id][str(status)] = count
    return found


def describe(session: Session, endpoints: list[WebhookEndpoint]) -> list[WebhookPublic]:
    counts = _counts(session, [e.id for e in endpoints])
    return [
        WebhookPublic.model_validate(e, from_attributes=True).model_copy(update=counts[e.id])
        for e in endpoints
    ]


def list_endpoints(session: Session) -> list[WebhookPublic]:
    query = select(WebhookEndpoint).order_by(col(WebhookEndpoint.created_at))
    return describe(session, list(session.exec(query)))


def with_secret(session: Session, endpoint: WebhookEndpoint) -> WebhookWithSecret:
    secret = endpoint_secret(ensure_master_key(session), endpoint.id, endpoint.secret_version)
    public = describe(session, [endpoint])[0]
    return WebhookWithSecret(**public.model_dump(), secret=secret)


def create(session: Session, body: WebhookCreate, by: User) -> WebhookWithSecret:
    endpoint = WebhookEndpoint(
        url=body.url,
        description=body.description.strip(),
        event_types=[t.value for t in body.event_types],
        active=body.active,
        created_by_id=by.id,
    )
    session.add(endpoint)
    session.flush()
    return with_secret(session, endpoint)


def change(session: Session, endpoint: WebhookEndpoint, body: WebhookUpdate) -> WebhookPublic:
    values = body.model_dump(exclude_unset=True)
    for name, value in values.items():
        if value is None:
            raise errors.BadRequest(f"{name}: may not be null")
    if "url" in values:
        endpoint.url = values["url"]
    if "event_types" in values:
        endpoint.event_types = [str(t) for t in values["event_types"]]
    if "description" in values:
        endpoint.description = values["description"].strip()
    if "active" in values:
        endpoint.active = values["active"]
    endpoint.updated_at = utcnow()
    session.add(endpoint)
    session.flush()
    return describe(session, [endpoint])[0]


def rotate(session: Session, endpoint: WebhookEndpoint) -> WebhookWithSecret:
    """A new secret; the old one stops verifying at once (deliveries after this are signed
    with the new one, including retries of older events)."""
    endpoint.secret_version += 1
    endpoint.updated_at = utcnow()
    session.add(endpoint)
    session.flush()
    return with_secret(session, endpoint)


def deliveries(
    session: Session,
    endpoint: WebhookEndpoint,
    *,
    status: DeliveryStatus | None,
    limit: int,
    offset: int,
) -> DeliveryPage:
    """Newest first."""
    where = [col(WebhookDelivery.endpoint_id) == endpoint.id]
    if status is not None:
        where.append(col(WebhookDelivery.status) == status)
    total = session.exec(select(func.count()).select_from(WebhookDelivery).where(*where)).one()
    rows = session.exec(
        select(WebhookDelivery, WebhookEvent.type)
        .join(WebhookEvent, col(WebhookEvent.id) == WebhookDelivery.event_id)
        .where(*where)
        .order_by(col(WebhookDelivery.created_at).desc(), col(WebhookDelivery.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return DeliveryPage(items=[delivery_public(d, t) for d, t in rows], total=total)


def delivery_public(delivery: WebhookDelivery, event_type: str) -> DeliveryPublic:
    pending = delivery.status == DeliveryStatus.pending
    assert delivery.id is not None
    return DeliveryPublic(
        id=delivery.id,
        event_id=delivery.event_id,
        event_type=event_type,
        status=delivery.status,
        attempts=delivery.attempts,
        last_status_code=delivery.last_status_code,
        last_error=delivery.last_error,
        last_attempt_at=delivery.last_attempt_at,
        next_attempt_at=delivery.next_attempt_at if pending else None,
        delivered_at=delivery.delivered_at,
        created_at=delivery.created_at,
    )


def resend(session: Session, endpoint: WebhookEndpoint, delivery_id: int) -> DeliveryPublic:
    """Queue a delivery again now, with a fresh retry budget (delivered ones too: the receiver
    de-duplicates by event id). One being sent right now is left alone (409)."""
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.endpoint_id != endpoint.id:
        raise errors.NotFound("Delivery not found", code="webhook_delivery_not_found")
    now = utcnow()
    changed = session.execute(
        update(WebhookDelivery)
        .where(col(WebhookDelivery.id) == delivery_id, col(WebhookDelivery.claim_token).is_(None))
        .values(
            status=DeliveryStatus.pending.value,
            attempts=0,
            next_attempt_at=now,
            delivered_at=None,
        )
    ).rowcount  # type: ignore[attr-defined]
    if not changed:
        raise errors.Conflict(
            "This delivery is being sent right now", code="webhook_delivery_in_flight"
        )
    session.refresh(delivery)
    event = session.get(WebhookEvent, delivery.event_id)
    return delivery_public(delivery, event.type if event else "")
