"""What the webhook API accepts and answers."""

import uuid
from datetime import datetime
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, Field
from pydantic_core import PydanticCustomError

from app.core.inputs import RequestBody
from app.webhooks.events import EventType
from app.webhooks.models import DeliveryStatus

URL_MAX = 2000


def check_url(value: str) -> str:
    """An absolute https:// URL with a host, no user name or password in it (they would show
    in the console) and no whitespace or control characters."""
    url = value.strip()
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise ValueError("url must not contain spaces or control characters")
    try:
        parts = urlsplit(url)
        host, _ = parts.hostname, parts.port
    except ValueError as exc:
        raise ValueError("url is not a valid URL") from exc
    if parts.scheme != "https":  # a type of its own, so the console can say so in words
        raise PydanticCustomError("url_not_https", "url must start with https://")
    if not host:
        raise ValueError("url must name a host")
    if parts.username is not None or parts.password is not None:
        raise PydanticCustomError(
            "url_has_password", "url must not contain a user name or password"
        )
    if parts.fragment:
        raise ValueError("url must not contain a #fragment")
    return url


def check_types(value: list[EventType]) -> list[EventType]:
    return list(dict.fromkeys(value))


Url = Annotated[str, Field(min_length=1, max_length=URL_MAX), AfterValidator(check_url)]
EventTypes = Annotated[
    list[EventType], Field(min_length=1, max_length=20), AfterValidator(check_types)
]
Description = Annotated[str, Field(max_length=200)]


class WebhookCreate(RequestBody):
    url: Url
    event_types: EventTypes
    description: Description = ""
    active: bool = True


class WebhookUpdate(RequestBody):
    url: Url | None = None
    event_types: EventTypes | None = None
    description: Description | None = None
    # False pauses the endpoint: no new events for it, and what waits is sent once it is active
    active: bool | None = None


class WebhookPublic(BaseModel):
    id: uuid.UUID
    url: str
    description: str
    event_types: list[EventType]
    active: bool
    created_at: datetime
    updated_at: datetime
    pending: int = 0  # deliveries waiting for their first or next attempt
    failed: int = 0  # deliveries given up (resend them from the log)
    last_delivered_at: datetime | None = None


class WebhookWithSecret(WebhookPublic):
    """Answered at creation and at rotation only: the signing secret is never shown again."""

    secret: str


class DeliveryPublic(BaseModel):
    id: int
    event_id: uuid.UUID
    event_type: EventType
    status: DeliveryStatus
    attempts: int
    last_status_code: int | None
    last_error: str
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None  # only while pending
    delivered_at: datetime | None
    created_at: datetime


class DeliveryPage(BaseModel):
    items: list[DeliveryPublic]
    total: int
