"""Web Push in the rep app, in real Chromium: turning notifications on in Settings, and a push
delivered to the service worker through the DevTools protocol (this Chromium cannot reach a
real push service) showing a discreet notification that opens the right screen (lead,
campaign, signals), with the new content already pulled."""

import json
import re
import time
import uuid
from typing import Any

from playwright.sync_api import Browser, BrowserContext, CDPSession, Page, expect
from sqlmodel import Session, select

from app.auth.models import User
from app.core.db import make_engine
from app.core.settings import Settings
from app.push.models import PushSubscription
from tests.browser.conftest import PHONE, log_in, log_in_german
from tests.browser.rep_content import add_visit
from tests.server import Server

NOTIFICATIONS = """async () => {
  const reg = await navigator.serviceWorker.ready
  return (await reg.getNotifications()).map((n) => ({
    title: n.title, body: n.body, tag: n.tag, icon: n.icon, badge: n.badge, data: n.data,
  }))
}"""


def subscriptions_of(settings: Settings, email: str) -> list[str]:
    engine = make_engine(settings)
    try:
        with Session(engine) as session:
            user = session.exec(select(User).where(User.email == email)).one()
            rows = session.exec(select(PushSubscription).where(PushSubscription.user_id == user.id))
            return [row.endpoint for row in rows]
    finally:
        engine.dispose()


def worker_registration(page: Page, cdp: CDPSession, origin: str) -> dict[str, Any]:
    """The app's registration as DevTools sees it (id and scope), from the enable event."""
    seen: list[dict[str, Any]] = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda e: seen.extend(e["registrations"]))
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        for reg in seen:
            if reg["scopeURL"] == f"{origin}/" and not reg["isDeleted"]:
                return reg
        page.wait_for_timeout(50)
    raise AssertionError(f"no service worker registration for {origin}: {seen}")


def notifications(page: Page, tag: str, count: int = 1) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 5
    while True:
        shown = [n for n in page.evaluate(NOTIFICATIONS) if n["tag"] == tag]
        if len(shown) >= count or time.monotonic() > deadline:
            return shown
        page.wait_for_timeout(50)


