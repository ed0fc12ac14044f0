"""The audit log: security-relevant and marketing actions, who and when, visible to admins only,
filterable and exportable, with no secret in it."""

import csv
import io

from fastapi.testclient import TestClient

from app.auth.models import Role
from tests.factories import PASSWORD, Factory

AUDIT = "/api/v1/audit"


def _actions(client: TestClient, headers: dict[str, str], **query: str) -> list[str]:
    response = client.get(AUDIT, params=query, headers=headers)
    assert response.status_code == 200, response.text
    return [event["action"] for event in response.json()["events"]]


def test_security_and_marketing_actions_are_logged_for_admins(
    client: TestClient, factory: Factory
) -> None:
    admin, admin_headers = factory.login_as(Role.admin)
    marketer, marketing = factory.login_as(Role.marketing)
    rep = factory.user(Role.rep)
    assert client.post(
        "/api/v1/auth/login", json={"email": rep.email, "password": "wrong"}
    ).status_code == 401  # fmt: skip
    client.patch(f"/api/v1/users/{rep.id}", json={"role": "marketing"}, headers=admin_headers)
    client.patch(f"/api/v1/users/{rep.id}", json={"is_active": False}, headers=admin_headers)
    campaign = client.post(
        "/api/v1/campaigns", json={"name": "Spring", "status": "draft"}, headers=marketing
    ).json()
    live = client.patch(
        f"/api/v1/campaigns/{campaign['id']}", json={"status": "live"}, headers=marketing
    )
    assert live.status_code == 200, live.text
    assert client.get("/api/v1/insights/outcomes.csv", headers=marketing).status_code == 200

    events = client.get(AUDIT, headers=admin_headers).json()["events"]
    by_action = {e["action"]: e for e in events}
    assert {
        "login",
        "login.failed",
        "user.changed",
        "user.deactivated",
        "campaign.live",
        "outcomes.exported",
    } <= set(by_action)
    assert by_action["login.failed"]["actor_email"] == rep.email.lower()
    assert by_action["user.changed"]["details"] == {"role": ["rep", "marketing"]}
    assert by_action["user.changed"]["actor_email"] == admin.email
    assert by_action["campaign.live"]["target_name"] == "Spring"
    assert by_action["campaign.live"]["actor_email"] == marketer.email
    assert by_action["outcomes.exported"]["details"]["format"] == "csv"
    assert events == sorted(events, key=lambda e: e["at"], reverse=True)

    assert _actions(client, admin_headers, action="campaign.live") == ["campaign.live"]
    mine = _actions(client, admin_headers, actor=marketer.email.upper())
    assert mine and set(mine) <= {"login", "campaign.live", "outcomes.exported"}
    assert PASSWORD not in client.get(AUDIT, headers=admin_headers).text


def test_only_admins_read_the_log_and_bad_filters_are_named(
    client: TestClient, factory: Factory
) -> None:
    assert client.get(AUDIT).status_code == 401
    for role in (Role.rep, Role.marketing):
        assert client.get(AUDIT, headers=factory.auth(factory.user(role))).status_code == 403
    headers = factory.auth(factory.user(Role.admin))
    for query in (
        {"action": "nonsense"},
        {"limit": "0"},
        {"since": "yesterday"},
        {"until": "9999-12-31T23:30:00-01:00"},  # leaves the calendar once in UTC
        {"since": "0001-01-01T00:30:00+01:00"},
    ):
        response = client.get(AUDIT, params=query, headers=headers)
        assert response.status_code == 422, query
    assert client.get(AUDIT, params={"limit": 1}, headers=headers).json()["total"] >= 1


def test_the_log_exports_as_csv_safe_for_excel(client: TestClient, factory: Factory) -> None:
    admin, headers = factory.login_as(Role.admin)
    created = client.post(
        "/api/v1/users",
        json={"email": "x@example.test", "name": "X", "role": "rep", "password": "long enough"},
        headers=headers,
    )
    assert created.status_code == 201
    hostile = '=HYPERLINK("http://evil.example")'  # typed into the login form by anyone
    client.post("/api/v1/auth/login", json={"email": hostile, "password": "x"})
    response = client.get(f"{AUDIT}/events.csv", headers=headers)
    assert response.status_code == 200 and response.text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(response.text.removeprefix("\ufeff"))))
    created_row = next(r for r in rows if r["action"] == "user.created")
    assert created_row["target_name"] == "x@example.test"
    assert created_row["actor_email"] == admin.email
    assert created_row["at"].endswith("Z")
    failed = next(r for r in rows if r["action"] == "login.failed")
    assert failed["actor_email"] == "'" + hostile.lower()
    rep_headers = factory.auth(factory.user(Role.rep))
    assert client.get(f"{AUDIT}/events.csv", headers=rep_headers).status_code == 403
