"""Push test helpers: the local push service, a sender with a clock the test moves, devices
subscribed through the API."""

import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import TypeVar

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, SQLModel, select

from app.auth.models import AuthSession, Role, User
from app.core.settings import Settings
from app.core.time import utcnow
from app.push.keys import load_vapid_key
from app.push.models import PushSubscription
from app.push.sender import PushSender
from tests.factories import Factory
from tests.push.push_service import Device, PushService


@pytest.fixture
def settings(settings: Settings) -> Settings:
    settings.push_allow_http_localhost = True  # the local push service speaks plain http
    return settings


@pytest.fixture
def push_service() -> Iterator[PushService]:
    service = PushService().start()
    yield service
    service.close()


class Clock:
    """The sender's idea of now: real time plus what the test skipped instead of sleeping."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return utcnow() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sender(engine: Engine, settings: Settings, clock: Clock) -> PushSender:
    return PushSender(engine, settings, clock=clock, workers=4)


T = TypeVar("T", bound=SQLModel)


def rows_of(db: Session, model: type[T]) -> list[T]:
    """Fresh rows of `model`; ends the read so the test holds no SQLite lock."""
    db.expire_all()
    found = list(db.exec(select(model)))
    db.commit()
    return found


def public_key(client: TestClient, headers: dict[str, str]) -> str:
    response = client.get("/api/v1/push/public-key", headers=headers)
    assert response.status_code == 200, response.text
    return str(response.json()["public_key"])


def subscribed_device(
    client: TestClient,
    factory: Factory,
    push_service: PushService,
    role: Role = Role.rep,
    user: User | None = None,
) -> tuple[User, Device, dict[str, str]]:
    """A user with one phone that allowed notifications."""
    user = user or factory.user(role)
    headers = factory.auth(user)
    device = push_service.new_device(public_key(client, headers))
    response = client.post(
        "/api/v1/push/subscriptions", json=device.subscription(), headers=headers
    )
    assert response.status_code == 201, response.text
    return user, device, headers


def device_in_db(db: Session, push_service: PushService, user: User) -> Device:
    """A subscribed phone written straight into the database (no login: fast, for bulk)."""
    device = push_service.new_device(load_vapid_key(db.get_bind()).public_key)  # type: ignore[arg-type]
    auth_session = AuthSession(
        user_id=user.id, token_hash=uuid.uuid4().hex, expires_at=utcnow() + timedelta(days=1)
    )
    db.add(auth_session)
    db.flush()
    keys = device.subscription()["keys"]
    db.add(
        PushSubscription(
            endpoint=device.endpoint,
            p256dh=keys["p256dh"],
            auth=keys["auth"],
            user_id=user.id,
            auth_session_id=auth_session.id,
        )
    )
    db.commit()
    return device


def deliver(sender: PushSender, clock: Clock, *, after: float = 31.0) -> int:
    """Let the coalescing window pass, then run one sender tick."""
    clock.advance(after)
    return sender.run_once()
