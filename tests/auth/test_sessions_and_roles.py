import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from app.auth.models import Role
from tests.factories import PASSWORD, Factory


def test_cookie_session_reads_freely_but_writes_need_the_csrf_header(
    client: TestClient, factory: Factory
) -> None:
    user = factory.user()
    assert (
        client.post(
            "/api/v1/auth/login", json={"email": user.email, "password": PASSWORD}
        ).status_code
        == 200
    )
    assert client.get("/api/v1/me").status_code == 200
    refused = client.post("/api/v1/auth/logout")
    assert refused.status_code == 403
    assert "X-Requested-With" in refused.json()["detail"]
    assert client.get("/api/v1/me").status_code == 200  # nothing changed
    assert (
        client.post("/api/v1/auth/logout", headers={"X-Requested-With": "strang"}).status_code
        == 204
    )
    assert client.get("/api/v1/me").status_code == 401


def test_bearer_requests_need_no_csrf_header(client: TestClient, factory: Factory) -> None:
    headers = factory.auth(factory.user())
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204


def test_user_lists_and_revokes_own_devices_only(client: TestClient, factory: Factory) -> None:
    user = factory.user()
    phone, laptop = factory.auth(user), factory.auth(user)
    sessions = client.get("/api/v1/me/sessions", headers=phone).json()
    assert len(sessions) == 2
    assert sum(s["current"] for s in sessions) == 1
    other = factory.auth(factory.user())
    laptop_id = next(s["id"] for s in sessions if not s["current"])
    assert client.delete(f"/api/v1/me/sessions/{laptop_id}", headers=other).status_code == 404
    assert client.delete(f"/api/v1/me/sessions/{laptop_id}", headers=phone).status_code == 204
    assert client.get("/api/v1/me", headers=laptop).status_code == 401
    assert client.get("/api/v1/me", headers=phone).status_code == 200


def test_admin_revokes_anyones_device(client: TestClient, factory: Factory) -> None:
    rep = factory.user()
    rep_headers = factory.auth(rep)
    _, admin = factory.login_as(Role.admin)
    sessions = client.get(f"/api/v1/users/{rep.id}/sessions", headers=admin).json()
    assert len(sessions) == 1
    url = f"/api/v1/users/{rep.id}/sessions/{sessions[0]['id']}"
    assert client.delete(url, headers=admin).status_code == 204
    assert client.get("/api/v1/me", headers=rep_headers).status_code == 401


def test_deactivating_a_user_revokes_all_sessions(client: TestClient, factory: Factory) -> None:
    rep = factory.user()
    rep_headers = factory.auth(rep)
    _, admin = factory.login_as(Role.admin)
    response = client.patch(f"/api/v1/users/{rep.id}", headers=admin, json={"is_active": False})
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert client.get("/api/v1/me", headers=rep_headers).status_code == 401


ENDPOINTS = [
    ("GET", "/api/v1/me"),
    ("GET", "/api/v1/me/sessions"),
    ("POST", "/api/v1/auth/logout"),
    ("GET", "/api/v1/users"),
    ("POST", "/api/v1/users"),
    ("PATCH", "/api/v1/users/00000000-0000-0000-0000-000000000000"),
]
ADMIN_ONLY = {"/api/v1/users"}


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_unauthenticated_requests_get_401(client: TestClient, method: str, path: str) -> None:
    assert client.request(method, path, json={}).status_code == 401


@pytest.mark.parametrize("role", [Role.rep, Role.marketing])
@pytest.mark.parametrize(
    ("method", "path"), [e for e in ENDPOINTS if e[1].startswith("/api/v1/users")]
)
def test_only_admins_manage_users(
    client: TestClient, factory: Factory, role: Role, method: str, path: str
) -> None:
    _, headers = factory.login_as(role)
    assert client.request(method, path, headers=headers, json={}).status_code == 403


def test_admin_creates_and_updates_users(client: TestClient, factory: Factory) -> None:
    _, admin = factory.login_as(Role.admin)
    created = client.post(
        "/api/v1/users",
        headers=admin,
        json={
            "email": "Lena@Example.test",
            "name": "Lena",
            "role": "rep",
            "password": "long enough",
            "region": "South",
            "team": "Munich",
        },
    )
    assert created.status_code == 201
    user_id = created.json()["id"]
    patched = client.patch(
        f"/api/v1/users/{user_id}", headers=admin, json={"role": "marketing", "team": "HQ"}
    )
    assert patched.json()["role"] == "marketing" and patched.json()["team"] == "HQ"
    assert patched.json()["region"] == "South"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "X", "role": "rep", "password": "long enough"}, "email"),
        ({"email": "not-an-email", "name": "X", "role": "rep", "password": "long enough"}, "email"),
        (
            {"email": "x@example.test", "name": "X", "role": "boss", "password": "long enough"},
            "role",
        ),
        ({"email": "x@example.test", "name": "X", "role": "rep", "password": "short"}, "password"),
    ],
)
def test_bad_user_input_names_the_field(
    client: TestClient, factory: Factory, body: dict[str, str], field: str
) -> None:
    _, admin = factory.login_as(Role.admin)
    response = client.post("/api/v1/users", headers=admin, json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == field
    assert len(client.get("/api/v1/users", headers=admin).json()) == 1


def test_duplicate_email_in_any_case_is_409(client: TestClient, factory: Factory) -> None:
    factory.user(email="taken@example.test")
    _, admin = factory.login_as(Role.admin)
    response = client.post(
        "/api/v1/users",
        headers=admin,
        json={"email": "TAKEN@example.TEST", "name": "X", "role": "rep", "password": "long enough"},
    )
    assert response.status_code == 409


def test_two_admins_adding_one_email_at_once_get_201_and_409(
    client: TestClient, factory: Factory
) -> None:
    """The check before the insert cannot see the other request's uncommitted row; the unique
    index decides, and the loser hears 409, not 500."""
    _, admin = factory.login_as(Role.admin)
    start = threading.Barrier(2)

    def add(name: str) -> int:
        body = {
            "email": "twice@example.test",
            "name": name,
            "role": "rep",
            "password": "long enough",
        }
        start.wait()
        return client.post("/api/v1/users", headers=admin, json=body).status_code

    with ThreadPoolExecutor(2) as pool:
        assert sorted(pool.map(add, ["One", "Two"])) == [201, 409]


def test_unknown_role_in_patch_is_422(client: TestClient, factory: Factory) -> None:
    rep = factory.user()
    _, admin = factory.login_as(Role.admin)
    response = client.patch(f"/api/v1/users/{rep.id}", headers=admin, json={"role": "owner"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "role"
