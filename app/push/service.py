"""Subscriptions: one per browser endpoint, owned by a user and the device's auth session."""

import uuid
from urllib.parse import urlsplit

from fastapi.exceptions import RequestValidationError
from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from app.core.errors import unprocessable
from app.core.settings import Settings
from app.core.time import utcnow
from app.push.models import PushCounter, PushDelivery, PushNotice, PushSubscription

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})


def _invalid(field: str, message: str) -> RequestValidationError:
    return unprocessable([(field, message, None)])


def check_endpoint(settings: Settings, endpoint: str) -> str:
    """Push services are reached over HTTPS only; plain http to this machine only when the
    (test) setting allows it. Raises a 422 naming `endpoint` otherwise."""
    try:
        parts = urlsplit(endpoint.strip())
        host = parts.hostname
    except ValueError as exc:
        raise _invalid("endpoint", "endpoint is not a URL") from exc
    if not host:
        raise _invalid("endpoint", "endpoint must be an absolute URL")
    if parts.scheme == "https":
        return endpoint.strip()
    if parts.scheme == "http" and settings.push_allow_http_localhost and host in LOCAL_HOSTS:
        return endpoint.strip()
    raise _invalid("endpoint", "endpoint must be an https:// URL")


def subscribe(
    session: Session,
    settings: Settings,
    *,
    user_id: uuid.UUID,
    auth_session_id: uuid.UUID,
    endpoint: str,
    p256dh: str,
    auth: str,
    lang: str = "",
) -> bool:
    """Create or update the subscription for `endpoint`; True if it was new. Re-posting moves
    it to the caller (a shared browser that changed hands) and takes the new keys."""
    endpoint = check_endpoint(settings, endpoint)
    subscription = session.exec(
        select(PushSubscription).where(PushSubscription.endpoint == endpoint)
    ).first()
    now = utcnow()
    if subscription is None:
        session.add(
            PushSubscription(
                endpoint=endpoint,
                p256dh=p256dh,
                auth=auth,
                user_id=user_id,
                auth_session_id=auth_session_id,
                lang=lang,
                created_at=now,
                updated_at=now,
            )
        )
        session.flush()
        return True
    if subscription.user_id != user_id:
        # pending messages were meant for the previous owner
        session.execute(
            delete(PushDelivery).where(col(PushDelivery.subscription_id) == subscription.id)
        )
    subscription.p256dh, subscription.auth = p256dh, auth
    subscription.lang = lang or subscription.lang
    subscription.user_id, subscription.auth_session_id = user_id, auth_session_id
    subscription.updated_at = now
    session.add(subscription)
    session.flush()
    return False


def unsubscribe(session: Session, *, user_id: uuid.UUID, endpoint: str) -> bool:
    result = session.execute(
        delete(PushSubscription).where(
            col(PushSubscription.endpoint) == endpoint.strip(),
            col(PushSubscription.user_id) == user_id,
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def stats(session: Session) -> dict[str, int]:
    """Subscriptions now, notices and deliveries waiting, and the sent/failed/pruned totals."""
    counters = {c.name: c.value for c in session.exec(select(PushCounter))}

    def count(table: type[PushSubscription | PushNotice | PushDelivery]) -> int:
        return session.exec(select(func.count()).select_from(table)).one()

    waiting = select(func.count()).where(col(PushDelivery.sent_at).is_(None))
    return {
        "subscriptions": count(PushSubscription),
        "waiting_notices": count(PushNotice),
        "waiting_deliveries": session.exec(waiting.select_from(PushDelivery)).one(),
        "sent": counters.get("sent", 0),
        "failed": counters.get("failed", 0),
        "pruned": counters.get("pruned", 0),
    }