def test_push_shows_a_notification_that_opens_the_new_brief(
    phone: BrowserContext, page: Page, live_server: Server, demo_settings: Settings
) -> None:
    phone.grant_permissions(["notifications"])
    log_in(page, "rep1@demo.strang")
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")

    # Settings: permission is only used after the tap; the outcome depends on the push service.
    page.get_by_role("link", name="Settings").click()
    section = page.get_by_test_id("notifications")
    expect(section).to_have_attribute("data-state", "off")
    section.get_by_role("button", name="Turn on notifications").click()
    expect(section.get_by_role("button")).to_be_enabled()
    if section.get_attribute("data-state") == "on":
        expect(section.get_by_text("Notifications are on for this device.")).to_be_visible()
        assert len(subscriptions_of(demo_settings, "rep1@demo.strang")) == 1
    else:  # no push service reachable from this machine: said calmly, nothing stored
        expect(section.get_by_text("Notifications could not be turned on here")).to_be_visible()
        expect(section.get_by_role("button", name="Turn on notifications")).to_be_visible()
        assert subscriptions_of(demo_settings, "rep1@demo.strang") == []

    # Marketing assigns a new lead; the push reaches the worker while the rep looks at Today.
    visit = add_visit(live_server.url, company=f"Push Testhaus {uuid.uuid4().hex[:4]}")
    page.get_by_role("link", name="Today").click()
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    cdp = phone.new_cdp_session(page)
    reg = worker_registration(page, cdp, live_server.url)

    def deliver(poke: dict[str, Any]) -> None:
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {
                "origin": live_server.url,
                "registrationId": reg["registrationId"],
                "data": json.dumps(poke),
            },
        )

    lead_url = f"/lead/{visit.lead_id}"
    poke = {"type": "new_leads", "target_id": visit.lead_id, "url": lead_url, "lang": "en"}
    # even a payload that says too much (an older server) shows neutral words only
    deliver({**poke, "title": f"New brief: {visit.company}", "body": "Tomorrow 09:00"})
    (shown,) = notifications(page, "new_leads")
    assert shown["title"] == "New brief"
    assert shown["body"] == "Open Strang to see it."
    assert shown["icon"].endswith("/icons/icon-192.png")
    assert shown["badge"].endswith("/icons/badge-96.png")
    assert shown["data"]["url"] == lead_url
    # the worker pulled and told the page: the new lead is on Today without any tap
    expect(page.get_by_role("link", name=visit.company)).to_be_visible()

    # a second poke of the same type replaces the first; another type maps to its screen
    two = {"target_id": None, "url": "/", "counts": {"new_leads": 2}}
    deliver({**poke, **two, "title": "2 new briefs", "body": "Open Strang to see what is new."})
    deliver({"type": "signal_answered", "target_id": "x", "url": f"/signal/{uuid.uuid4()}"})
    campaign_url = f"/campaign/{visit.campaign_id}"
    deliver({"type": "new_campaign", "target_id": visit.campaign_id, "url": campaign_url})
    page.wait_for_timeout(300)
    (latest,) = notifications(page, "new_leads")
    assert latest["title"] == "2 new briefs"
    (signal,) = notifications(page, "signal_answered")
    assert signal["title"] == "Marketing replied to your signal"  # worded on the phone
    assert signal["data"]["url"] == "/signals"
    (campaign,) = notifications(page, "new_campaign")
    assert (campaign["title"], campaign["data"]["url"]) == ("New campaign", campaign_url)

    # A campaign notice opens the campaign: its message, its material and the rep's lead in it.
    page.goto(campaign["data"]["url"])
    expect(page.get_by_role("heading", name=re.compile(r"^Spring "))).to_be_visible()
    expect(page.get_by_text("Save energy before the summer")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Spring offer"))).to_be_visible()
    page.get_by_role("link", name=re.compile(visit.company)).click()
    expect(page.get_by_role("heading", name=visit.company)).to_be_visible()

    # The tap (notificationclick is unit-tested with fake clients) opens data.url: the brief.
    page.goto(shown["data"]["url"])
    expect(page.get_by_role("heading", name=visit.company)).to_be_visible()


def test_a_german_rep_reads_the_notification_in_german(
    browser: Browser, live_server: Server
) -> None:
    """The worker words a push's kind and counts in the rep's language; the lead's company (from
    what its pull brought) only when the organisation allows details."""
    context = browser.new_context(base_url=live_server.url, locale="de-DE", **PHONE)  # type: ignore[arg-type]
    context.grant_permissions(["notifications"])
    page = context.new_page()
    log_in_german(page, "rep1@demo.strang")
    expect(page.get_by_role("heading", name="Heute", exact=True)).to_be_visible()
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    visit = add_visit(live_server.url, company=f"Push Bäckerei {uuid.uuid4().hex[:4]}")
    cdp = context.new_cdp_session(page)
    reg = worker_registration(page, cdp, live_server.url)

    def deliver(poke: dict[str, Any]) -> None:
        message = {"origin": live_server.url, "registrationId": reg["registrationId"]}
        cdp.send("ServiceWorker.deliverPushMessage", message | {"data": json.dumps(poke)})

    one = {"type": "new_leads", "target_id": visit.lead_id, "url": f"/lead/{visit.lead_id}"}
    deliver(one | {"title": "New brief", "counts": {"new_leads": 1}, "lang": "en"})
    (shown,) = notifications(page, "new_leads")
    assert shown["title"] == "Neues Briefing"
    assert shown["body"] == "Öffne Strang, um es zu sehen."
    deliver(one | {"counts": {"new_leads": 1}, "details": "minimal"})
    page.wait_for_timeout(300)
    (named,) = notifications(page, "new_leads")
    assert named["title"] == f"Neues Briefing: {visit.company}"
    many = {"type": "new_leads", "target_id": None, "url": "/", "counts": {"new_leads": 3}}
    deliver(many | {"title": "3 new briefs", "body": "Open Strang to see what is new."})
    page.wait_for_timeout(300)
    (latest,) = notifications(page, "new_leads")
    assert latest["title"] == "3 neue Briefings"
    assert latest["body"] == "Öffne Strang, um die Neuigkeiten zu sehen."
    context.close()
