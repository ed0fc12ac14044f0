"""Single sign-on end to end against a real OpenID provider (oidc-provider-mock over HTTP, started
here): a user's claims are set at the provider, the browser's hops are made by hand."""

import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from oidc_provider_mock import run_server_in_thread
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.auth.models import Role, User
from app.core.settings import Settings
from tests.conftest import base_settings
from tests.factories import PASSWORD, Factory

START = "/api/v1/auth/sso/start"
CSRF = {"X-Requested-With": "strang"}


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    with run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def settings(settings: Settings, provider: str) -> Settings:
    return settings.model_copy(
        update={
            "oidc_issuer": provider,
            "oidc_client_id": "strang",
            "oidc_client_secret": "s3cret",
            "oidc_name": "Acme ID",
            "oidc_roles": "strang-admin=admin,strang-marketing=marketing",
        }
    )


def at_provider(
    client: TestClient,
    provider: str,
    sub: str,
    claims: dict[str, object],
    next_path: str | None = None,
) -> str:
    """Starts a sign-on, lets `sub` (with `claims`) approve it; returns the callback URL."""
    httpx.put(f"{provider}/users/{sub}", json=claims).raise_for_status()
    start = client.get(
        START, params={"next": next_path} if next_path else {}, follow_redirects=False
    )
    assert start.status_code == 303, start.text
    approved = httpx.post(start.headers["location"], data={"sub": sub}, follow_redirects=False)
    assert approved.status_code == 302, approved.text
    return approved.headers["location"]


def sign_in(
    client: TestClient, provider: str, claims: dict[str, object], next_path: str | None = None
) -> httpx.Response:
    callback = at_provider(client, provider, f"sub-{time.monotonic_ns()}", claims, next_path)
    return client.get(callback, follow_redirects=False)


def refused_with(response: httpx.Response) -> str:
    assert response.status_code == 303
    target = urlsplit(response.headers["location"])
    assert target.path == "/"
    assert "strang_session" not in response.cookies
    return parse_qs(target.query)["sso_error"][0]


def verified(email: str, **extra: object) -> dict[str, object]:
    return {"email": email, "email_verified": True, **extra}


def test_options_name_the_provider_and_password_login(client: TestClient) -> None:
    assert client.get("/api/v1/auth/options").json() == {
        "password_login": True,
        "sso": {"name": "Acme ID"},
    }


def test_existing_rep_signs_in_and_the_session_works_for_sync(
    client: TestClient, factory: Factory, provider: str, db: Session
) -> None:
    rep = factory.user(Role.rep, email="Rita.Rep@Example.test")
    answer = sign_in(client, provider, verified("rita.rep@example.TEST"))
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    assert "strang_session" in answer.cookies and "strang_device" in answer.cookies
    me = client.get("/api/v1/me")
    assert me.status_code == 200 and me.json()["id"] == str(rep.id)
    pull = client.get("/api/v1/sync/pull")
    assert pull.status_code == 200 and "changes" in pull.json()
    # logout ends the Strang session
    assert client.post("/api/v1/auth/logout", headers=CSRF).status_code == 204
    assert client.get("/api/v1/me").status_code == 401
    events = db.exec(select(AuditEvent).where(AuditEvent.actor_id == rep.id)).all()
    assert [(e.action, e.details) for e in events] == [
        ("login", {"method": "sso"}),
        ("logout", {}),
    ]


def test_the_flow_uses_pkce_state_and_nonce(client: TestClient, provider: str) -> None:
    start = client.get(START, follow_redirects=False)
    query = parse_qs(urlsplit(start.headers["location"]).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert query["client_id"] == ["strang"] and "openid" in query["scope"][0].split()
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    assert query["redirect_uri"] == ["http://127.0.0.1:8000/api/v1/auth/sso/callback"]
    cookie = start.headers["set-cookie"]
    assert "strang_sso=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie


def test_first_sign_on_creates_the_user_with_the_mapped_role(
    client: TestClient, provider: str, app: object, db: Session
) -> None:
    client.app.state.settings.oidc_create_users = True  # type: ignore[attr-defined]
    claims = verified(
        "new.marketer@example.test", name="Nina New", groups=["staff", "strang-marketing"]
    )
    answer = sign_in(client, provider, claims)
    assert answer.status_code == 303 and answer.headers["location"] == "/console/"
    me = client.get("/api/v1/me").json()
    assert (me["email"], me["name"], me["role"]) == (
        "new.marketer@example.test",
        "Nina New",
        "marketing",
    )
    client.cookies.clear()
    plain = sign_in(client, provider, verified("new.rep@example.test"))
    assert plain.headers["location"] == "/"
    user = db.exec(select(User).where(User.email == "new.rep@example.test")).one()
    assert user.role == Role.rep and user.name == "new.rep"


def test_next_path_is_followed_only_on_this_site(
    client: TestClient, factory: Factory, provider: str
) -> None:
    factory.user(Role.rep, email="nexter@example.test")
    answer = sign_in(client, provider, verified("nexter@example.test"), next_path="/library")
    assert answer.headers["location"] == "/library"
    client.cookies.clear()
    for evil in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        answer = sign_in(client, provider, verified("nexter@example.test"), next_path=evil)
        assert answer.headers["location"] == "/"
        client.cookies.clear()


@pytest.mark.parametrize(
    ("claims", "code"),
    [
        ({"aud": "another-app"}, "sso_wrong_audience"),
        ({"exp": 1_700_000_000}, "sso_token_expired"),
        ({"email_verified": False}, "sso_email_unverified"),
        ({"email_verified": None}, "sso_email_unverified"),
        ({"iss": "http://evil.example"}, "sso_token_invalid"),
    ],
)
def test_bad_id_tokens_are_refused_with_their_code(
    client: TestClient,
    factory: Factory,
    provider: str,
    db: Session,
    claims: dict[str, object],
    code: str,
) -> None:
    factory.user(Role.rep, email="victim@example.test")
    answer = sign_in(client, provider, {**verified("victim@example.test"), **claims})
    assert refused_with(answer) == code
    assert client.get("/api/v1/me").status_code == 401
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "login.failed")).one()
    assert event.details == {"method": "sso", "reason": code}


