"""Live updates in real Chromium: with the app open, marketing's answer, a new lead and a
revoke reach the phone within seconds, without a reload (the regular pull comes every 3
minutes); and a Web Push still brings the change when the live stream cannot get through."""

import json
import time
import uuid
from typing import Any

import httpx
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import log_in
from tests.browser.rep_content import add_visit
from tests.browser.test_rep_push import worker_registration
from tests.console.live import bearer
from tests.server import Server

WITHIN_MS = 5_000
# Each test has its own phone and looks for its own signal or lead. One revokes rep 1's sessions:
# the others log in afresh and do not need an earlier session.
SHARED_SERVER = True


def test_marketings_answer_shows_on_the_open_phone_within_seconds(
    page: Page, live_server: Server
) -> None:
    text = f"Need brochures {uuid.uuid4().hex[:4]}"
    with httpx.Client(base_url=live_server.url) as http:
        rep = bearer(http, "rep1@demo.strang")
        signal_id = str(uuid.uuid4())
        mutation = {"type": "signal.send", "id": signal_id, "kind": "need_material", "text": text}
        http.post(
            "/api/v1/sync/push", headers=rep, json={"device_id": "t", "mutations": [mutation]}
        ).raise_for_status()
        with page.expect_response("**/api/v1/live", timeout=15_000) as stream:
            log_in(page, "rep1@demo.strang")
        assert stream.value.status == 200
        page.get_by_role("link", name="Signals").click()
        mine = page.locator("ul.signals li").filter(has_text=text)
        expect(mine).to_be_visible(timeout=15_000)
        page.wait_for_timeout(500)

        marketing = bearer(http, "marketing@demo.strang")
        reply = f"In the post today {uuid.uuid4().hex[:4]}"
        started = time.monotonic()
        http.post(
            f"/api/v1/signals/{signal_id}/acknowledge", headers=marketing, json={"reply": reply}
        ).raise_for_status()
    expect(mine).to_contain_text(reply, timeout=WITHIN_MS)
    print(f"answer shown {time.monotonic() - started:.2f} s after the commit")


def test_a_new_lead_shows_on_today_within_seconds(page: Page, live_server: Server) -> None:
    with page.expect_response("**/api/v1/live", timeout=15_000) as stream:
        log_in(page, "rep1@demo.strang")
    assert stream.value.status == 200
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    page.wait_for_timeout(500)
    visit = add_visit(live_server.url, company=f"Live Testhaus {uuid.uuid4().hex[:4]}")
    expect(page.get_by_role("link", name=visit.company)).to_be_visible(timeout=WITHIN_MS)


def test_a_revoked_session_logs_the_open_phone_out_within_seconds(
    page: Page, live_server: Server
) -> None:
    with page.expect_response("**/api/v1/live", timeout=15_000) as stream:
        log_in(page, "rep1@demo.strang")
    assert stream.value.status == 200
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    with httpx.Client(base_url=live_server.url) as http:
        admin = bearer(http, "admin@demo.strang")
        users = http.get("/api/v1/users", headers=admin).json()
        (rep,) = [u for u in users if u["email"] == "rep1@demo.strang"]
        for session in http.get(f"/api/v1/users/{rep['id']}/sessions", headers=admin).json():
            http.delete(f"/api/v1/users/{rep['id']}/sessions/{session['id']}", headers=admin)
    expect(page.get_by_role("button", name="Log in")).to_be_visible(timeout=WITHIN_MS)


def test_a_web_push_brings_the_change_when_the_stream_cannot(
    phone: BrowserContext, page: Page, live_server: Server
) -> None:
    blocked: list[str] = []

    def refuse(route: Any) -> None:
        blocked.append(route.request.url)
        route.abort()

    page.route("**/api/v1/live", refuse)  # the page's stream only; the worker's pulls pass
    log_in(page, "rep1@demo.strang")
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    assert blocked
    phone.grant_permissions(["notifications"])
    visit = add_visit(live_server.url, company=f"Push Testhaus {uuid.uuid4().hex[:4]}")
    page.wait_for_timeout(2_500)  # longer than a live notice would take
    expect(page.get_by_role("link", name=visit.company)).to_have_count(0)

    cdp = phone.new_cdp_session(page)
    reg = worker_registration(page, cdp, live_server.url)
    poke = {"type": "new_leads", "target_id": visit.lead_id, "url": f"/lead/{visit.lead_id}"}
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": live_server.url, "registrationId": reg["registrationId"],
         "data": json.dumps({**poke, "title": "New brief", "body": visit.company})},
    )  # fmt: skip
    expect(page.get_by_role("link", name=visit.company)).to_be_visible(timeout=WITHIN_MS)
