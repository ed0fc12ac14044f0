"""Security headers on every kind of answer, session cookie flags, login brute force limits."""

from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth.models import Role
from app.core.settings import Settings
from app.main import create_app
from tests.conftest import base_settings
from tests.factories import PASSWORD, Factory
from tests.security.helpers import store_pdf
from tests.server import running_server
from tests.sync.helpers import Content

LOGIN = "/api/v1/auth/login"


def assert_secure_headers(response: httpx.Response, *, https: bool = False) -> None:
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    directives = {part.strip().split(" ")[0]: part.strip() for part in csp.split(";")}
    assert directives["default-src"] == "default-src 'self'"
    assert directives["script-src"] == "script-src 'self'"  # no inline or eval scripts
    assert directives["object-src"] == "object-src 'none'"
    assert directives["frame-ancestors"] == "frame-ancestors 'none'"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in {"same-origin", "no-referrer", "strict-origin"}
    assert headers["X-Request-ID"]
    if https:
        assert headers["Strict-Transport-Security"].startswith("max-age=")
        assert int(headers["Strict-Transport-Security"].split("=")[1].split(";")[0]) >= 15552000
    else:
        assert "Strict-Transport-Security" not in headers


def _file(db: Session, factory: Factory, settings: Settings) -> tuple[str, dict[str, str]]:
    """A PDF attached to a campaign every rep sees, and a rep's credentials."""
    sha256, _ = store_pdf(db, settings, Content(db).campaign().id)
    _, headers = factory.login_as(Role.rep)
    return sha256, headers


@pytest.mark.parametrize("https", [False, True])
def test_every_kind_of_answer_carries_the_security_headers(
    settings: Settings, factory: Factory, db: Session, https: bool
) -> None:
    if https:
        settings = base_settings(
            settings.data_dir, settings.database_url, base_url="https://strang.example"
        )
    sha256, rep = _file(db, factory, settings)
    app = create_app(settings)
    try:
        with TestClient(app, base_url="http://127.0.0.1:8000") as client:
            answers = {
                "rep app": client.get("/"),
                "rep app deep link": client.get("/leads/123"),
                "console": client.get("/console/"),
                "static asset": client.get("/manifest.webmanifest"),
                "api json": client.get("/api/v1/outcome-codes", headers=rep),
                "api error": client.get("/api/v1/me"),
                "api 404": client.get("/api/v1/nothing-here"),
                "file": client.get(f"/api/v1/files/{sha256}", headers=rep),
                "health": client.get("/healthz"),
                "openapi": client.get("/api/openapi.json"),
            }
    finally:
        app.state.engine.dispose()
    assert answers["api json"].status_code == 200
    assert answers["api error"].status_code == 401
    assert answers["api 404"].status_code == 404
    assert answers["file"].status_code == 200, answers["file"].text
    file = answers.pop("file")
    for name, response in answers.items():
        assert response.status_code < 500 or name.startswith(("rep app", "console")), name
        assert_secure_headers(response, https=https)
    assert file.headers["content-type"] == "application/pdf"
    assert file.headers["X-Content-Type-Options"] == "nosniff"
    # A file is never run as a page, whatever it contains: sandboxed, nothing may load.
    csp = [part.strip() for part in file.headers["Content-Security-Policy"].split(";")]
    assert "sandbox" in csp and "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert ("Strict-Transport-Security" in file.headers) is https


def _cookie_flags(set_cookie: str) -> set[str]:
    return {part.strip().split("=")[0].lower() for part in set_cookie.split(";")[1:]}


@pytest.mark.parametrize("https", [False, True])
def test_session_cookie_is_httponly_strict_and_secure_over_https(
    settings: Settings, factory: Factory, https: bool
) -> None:
    base_url = "https://strang.example" if https else "http://127.0.0.1:8000"
    settings = base_settings(settings.data_dir, settings.database_url, base_url=base_url)
    user = factory.user(Role.rep)
    app = create_app(settings)
    try:
        with TestClient(app, base_url="http://127.0.0.1:8000") as client:
            response = client.post(LOGIN, json={"email": user.email, "password": PASSWORD})
    finally:
        app.state.engine.dispose()
    assert response.status_code == 200
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("strang_session=")
    flags = _cookie_flags(cookie)
    assert {"httponly", "samesite", "path"} <= flags
    assert "samesite=strict" in cookie.lower()
    assert ("secure" in flags) is https


def test_cookie_session_needs_the_csrf_header_for_writes(
    client: TestClient, factory: Factory
) -> None:
    user = factory.user(Role.rep)
    assert client.post(LOGIN, json={"email": user.email, "password": PASSWORD}).status_code == 200
    assert client.get("/api/v1/me").status_code == 200  # reads with the cookie alone
    forged = client.post("/api/v1/sync/push", json={"device_id": "d", "mutations": []})
    assert forged.status_code == 403


def test_login_brute_force_is_limited_over_real_http(
    settings: Settings, factory: Factory, tmp_path: Path
) -> None:
    victim = factory.user(Role.admin)
    with running_server(settings) as server, httpx.Client(base_url=server.url) as http:
        statuses = [
            http.post(LOGIN, json={"email": victim.email, "password": f"guess {n}"}).status_code
            for n in range(settings.login_max_failures_per_pair)
        ]
        assert statuses == [401] * settings.login_max_failures_per_pair
        # Even the right password is refused now: an attacker learns nothing from a hit.
        limited = http.post(LOGIN, json={"email": victim.email, "password": PASSWORD})
        assert limited.status_code == 429
        assert 0 < int(limited.headers["Retry-After"]) <= settings.login_window_seconds
        assert "set-cookie" not in limited.headers
        assert_secure_headers(limited)
