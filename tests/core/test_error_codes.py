"""Errors a person meets in the apps carry a stable code (and its params) besides the English
detail, so the rep app and the console word them in the user's language."""

import uuid

from fastapi.testclient import TestClient

from app.auth.models import Role
from tests.factories import Factory


def test_a_taken_email_and_an_unknown_lead_answer_with_codes(
    client: TestClient, factory: Factory
) -> None:
    _, admin = factory.login_as(Role.admin)
    taken = factory.user(Role.rep)
    body = {"email": taken.email, "name": "Again", "role": "rep", "password": "long enough pw"}
    answer = client.post("/api/v1/users", json=body, headers=admin)
    assert answer.status_code == 409
    assert answer.json()["code"] == "email_taken" and answer.json()["params"] == {}
    assert answer.json()["detail"] == "A user with this email already exists"

    missing = client.get(f"/api/v1/leads/{uuid.uuid4()}", headers=admin)
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"


def test_an_ended_session_and_a_role_refusal_have_codes(
    client: TestClient, factory: Factory
) -> None:
    ended = client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-session"})
    assert ended.status_code == 401
    assert ended.json()["code"] == "session_ended"
    _, rep = factory.login_as(Role.rep)
    refused = client.get("/api/v1/users", headers=rep)
    assert refused.status_code == 403
    assert refused.json()["code"] == "role_forbidden"


def test_validation_errors_keep_fastapis_shape_with_the_pydantic_type(
    client: TestClient, factory: Factory
) -> None:
    _, admin = factory.login_as(Role.admin)
    answer = client.post("/api/v1/users", json={"email": "x@example.test"}, headers=admin)
    assert answer.status_code == 422
    assert {item["type"] for item in answer.json()["detail"]} == {"missing"}
