import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth.models import Role
from app.core.settings import Settings
from app.push.keys import b64url_decode
from app.push.models import PushSubscription, PushVapidKey
from tests.factories import Factory
from tests.push.conftest import public_key, rows_of, subscribed_device
from tests.push.push_service import PushService

URL = "/api/v1/push/subscriptions"


def _endpoints(db: Session) -> set[str]:
    return {s.endpoint for s in rows_of(db, PushSubscription)}


def test_public_key_is_made_once_and_is_an_uncompressed_p256_point(
    client: TestClient, factory: Factory, db: Session
) -> None:
    _, headers = factory.login_as(Role.rep)
    key = public_key(client, headers)
    raw = b64url_decode(key)
    assert len(raw) == 65 and raw[0] == 0x04
    assert public_key(client, factory.auth(factory.user(Role.marketing))) == key
    response = client.get("/api/v1/push/public-key", headers=headers)
    assert "PRIVATE" not in response.text
    assert len(rows_of(db, PushVapidKey)) == 1


def test_subscribe_is_idempotent_per_endpoint_and_takes_new_keys_and_owner(
    client: TestClient, factory: Factory, push_service: PushService, db: Session
) -> None:
    rep, device, headers = subscribed_device(client, factory, push_service)
    again = client.post(URL, json=device.subscription(), headers=headers)
    assert again.status_code == 200 and again.json() == {
        "endpoint": device.endpoint,
        "created": False,
    }
    other_rep, other_headers = factory.login_as(Role.rep)
    moved = push_service.new_device()
    body = {**moved.subscription(), "endpoint": device.endpoint}
    assert client.post(URL, json=body, headers=other_headers).status_code == 200
    rows = rows_of(db, PushSubscription)
    assert len(rows) == 1
    assert rows[0].user_id == other_rep.id and rows[0].p256dh == moved.p256dh
    assert rep.id != other_rep.id


def test_unsubscribe_forgets_only_the_callers_endpoint(
    client: TestClient, factory: Factory, push_service: PushService, db: Session
) -> None:
    _, mine, headers = subscribed_device(client, factory, push_service)
    _, theirs, _ = subscribed_device(client, factory, push_service)
    gone = client.request("DELETE", URL, json={"endpoint": theirs.endpoint}, headers=headers)
    assert gone.status_code == 204
    assert _endpoints(db) == {mine.endpoint, theirs.endpoint}
    gone = client.request("DELETE", URL, json={"endpoint": mine.endpoint}, headers=headers)
    assert gone.status_code == 204
    assert _endpoints(db) == {theirs.endpoint}


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://push.example.test/send/1",
        "ftp://push.example.test/1",
        "javascript:alert(1)",
        "https:///no-host",
        "not a url",
    ],
)
def test_only_https_endpoints_are_accepted(
    client: TestClient, factory: Factory, push_service: PushService, endpoint: str, db: Session
) -> None:
    _, headers = factory.login_as(Role.rep)
    body = {**push_service.new_device().subscription(), "endpoint": endpoint}
    response = client.post(URL, json=body, headers=headers)
    assert response.status_code == 422, response.text
    assert "endpoint" in response.json()["detail"][0]["loc"]
    assert _endpoints(db) == set()


def test_plain_http_to_this_machine_only_when_the_setting_allows(
    client: TestClient, factory: Factory, push_service: PushService, settings: Settings
) -> None:
    _, headers = factory.login_as(Role.rep)
    device = push_service.new_device()
    settings.push_allow_http_localhost = False
    refused = client.post(URL, json=device.subscription(), headers=headers)
    assert refused.status_code == 422 and "endpoint" in refused.json()["detail"][0]["loc"]
    settings.push_allow_http_localhost = True
    assert client.post(URL, json=device.subscription(), headers=headers).status_code == 201
    https = {**device.subscription(), "endpoint": "https://fcm.googleapis.com/fcm/send/abc"}
    assert client.post(URL, json=https, headers=headers).status_code == 201


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("p256dh", "BCVxsr7N"),  # too short
        ("p256dh", "A" * 87),  # 65 bytes, but not an uncompressed point
        ("p256dh", "not base64 !!"),
        ("auth", "BTBZMqHH6r4Tts7J_aSIggAA"),  # 18 bytes
        ("auth", ""),
    ],
)
def test_bad_keys_are_refused_naming_the_field(
    client: TestClient, factory: Factory, push_service: PushService, field: str, value: str
) -> None:
    _, headers = factory.login_as(Role.rep)
    body = push_service.new_device().subscription()
    body["keys"][field] = value
    response = client.post(URL, json=body, headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"][-1] == field


def test_logout_removes_that_devices_subscription_only(
    client: TestClient, factory: Factory, push_service: PushService, db: Session
) -> None:
    rep, _, phone_headers = subscribed_device(client, factory, push_service)
    _, tablet, _ = subscribed_device(client, factory, push_service, user=rep)
    assert client.post("/api/v1/auth/logout", headers=phone_headers).status_code == 204
    assert _endpoints(db) == {tablet.endpoint}


def test_revoking_a_device_removes_its_subscription(
    client: TestClient, factory: Factory, push_service: PushService, db: Session
) -> None:
    rep, _, _ = subscribed_device(client, factory, push_service)
    _, admin = factory.login_as(Role.admin)
    sessions = client.get(f"/api/v1/users/{rep.id}/sessions", headers=admin).json()
    url = f"/api/v1/users/{rep.id}/sessions/{sessions[0]['id']}"
    assert client.delete(url, headers=admin).status_code == 204
    assert _endpoints(db) == set()


@pytest.mark.parametrize("role", list(Role))
def test_every_logged_in_role_may_subscribe(
    client: TestClient, factory: Factory, push_service: PushService, role: Role
) -> None:
    subscribed_device(client, factory, push_service, role)


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/v1/push/public-key"), ("POST", URL), ("DELETE", URL)],
)
def test_unauthenticated_gets_401(client: TestClient, method: str, path: str) -> None:
    body = {"endpoint": "https://push.example.test/1", "keys": {"p256dh": "x", "auth": "y"}}
    response = client.request(method, path, json=body)
    assert response.status_code == 401