def test_a_replayed_state_is_refused(client: TestClient, factory: Factory, provider: str) -> None:
    factory.user(Role.rep, email="replay@example.test")
    callback = at_provider(client, provider, "replay", verified("replay@example.test"))
    browser = client.cookies["strang_sso"]
    assert client.get(callback, follow_redirects=False).headers["location"] == "/"
    client.cookies.clear()
    client.cookies.set("strang_sso", browser, path="/api/v1/auth/sso")
    assert refused_with(client.get(callback, follow_redirects=False)) == "sso_state_invalid"
    assert client.get("/api/v1/me").status_code == 401


def test_a_callback_in_another_browser_is_refused(
    client: TestClient, factory: Factory, provider: str
) -> None:
    factory.user(Role.rep, email="fixation@example.test")
    callback = at_provider(client, provider, "fixation", verified("fixation@example.test"))
    client.cookies.clear()  # the victim's browser never started this sign-on
    assert refused_with(client.get(callback, follow_redirects=False)) == "sso_state_invalid"


def test_a_replayed_nonce_is_refused(client: TestClient, factory: Factory, provider: str) -> None:
    factory.user(Role.rep, email="nonce@example.test")
    old = client.get(START, follow_redirects=False)
    old_nonce = parse_qs(urlsplit(old.headers["location"]).query)["nonce"][0]
    client.cookies.clear()
    # the provider hands out a token carrying an earlier sign-on's nonce
    answer = sign_in(client, provider, verified("nonce@example.test", nonce=old_nonce))
    assert refused_with(answer) == "sso_nonce_invalid"


def test_unknown_inactive_and_denied_users_are_refused(
    client: TestClient, factory: Factory, provider: str
) -> None:
    assert (
        refused_with(sign_in(client, provider, verified("nobody@example.test")))
        == "sso_unknown_user"
    )
    factory.user(Role.rep, email="gone@example.test", active=False)
    assert (
        refused_with(sign_in(client, provider, verified("gone@example.test")))
        == "sso_user_inactive"
    )
    start = client.get(START, follow_redirects=False)
    denied = httpx.post(start.headers["location"], data={"action": "deny"}, follow_redirects=False)
    back = client.get(denied.headers["location"], follow_redirects=False)
    assert refused_with(back) == "sso_denied"


def test_password_login_switched_off(client: TestClient, factory: Factory, provider: str) -> None:
    user = factory.user(Role.rep, email="only.sso@example.test")
    client.app.state.settings.password_login = False  # type: ignore[attr-defined]
    refused = client.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD})
    assert refused.status_code == 403 and refused.json()["code"] == "password_login_off"
    assert client.get("/api/v1/auth/options").json()["password_login"] is False
    assert sign_in(client, provider, verified(user.email)).headers["location"] == "/"


def test_provider_down_sends_back_to_login(client: TestClient) -> None:
    client.app.state.settings.oidc_issuer = "http://127.0.0.1:9"  # type: ignore[attr-defined]
    assert refused_with(client.get(START, follow_redirects=False)) == "sso_provider_error"


def test_without_sso_configured_the_routes_are_absent(client: TestClient) -> None:
    client.app.state.settings.oidc_issuer = ""  # type: ignore[attr-defined]
    assert client.get(START).status_code == 404
    assert client.get("/api/v1/auth/options").json()["sso"] is None


def test_settings_refuse_switching_passwords_off_without_sso(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="STRANG_PASSWORD_LOGIN"):
        base_settings(tmp_path, password_login=False)
    with pytest.raises(ValueError, match="STRANG_OIDC_ROLES"):
        base_settings(
            tmp_path, oidc_issuer="https://id.example", oidc_client_id="s", oidc_roles="x=boss"
        )
    mapped = base_settings(
        tmp_path,
        oidc_issuer="https://id.example",
        oidc_client_id="s",
        oidc_roles=" strang-admin = admin,bad-entry,ops=marketing",
    )
    assert mapped.oidc_role_map == {"strang-admin": "admin", "ops": "marketing"}
