"""Registering webhook endpoints: admins only, https URLs only, the secret shown once."""

import uuid

import pytest
from fastapi.testclient import TestClient

from app.auth.models import Role
from tests.factories import Factory
from tests.webhooks.conftest import ALL_TYPES

API = "/api/v1/webhooks"
GOOD = {"url": "https://crm.example.test/strang", "event_types": ["outcome.logged"]}


def test_only_admins_manage_webhooks(client: TestClient, factory: Factory) -> None:
    admin = factory.login_as(Role.admin)[1]
    created = client.post(API, headers=admin, json=GOOD)
    assert created.status_code == 201, created.text
    one = f"{API}/{created.json()['id']}"
    calls = [
        ("GET", API, None),
        ("POST", API, GOOD),
        ("GET", one, None),
        ("PATCH", one, {"active": False}),
        ("POST", f"{one}/rotate-secret", None),
        ("GET", f"{one}/deliveries", None),
        ("POST", f"{one}/deliveries/1/resend", None),
        ("DELETE", one, None),
    ]
    for role, expected in ((None, 401), (Role.rep, 403), (Role.marketing, 403)):
        headers = factory.login_as(role)[1] if role else {}
        for method, url, body in calls:
            response = client.request(method, url, headers=headers, json=body)
            assert response.status_code == expected, (role, method, url, response.text)
    listed = client.get(API, headers=admin).json()
    assert [w["active"] for w in listed] == [True]  # nothing changed by the refused calls
    assert client.delete(one, headers=admin).status_code == 204
    assert client.get(API, headers=admin).json() == []
    assert client.get(one, headers=admin).status_code == 404


def test_the_secret_is_shown_at_creation_and_rotation_only(
    client: TestClient, factory: Factory
) -> None:
    admin = factory.login_as(Role.admin)[1]
    created = client.post(API, headers=admin, json={**GOOD, "event_types": ALL_TYPES}).json()
    secret = created["secret"]
    assert secret.startswith("whsec_") and len(secret) > 40
    one = f"{API}/{created['id']}"
    for shown in (client.get(one, headers=admin).json(), client.get(API, headers=admin).json()[0]):
        assert "secret" not in shown and secret not in str(shown)
    assert client.get(one, headers=admin).json()["event_types"] == ALL_TYPES
    rotated = client.post(f"{one}/rotate-secret", headers=admin).json()["secret"]
    assert rotated.startswith("whsec_") and rotated != secret
    again = client.post(f"{one}/rotate-secret", headers=admin).json()["secret"]
    assert again not in (secret, rotated)
    other = client.post(API, headers=admin, json=GOOD).json()["secret"]
    assert other not in (secret, rotated, again)


def test_an_admin_changes_an_endpoint(client: TestClient, factory: Factory) -> None:
    admin = factory.login_as(Role.admin)[1]
    one = f"{API}/{client.post(API, headers=admin, json=GOOD).json()['id']}"
    changed = client.patch(
        one,
        headers=admin,
        json={"url": "https://other.example.test/x", "event_types": ["lead.assigned"]},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["url"] == "https://other.example.test/x"
    assert changed.json()["event_types"] == ["lead.assigned"]
    paused = client.patch(one, headers=admin, json={"active": False}).json()
    assert paused["active"] is False and paused["url"] == "https://other.example.test/x"


@pytest.mark.parametrize(
    ("body", "named", "says"),
    [
        ({**GOOD, "url": "http://crm.example.test/x"}, "url", "https://"),
        ({**GOOD, "url": "http://127.0.0.1:9/x"}, "url", "https://"),
        ({**GOOD, "url": "ftp://crm.example.test/x"}, "url", "https://"),
        ({**GOOD, "url": "crm.example.test/x"}, "url", "https://"),
        ({**GOOD, "url": "https:///nohost"}, "url", "host"),
        ({**GOOD, "url": "https://me:pw@crm.example.test/x"}, "url", "password"),
        ({**GOOD, "url": "https://crm.example.test/a b"}, "url", "spaces"),
        ({**GOOD, "url": "https://crm.example.test/\u0000"}, "url", ""),
        ({**GOOD, "url": "https://crm.example.test/#frag"}, "url", "fragment"),
        ({**GOOD, "url": "https://[::1/x"}, "url", "valid URL"),
        ({**GOOD, "url": "https://crm.example.test/" + "a" * 2000}, "url", "2000"),
        ({**GOOD, "url": ""}, "url", ""),
        ({**GOOD, "event_types": []}, "event_types", ""),
        ({**GOOD, "event_types": ["outcome.deleted"]}, "event_types", ""),
        ({**GOOD, "description": "d" * 201}, "description", "200"),
        ({"event_types": ["outcome.logged"]}, "url", ""),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    client: TestClient, factory: Factory, body: dict[str, object], named: str, says: str
) -> None:
    admin = factory.login_as(Role.admin)[1]
    response = client.post(API, headers=admin, json=body)
    assert response.status_code == 422, response.text
    problems = response.json()["detail"]
    assert any(named in p["loc"] and says in p["msg"] for p in problems), problems
    assert client.get(API, headers=admin).json() == []


def test_unknown_endpoints_and_deliveries_are_404(client: TestClient, factory: Factory) -> None:
    admin = factory.login_as(Role.admin)[1]
    missing = f"{API}/{uuid.uuid4()}"
    assert client.get(missing, headers=admin).status_code == 404
    assert client.patch(missing, headers=admin, json={"active": False}).status_code == 404
    assert client.get(f"{missing}/deliveries", headers=admin).status_code == 404
    one = f"{API}/{client.post(API, headers=admin, json=GOOD).json()['id']}"
    resend = client.post(f"{one}/deliveries/12345/resend", headers=admin)
    assert resend.status_code == 404 and resend.json()["code"] == "webhook_delivery_not_found"
    assert client.get(f"{API}/not-a-uuid", headers=admin).status_code == 422
    assert client.patch(one, headers=admin, json={"url": None}).status_code == 400
    assert client.get(f"{one}/deliveries", headers=admin, params={"limit": 0}).status_code == 422


def test_registering_rotating_and_deleting_go_to_the_audit_log_without_the_secret(
    client: TestClient, factory: Factory
) -> None:
    admin = factory.login_as(Role.admin, email="boss@example.test")[1]
    created = client.post(API, headers=admin, json=GOOD).json()
    one = f"{API}/{created['id']}"
    rotated = client.post(f"{one}/rotate-secret", headers=admin).json()
    client.patch(one, headers=admin, json={"active": False})
    client.delete(one, headers=admin)
    log = client.get("/api/v1/audit", headers=admin, params={"actor": "boss@"}).json()["events"]
    webhook_events = [e for e in log if e["target_type"] == "webhook"]
    assert sorted(e["action"] for e in webhook_events) == [
        "webhook.changed",
        "webhook.created",
        "webhook.deleted",
        "webhook.secret_rotated",
    ]
    assert {e["target_name"] for e in webhook_events} == {GOOD["url"]}
    for secret in (created["secret"], rotated["secret"]):
        assert secret not in str(log)
