"""Outcome first, reason right after, in real Chromium at 390x844: the tap logs the visit at
once; its confirmation offers the code's reason chips, a note and (for a follow-up) the next
visit's date; each choice reaches the server exactly once, whether the tap was still on the
phone (changed in place) or already sent (an amendment of its own). The confirmation never
covers the outcome buttons."""

import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlmodel import Session, select

from app.core.db import make_engine
from app.core.settings import Settings
from app.leads.models import Lead
from app.outcomes.models import Outcome
from app.sync.models import AppliedMutation
from tests.browser.conftest import PHONE, log_in
from tests.browser.rep_content import Visit, add_visit
from tests.browser.test_one_tap import (
    OUTBOX_SIZE,
    log_in_with,
    open_lead,
    wait_until_pushed,
)
from tests.browser.test_rep_journey import UNDO_PASSED_MS, wait_for
from tests.server import Server

BERLIN = ZoneInfo("Europe/Berlin")

# Each test taps on visits of its own and reads back only those leads (amendments as a change).
SHARED_SERVER = True


@pytest.fixture
def page(browser: Browser, live_server: Server) -> Iterator[Page]:
    """A phone on the organisation's clock (the demo's zone), so that "tomorrow" is one day."""
    context: BrowserContext = browser.new_context(
        base_url=live_server.url, locale="en-GB", timezone_id="Europe/Berlin", **PHONE
    )
    context.clock.install()  # wait_until_pushed moves it past the Undo window
    yield context.new_page()
    context.close()


def server_outcomes(settings: Settings, lead_id: str) -> list[dict[str, Any]]:
    engine = make_engine(settings)
    try:
        with Session(engine) as session:
            rows = session.exec(select(Outcome).where(Outcome.lead_id == uuid.UUID(lead_id)))
            return [
                {"code": o.code, "details": o.details, "note": o.note}
                for o in rows
                if o.retracted_at is None
            ]
    finally:
        engine.dispose()


def amendments(settings: Settings) -> int:
    """`outcome.amend` mutations the server applied."""
    engine = make_engine(settings)
    try:
        with Session(engine) as session:
            query = select(AppliedMutation).where(AppliedMutation.kind == "outcome.amend")
            return len(session.exec(query).all())
    finally:
        engine.dispose()


def planned_on_server(settings: Settings, lead_id: str) -> datetime | None:
    engine = make_engine(settings)
    try:
        with Session(engine) as session:
            lead = session.get(Lead, uuid.UUID(lead_id))
            assert lead is not None and lead.planned_visit_at is not None
            return lead.planned_visit_at.astimezone(BERLIN)
    finally:
        engine.dispose()


PLANNED_ON_PHONE = """(id) => new Promise((resolve, reject) => {
  const open = indexedDB.open('strang')
  open.onerror = () => reject(open.error)
  open.onsuccess = () => {
    const get = open.result.transaction('leads').objectStore('leads').get(id)
    get.onsuccess = () => {
      open.result.close()
      resolve(get.result && get.result.planned_visit_at)
    }
  }
})"""


def tap(page: Page, code: str) -> None:
    page.locator(f'button.outcome[data-code="{code}"]').click()
    expect(page.get_by_test_id("toast").locator("span")).to_contain_text("Saved")


def assert_clear_of_the_buttons(page: Page) -> None:
    toast = page.get_by_test_id("toast").bounding_box()
    assert toast is not None
    for button in page.locator("button.outcome").all():
        box = button.bounding_box()
        assert box is not None
        assert toast["y"] + toast["height"] <= box["y"], (toast, box)


def assert_thumb_sized(page: Page, selector: str) -> None:
    for item in page.get_by_test_id("toast").locator(selector).all():
        box = item.bounding_box()
        assert box and box["width"] >= 44 and box["height"] >= 44, (selector, box)


def test_a_reason_and_a_note_right_after_the_tap_reach_the_server_once(
    page: Page, live_server: Server, demo_settings: Settings
) -> None:
    unsent, sent = add_visit(live_server.url), add_visit(live_server.url)
    earlier = amendments(demo_settings)  # the module's other tests share the server
    log_in_with(page, [unsent, sent])

    # Offline: the tap stays on the phone, and the reason changes it in place.
    open_lead(page, unsent.company)
    page.context.set_offline(True)
    tap(page, "objection")
    toast = page.get_by_test_id("toast")
    expect(toast.locator('[data-chip="price"]')).to_be_visible()
    assert_clear_of_the_buttons(page)
    assert_thumb_sized(page, "button")
    toast.locator('[data-chip="price"]').click()
    expect(toast.locator('[data-chip="price"]')).to_have_attribute("aria-pressed", "true")
    toast.get_by_role("button", name="Note").click()
    toast.get_by_label("Note about this visit").fill("Wants a quote by Friday")
    assert_clear_of_the_buttons(page)
    toast.get_by_role("button", name="Save note").click()
    expect(toast.get_by_role("button", name="Note saved")).to_be_visible()
    assert page.evaluate(OUTBOX_SIZE) == 1  # one tap, amended in place
    page.context.set_offline(False)
    wait_until_pushed(page)
    assert server_outcomes(demo_settings, unsent.lead_id) == [
        {"code": "objection", "details": ["price"], "note": "Wants a quote by Friday"}
    ]
    assert amendments(demo_settings) == earlier

    # Online: the rep writes a note while the tap is sent; note and reason follow it.
    open_lead(page, sent.company)
    tap(page, "objection")
    toast.get_by_role("button", name="Note").click()  # holds the confirmation open
    page.clock.fast_forward(UNDO_PASSED_MS)  # past the Undo window: the tap is sent
    assert wait_for(lambda: server_outcomes(demo_settings, sent.lead_id), timeout=30)
    toast.get_by_label("Note about this visit").fill("Competitor was cheaper")
    toast.get_by_role("button", name="Save note").click()
    toast.locator('[data-chip="price"]').click()
    wait_until_pushed(page)
    assert server_outcomes(demo_settings, sent.lead_id) == [
        {"code": "objection", "details": ["price"], "note": "Competitor was cheaper"}
    ]
    # merged while waiting, or one after the other
    assert amendments(demo_settings) - earlier in (1, 2)


