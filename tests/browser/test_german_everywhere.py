"""German everywhere: a rep whose phone speaks German walks every screen of the rep app (login
with a wrong password, Today, a lead, its PDF, Signals, Summary, Settings with a tap the server
refused, a failed sync, offline), and an admin walks the console's screens including a refusal
by the service. No screen may show an English UI phrase, an English server text or a raw code."""

import json
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from app.webhooks.events import EventType
from tests.browser.conftest import PHONE, log_in_german
from tests.browser.english import english_on
from tests.browser.rep_content import add_visit
from tests.browser.test_rep_journey import UNDO_PASSED_MS
from tests.server import Server

DESKTOP = {"width": 1280, "height": 900}
# The rep's walk makes a visit of its own (its English is in CONTENT, left out wherever it shows);
# the admin's walk changes nothing: its one new user is refused.
SHARED_SERVER = True
# What marketing wrote for the test's visit (tests/browser/rep_content.py), in English.
CONTENT = (
    "Save energy before the summer",
    "Ask about the heat pump",
    "Mention the spring price",
    "Spring offer",
    "Family business",
    "asked about heating last year",
    "opened a second branch",  # a demo lead's brief (app/leads/demo.py), marketing's English
    # The webhook event types, shown beside their German names as the CRM will receive them.
    *(event_type.value for event_type in EventType),
)


@pytest.fixture
def german_phone(browser: Browser, live_server: Server) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=live_server.url, locale="de-DE", **PHONE)
    yield context
    context.close()


def assert_german(page: Page, screen: str, codes: bool = True) -> None:
    found = english_on(page, codes=codes, content=CONTENT)
    assert not found, f"{screen} shows English: {found}"


def log_in_after_a_wrong_password(page: Page, email: str) -> None:
    page.goto("/")
    page.get_by_label("E-Mail").fill(email)
    page.get_by_label("Passwort", exact=True).fill("wrong password")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("alert")).to_have_text("E-Mail oder Passwort ist falsch.")
    assert_german(page, "the login with a wrong password")
    page.get_by_label("Passwort", exact=True).fill("demo")
    page.get_by_role("button", name="Anmelden").click()


def foreign_lead(route: Route) -> None:
    """Sends the phone's push on to the real server with the outcome's lead swapped for one the
    rep never had: the server refuses it (`unknown_lead`) as it would a tampered tap."""
    body = json.loads(route.request.post_data or "{}")
    for mutation in body.get("mutations", []):
        if mutation.get("type") == "outcome.log":
            mutation["lead_id"] = str(uuid.uuid4())
    route.continue_(post_data=json.dumps(body))


def test_a_german_rep_reads_no_english(german_phone: BrowserContext, live_server: Server) -> None:
    visit = add_visit(live_server.url)
    german_phone.clock.install()  # before the app loads: moved past the tap's Undo window below
    page = german_phone.new_page()
    log_in_after_a_wrong_password(page, "rep1@demo.strang")
    lead_link = page.get_by_role("link", name=visit.company)
    expect(lead_link).to_be_visible(timeout=15_000)
    assert_german(page, "Today")

    lead_link.click()
    expect(page.get_by_role("heading", name=visit.company)).to_be_visible()
    assert_german(page, "the lead")

    page.goto(f"/collateral/{visit.collateral_id}?lead={visit.lead_id}")
    expect(page.get_by_test_id("pdf")).to_have_attribute("data-pages", "2", timeout=15_000)
    assert_german(page, "a collateral item")

    for tab, heading in [("Signale", "Signale"), ("Bilanz", None)]:
        page.goto("/")
        page.get_by_role("link", name=tab, exact=True).click()
        if heading:
            expect(page.get_by_role("heading", name=heading).first).to_be_visible()
        page.wait_for_timeout(300)
        assert_german(page, tab)

    # a tap the server refuses: Settings says why, in German
    page.route("**/api/v1/sync/push", foreign_lead)
    page.goto(f"/lead/{visit.lead_id}")
    page.locator("button.outcome").first.click()
    page.wait_for_timeout(300)
    assert_german(page, "the confirmation of a tap")
    page.goto("/settings")
    sync_now = page.get_by_role("button", name="Jetzt synchronisieren")
    refused = page.get_by_test_id("rejected")
    page.clock.fast_forward(UNDO_PASSED_MS)  # the tap is sent once its Undo window passed
    for _ in range(20):
        if refused.count():
            break
        sync_now.click()
        page.wait_for_timeout(1000)
    expect(refused).to_contain_text("Dieser Lead ist dir nicht (mehr) zugewiesen")
    page.unroute("**/api/v1/sync/push")

    # a failed sync, then offline: why and how old, in German
    page.route("**/api/v1/sync/pull*", lambda route: route.abort("connectionrefused"))
    sync_now.click()
    expect(page.get_by_test_id("sync-failure")).to_contain_text("Der Server war nicht erreichbar")
    assert_german(page, "Settings with a refused tap and a failed sync")
    german_phone.set_offline(True)
    page.reload()
    expect(page.get_by_test_id("data-age")).to_contain_text("offline · Daten von")
    assert_german(page, "Settings offline")
    german_phone.set_offline(False)


def test_a_german_admin_reads_no_english_in_the_console(
    browser: Browser, live_server: Server
) -> None:
    context = browser.new_context(base_url=live_server.url, locale="de-DE", viewport=DESKTOP)
    page = context.new_page()
    try:
        log_in_german(page, "admin@demo.strang")
        page.wait_for_url("**/console/")
        screens = ["/", "/?compare=1", "/visits?code=won", "/campaigns", "/campaigns/new"]
        for path in [*screens, "/leads", "/leads/import", "/signals", "/webhooks"]:
            page.goto(f"/console{path}")
            expect(page.locator("h1").first).to_be_visible()
            page.wait_for_load_state("networkidle")
            assert_german(page, f"the console's {path}", codes=False)
        for listing, row in [("/campaigns", "/console/campaigns/"), ("/leads", "/console/leads/")]:
            page.goto(f"/console{listing}")
            page.locator(
                f"a[href^='{row}']:not([href$='/new']):not([href$='/import'])"
            ).first.click()
            page.wait_for_load_state("networkidle")
            assert_german(page, f"an item of {listing}", codes=False)

        page.goto("/console/users")
        page.locator("#u-name").fill("Noch einmal")
        page.locator("#u-email").fill("rep1@demo.strang")
        page.locator("#u-password").fill("ein langes Passwort")
        page.get_by_role("button", name="Benutzer anlegen").click()
        alert = page.get_by_role("alert")
        expect(alert).to_have_text("Es gibt schon einen Benutzer mit dieser E-Mail-Adresse.")
        assert_german(page, "the console's users with a refusal", codes=False)
    finally:
        context.close()
