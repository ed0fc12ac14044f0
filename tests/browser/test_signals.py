"""A signal tapped on the phone reaches marketing with the time of the tap (not of its sync)
and, sent from a lead, with that lead's campaign."""

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from tests.browser.conftest import PHONE, log_in
from tests.browser.rep_content import add_visit
from tests.console.live import DESKTOP, bearer
from tests.server import Server

pytestmark = pytest.mark.browser
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def berlin_phone(browser: Browser, live_server: Server) -> Iterator[BrowserContext]:
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", timezone_id="Europe/Berlin", **PHONE
    )
    yield context
    context.close()


@pytest.fixture
def berlin_desktop(browser: Browser, live_server: Server) -> Iterator[BrowserContext]:
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", timezone_id="Europe/Berlin", viewport=DESKTOP
    )
    yield context
    context.close()


def shown(moment: datetime) -> str:
    """As both apps write a moment in English: '2 Mar 2026, 09:41', Berlin time."""
    local = moment.astimezone(BERLIN)
    return f"{local.day} {local:%b %Y, %H:%M}"


def test_a_signal_shows_the_time_of_the_tap_and_the_lead_campaign(
    berlin_phone: BrowserContext, berlin_desktop: BrowserContext, live_server: Server
) -> None:
    visit = add_visit(live_server.url)
    text = f"Rival van outside {uuid.uuid4().hex[:4]}"
    # The rep tapped three hours ago (a phone whose clock says so: the tap's time is the phone's).
    tap = (datetime.now(UTC) - timedelta(hours=3)).replace(second=0, microsecond=0)
    phone = berlin_phone.new_page()
    log_in(phone, "rep1@demo.strang")
    expect(phone.get_by_role("link", name=visit.company)).to_be_visible(timeout=15_000)
    phone.clock.set_fixed_time(tap)
    phone.get_by_role("link", name=visit.company).click()
    phone.get_by_role("link", name="Send a signal about this lead").click()
    phone.get_by_role("button", name="Competitor", exact=True).click()
    phone.get_by_label("Details (optional)").fill(text)
    phone.get_by_role("button", name="Send", exact=True).click()

    with httpx.Client(base_url=live_server.url) as client:
        headers = bearer(client, "marketing@demo.strang")
        for _ in range(100):
            inbox = client.get("/api/v1/signals", headers=headers).json()
            found = [s for s in inbox if s["text"] == text]
            if found:
                break
            phone.wait_for_timeout(250)
    [signal] = found
    assert datetime.fromisoformat(signal["occurred_at"]) == tap
    assert datetime.fromisoformat(signal["created_at"]) > tap + timedelta(hours=2)
    assert signal["campaign"]["id"] == visit.campaign_id  # the lead's, though the phone named none

    # The rep's list shows the tap, once synced as before.
    mine = phone.locator("ul.signals li").filter(has_text=text)
    expect(mine).to_contain_text(shown(tap), timeout=15_000)

    console = berlin_desktop.new_page()
    log_in(console, "marketing@demo.strang")
    console.wait_for_url("**/console/")
    console.get_by_role("navigation").get_by_role("link", name="Signals").click()
    card = console.get_by_test_id("signal").filter(has_text=text)
    expect(card).to_contain_text(shown(tap))
    expect(card).to_contain_text(f"arrived {shown(datetime.fromisoformat(signal['created_at']))}")
    expect(card).to_contain_text(visit.company)
    expect(card).to_contain_text(signal["campaign"]["name"])
