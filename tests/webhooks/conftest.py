"""Webhook test helpers: the tests' CA, the local HTTPS receiver, endpoints registered through
the API, and a sender the test runs itself."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.auth.models import Role
from app.core.settings import Settings
from app.webhooks.sender import WebhookSender
from app.webhooks.signing import load_master_key
from tests.factories import Factory
from tests.tls import Authority, make_authority
from tests.webhooks.receiver import Hook, Receiver

ALL_TYPES = [
    "outcome.logged",
    "outcome.retracted",
    "signal.sent",
    "signal.acknowledged",
    "lead.assigned",
    "share.opened",
]


@pytest.fixture(scope="session")
def authority(tmp_path_factory: pytest.TempPathFactory) -> Authority:
    return make_authority(tmp_path_factory.mktemp("ca"))


@pytest.fixture
def settings(settings: Settings, authority: Authority) -> Settings:
    settings.webhook_ca_file = str(authority.ca_file)
    settings.webhook_send_deadline_seconds = 2.0
    settings.webhook_backoff_base_seconds = 0.2
    settings.webhook_backoff_max_seconds = 1.0
    settings.webhook_poll_seconds = 0.1
    return settings


@pytest.fixture
def receiver(authority: Authority) -> Iterator[Receiver]:
    receiver = Receiver(authority).start()
    yield receiver
    receiver.close()


@pytest.fixture
def admin(factory: Factory) -> dict[str, str]:
    return factory.login_as(Role.admin)[1]


@pytest.fixture
def sender(engine: Engine, settings: Settings) -> WebhookSender:
    return WebhookSender(engine, settings, load_master_key(engine))


def register(
    client: TestClient, admin: dict[str, str], hook: Hook, types: list[str] | None = None
) -> str:
    """Register `hook` for `types` (all by default); the receiver learns its secret."""
    response = client.post(
        "/api/v1/webhooks",
        headers=admin,
        json={"url": hook.url, "event_types": types or ALL_TYPES, "description": "CRM"},
    )
    assert response.status_code == 201, response.text
    hook.secret = response.json()["secret"]
    return str(response.json()["id"])
