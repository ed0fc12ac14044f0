"""Live updates over a real `strang serve`: a change for a rep reaches that rep's open stream
within seconds and nobody else's; quiet streams get heartbeats; a revoke ends the stream."""

import time
import uuid
from collections.abc import Iterator

import httpx
import pytest

from app.auth.models import Role
from app.core.settings import Settings
from tests.factories import PASSWORD, Factory
from tests.live.sse import LiveReader
from tests.server import Server, running_server

WITHIN = 5.0  # seconds: the promise to the rep


@pytest.fixture
def settings(module_settings: Settings) -> Settings:
    """One database and server for the module: each test makes users of its own."""
    return module_settings


@pytest.fixture(scope="module")
def shared_server(module_settings: Settings) -> Iterator[Server]:
    with running_server(module_settings, STRANG_LIVE_HEARTBEAT_SECONDS="0.5") as running:
        yield running


@pytest.fixture
def server(shared_server: Server) -> Server:
    if shared_server.process.poll() is not None:  # a test before stopped it
        shared_server.restart()
    return shared_server


@pytest.fixture
def http(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        yield client


def reader(server: Server, headers: dict[str, str]) -> LiveReader:
    live = LiveReader(server.url, headers)
    assert live.status == 200
    hello = live.next_event()
    assert hello is not None and hello.name == "hello"
    return live


def send_signal(http: httpx.Client, headers: dict[str, str]) -> str:
    signal_id = str(uuid.uuid4())
    mutation = {"type": "signal.send", "id": signal_id, "kind": "need_material", "text": "?"}
    answer = http.post(
        "/api/v1/sync/push", headers=headers, json={"device_id": "d1", "mutations": [mutation]}
    )
    assert answer.status_code == 200, answer.text
    return signal_id


def test_an_acknowledgement_reaches_the_reps_stream_and_no_other(
    server: Server, http: httpx.Client, factory: Factory
) -> None:
    _, rep_auth = factory.login_as(Role.rep)
    _, other_auth = factory.login_as(Role.rep)
    _, marketing = factory.login_as(Role.marketing)
    signal_id = send_signal(http, rep_auth)
    mine, theirs = reader(server, rep_auth), reader(server, other_auth)

    committed = time.monotonic()
    answer = http.post(
        f"/api/v1/signals/{signal_id}/acknowledge", headers=marketing, json={"reply": "On its way"}
    )
    assert answer.status_code == 200, answer.text
    notice = mine.next_event(WITHIN)
    assert notice is not None and notice.name == "change"
    assert notice.at - committed < WITHIN
    assert notice.data["scope"] == "rep" and int(str(notice.data["clock"])) > 0
    assert theirs.changes_within(1.0) == []
    # and the pull it prompts brings the answer
    pulled = http.get("/api/v1/sync/pull", headers=rep_auth).json()
    assert [s["reply"] for s in pulled["changes"]["signals"]] == ["On its way"]
    mine.close()
    theirs.close()


def test_a_reassigned_lead_reaches_the_old_and_the_new_rep(
    server: Server, http: httpx.Client, factory: Factory
) -> None:
    before, before_auth = factory.login_as(Role.rep)
    after, after_auth = factory.login_as(Role.rep)
    _, bystander_auth = factory.login_as(Role.rep)
    _, marketing = factory.login_as(Role.marketing)
    lead = http.post(
        "/api/v1/leads", headers=marketing, json={"company": "Mühle KG", "rep_id": str(before.id)}
    ).json()
    old, new, bystander = (reader(server, a) for a in (before_auth, after_auth, bystander_auth))

    moved = http.patch(
        f"/api/v1/leads/{lead['id']}", headers=marketing, json={"rep_id": str(after.id)}
    )
    assert moved.status_code == 200, moved.text
    for live in (old, new):
        notice = live.next_event(WITHIN)
        assert notice is not None and notice.name == "change"
    assert bystander.changes_within(1.0) == []
    for live in (old, new, bystander):
        live.close()


def test_a_quiet_stream_gets_heartbeats_uncompressed_and_unbuffered(
    server: Server, factory: Factory
) -> None:
    _, auth = factory.login_as(Role.rep)
    live = reader(server, {**auth, "Accept-Encoding": "gzip"})
    headers = live.response_headers
    assert headers is not None
    assert headers["content-type"].startswith("text/event-stream")
    assert headers["cache-control"] == "no-cache"
    assert headers["x-accel-buffering"] == "no"
    assert "content-encoding" not in headers  # gzip would hold events back
    first = live.next_event(3.0, skip_pings=False)
    second = live.next_event(3.0, skip_pings=False)
    assert first is not None and second is not None
    assert (first.name, second.name) == ("ping", "ping")
    live.close()


def test_a_revoked_session_ends_its_stream_with_a_revoke_event(
    server: Server, http: httpx.Client, factory: Factory
) -> None:
    rep, auth = factory.login_as(Role.rep)
    _, other_device = factory.login_as(Role.rep)
    _, admin = factory.login_as(Role.admin)
    live, bystander = reader(server, auth), reader(server, other_device)
    sessions = http.get(f"/api/v1/users/{rep.id}/sessions", headers=admin).json()

    revoked = http.delete(f"/api/v1/users/{rep.id}/sessions/{sessions[0]['id']}", headers=admin)
    assert revoked.status_code == 204
    notice = live.next_event(WITHIN)
    assert notice is not None and notice.name == "revoke"
    assert live.next_event(WITHIN) is None  # and the stream ends
    assert bystander.changes_within(0.5) == []
    assert bystander.events.empty() or bystander.events.get_nowait() is not None
    again = http.get("/api/v1/live", headers=auth)
    assert again.status_code == 401
    bystander.close()


def test_a_deactivated_rep_hears_the_revoke(
    server: Server, http: httpx.Client, factory: Factory
) -> None:
    rep, auth = factory.login_as(Role.rep)
    _, admin = factory.login_as(Role.admin)
    live = reader(server, auth)
    assert http.patch(
        f"/api/v1/users/{rep.id}", headers=admin, json={"is_active": False}
    ).is_success
    notice = live.next_event(WITHIN)
    assert notice is not None and notice.name == "revoke"


def test_only_a_logged_in_rep_may_listen(
    server: Server, http: httpx.Client, factory: Factory
) -> None:
    assert http.get("/api/v1/live").status_code == 401
    assert http.get("/api/v1/live", headers={"Authorization": "Bearer nope"}).status_code == 401
    _, marketing = factory.login_as(Role.marketing)
    assert http.get("/api/v1/live", headers=marketing).status_code == 403
    # the phone's way: the session cookie of its login
    rep = factory.user(Role.rep)
    login = http.post("/api/v1/auth/login", json={"email": rep.email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    live = LiveReader(server.url, {"Cookie": f"strang_session={login.cookies['strang_session']}"})
    assert live.status == 200
    http.cookies.clear()
    live.close()


def test_stopping_the_server_ends_open_streams_at_once(server: Server, factory: Factory) -> None:
    _, auth = factory.login_as(Role.rep)
    live = reader(server, auth)
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 5  # not uvicorn's wait for responses that never end
    assert live.next_event(WITHIN) is None
