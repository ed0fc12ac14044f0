import logging
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlmodel import Session

from app.auth.models import AuthSession, Role
from app.core.time import utcnow
from tests.factories import PASSWORD, Factory

LOGIN = "/api/v1/auth/login"


def test_login_returns_token_user_and_a_strict_httponly_cookie(
    client: TestClient, factory: Factory
) -> None:
    user = factory.user(Role.rep, email="Rep.One@Example.test", name="Rep One")
    response = client.post(LOGIN, json={"email": "rep.one@example.TEST", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["user"] == {
        "id": str(user.id),
        "email": user.email,
        "name": "Rep One",
        "role": "rep",
    }
    assert len(body["token"]) >= 40
    cookie = response.headers["set-cookie"]
    assert "strang_session=" in cookie
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Max-Age=7776000" in cookie  # 90 days


def test_token_is_stored_only_as_a_hash(client: TestClient, factory: Factory, db: Session) -> None:
    user = factory.user()
    token = factory.token(user)
    stored = db.scalars(select(AuthSession.token_hash)).all()
    assert stored and token not in stored
    assert all(len(h) == 64 for h in stored)


@pytest.mark.parametrize(
    ("email", "password"),
    [("nobody@example.test", PASSWORD), (None, "wrong password")],
)
def test_wrong_credentials_get_the_same_401(
    client: TestClient, factory: Factory, email: str | None, password: str
) -> None:
    user = factory.user()
    response = client.post(LOGIN, json={"email": email or user.email, "password": password})
    assert response.status_code == 401
    assert response.json() == {
        "detail": "Wrong email or password",
        "code": "wrong_credentials",
        "params": {},
    }


def test_inactive_user_cannot_log_in(client: TestClient, factory: Factory) -> None:
    user = factory.user(active=False)
    response = client.post(LOGIN, json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 401


def test_missing_fields_are_named(client: TestClient) -> None:
    response = client.post(LOGIN, json={"email": "a@b.test"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "password"]


def test_login_is_rate_limited_per_email_with_retry_after(
    client: TestClient, factory: Factory
) -> None:
    user = factory.user()
    for _ in range(5):
        assert client.post(LOGIN, json={"email": user.email, "password": "nope"}).status_code == 401
    limited = client.post(LOGIN, json={"email": user.email, "password": PASSWORD})
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    other = factory.user()
    assert client.post(LOGIN, json={"email": other.email, "password": PASSWORD}).status_code == 200


def test_login_is_rate_limited_per_client_address(client: TestClient, factory: Factory) -> None:
    for i in range(30):
        client.post(LOGIN, json={"email": f"guess{i}@example.test", "password": "x"})
    user = factory.user()
    assert client.post(LOGIN, json={"email": user.email, "password": PASSWORD}).status_code == 429


def test_password_never_appears_in_responses_or_logs(
    client: TestClient, factory: Factory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    _admin, headers = factory.login_as(Role.admin)
    secret = "a very secret pass phrase"
    created = client.post(
        "/api/v1/users",
        headers=headers,
        json={"email": "new@example.test", "name": "New", "role": "rep", "password": secret},
    )
    assert created.status_code == 201
    login = client.post(LOGIN, json={"email": "new@example.test", "password": secret})
    listed = client.get("/api/v1/users", headers=headers)
    for response in (created, login, listed):
        assert secret not in response.text
        assert "password" not in response.text
    assert secret not in caplog.text


def test_session_slides_and_expires(client: TestClient, factory: Factory, db: Session) -> None:
    user = factory.user()
    headers = factory.auth(user)
    db.execute(
        update(AuthSession).values(
            last_seen_at=utcnow() - timedelta(days=2), expires_at=utcnow() + timedelta(days=88)
        )
    )
    db.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    db.expire_all()
    refreshed = db.scalars(select(AuthSession)).one()
    assert refreshed.expires_at > utcnow() + timedelta(days=89)

    db.execute(update(AuthSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_logout_revokes_the_token(client: TestClient, factory: Factory) -> None:
    headers = factory.auth(factory.user())
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401
