"""One delivery as the sender holds it while sending, and how it is sent."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from py_vapid import Vapid

from app.core import outbound
from app.core.settings import Settings
from app.push import wire
from app.push.messages import encode

TTL_SECONDS = 86400


@dataclass(frozen=True)
class Claimed:
    id: int
    token: str
    subscription_id: uuid.UUID
    endpoint: str
    p256dh: str
    auth: str
    topic: str
    payload: dict[str, object]
    attempts: int


Result = outbound.Answer
SendFn = Callable[[Claimed, Vapid, Settings], Result]


def origin(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


def webpush_send(item: Claimed, vapid: Vapid, settings: Settings) -> Result:
    """One POST to the push service: aes128gcm padded to its bucket, VAPID, total deadline."""
    try:
        body = wire.encrypt(encode(item.payload), item.p256dh, item.auth)
    except wire.TooLarge as exc:
        return Result(413, detail=str(exc))
    headers = {
        **wire.vapid_headers(vapid, item.endpoint, settings.push_subject),
        "TTL": str(TTL_SECONDS),
        "Urgency": "normal",
        "Topic": item.topic,
        "Content-Encoding": "aes128gcm",
        "Content-Type": "application/octet-stream",
    }
    return outbound.post(item.endpoint, body, headers, settings.push_send_deadline_seconds)