def test_a_follow_up_plans_the_next_visit_for_tomorrow(
    page: Page, live_server: Server, demo_settings: Settings
) -> None:
    visit: Visit = add_visit(live_server.url)
    log_in(page, "rep1@demo.strang")
    expect(page.get_by_role("link", name=visit.company)).to_be_visible(timeout=15_000)
    before = planned_on_server(demo_settings, visit.lead_id)
    assert before is not None
    open_lead(page, visit.company)
    tap(page, "follow_up")
    assert_clear_of_the_buttons(page)
    toast = page.get_by_test_id("toast")
    tomorrow = datetime.now(BERLIN).date() + timedelta(days=1)
    toast.locator('[data-plan="tomorrow"]').click()
    expect(toast.locator('[data-plan="tomorrow"]')).to_have_attribute("aria-pressed", "true")
    on_phone = page.evaluate(PLANNED_ON_PHONE, visit.lead_id)
    at = datetime.fromisoformat(on_phone.replace("Z", "+00:00")).astimezone(BERLIN)
    assert (at.date(), at.time()) == (tomorrow, before.time())  # the lead's time of day kept
    wait_until_pushed(page)
    on_server = planned_on_server(demo_settings, visit.lead_id)
    assert on_server is not None
    assert (on_server.date(), on_server.time()) == (tomorrow, before.time())
    assert server_outcomes(demo_settings, visit.lead_id) == [
        {"code": "follow_up", "details": [], "note": ""}
    ]


def test_undo_of_a_follow_up_takes_back_its_next_visit(
    page: Page, live_server: Server, demo_settings: Settings
) -> None:
    visit = add_visit(live_server.url)
    log_in_with(page, [visit])
    before = planned_on_server(demo_settings, visit.lead_id)
    open_lead(page, visit.company)
    tap(page, "follow_up")
    toast = page.get_by_test_id("toast")
    toast.locator('[data-plan="week"]').click()
    expect(toast.locator('[data-plan="week"]')).to_have_attribute("aria-pressed", "true")
    toast.get_by_role("button", name="Undo").click()
    expect(toast.locator("span")).to_have_text("Taken back")
    on_phone = page.evaluate(PLANNED_ON_PHONE, visit.lead_id)
    assert datetime.fromisoformat(on_phone.replace("Z", "+00:00")) == before
    wait_until_pushed(page)  # past the Undo window: anything left is pushed now
    assert planned_on_server(demo_settings, visit.lead_id) == before
    assert server_outcomes(demo_settings, visit.lead_id) == []


def test_in_german_a_follow_up_date_can_be_picked(
    page: Page, live_server: Server, demo_settings: Settings
) -> None:
    visit = add_visit(live_server.url)
    log_in_with(page, [visit])
    page.evaluate("localStorage.setItem('strang.lang', 'de')")
    page.reload()
    before = planned_on_server(demo_settings, visit.lead_id)
    assert before is not None
    page.get_by_role("link", name=visit.company).click()
    page.locator('button.outcome[data-code="follow_up"]').click()
    toast = page.get_by_test_id("toast")
    expect(toast.locator("span")).to_contain_text("Nachfassen")
    for label in ("Morgen", "Nächste Woche", "Notiz", "Fertig"):
        expect(toast.get_by_role("button", name=label)).to_be_visible()
    assert_clear_of_the_buttons(page)
    toast.get_by_role("button", name="Datum wählen").click()
    day = datetime.now(BERLIN).date() + timedelta(days=10)
    toast.get_by_label("Datum wählen").fill(day.isoformat())
    expect(toast.locator('[data-plan="pick"]')).to_have_attribute("class", "chip on")
    wait_until_pushed(page)
    on_server = planned_on_server(demo_settings, visit.lead_id)
    assert on_server is not None and (on_server.date(), on_server.time()) == (day, before.time())
