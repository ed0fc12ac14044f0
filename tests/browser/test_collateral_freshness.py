"""Fresh collateral end to end: marketing tags an item and sets it valid for 10 more days in
the console, sees the warning badge, the note, the dashboard panel and the history; a rep finds
the item on the phone by typing the tag without its accents."""

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from tests.browser.conftest import PHONE, log_in
from tests.console.live import DESKTOP
from tests.server import Server

pytestmark = pytest.mark.browser

ZONE = "Europe/Berlin"  # the demo organisation's, and the browsers' here


@pytest.fixture
def desktop(browser: Browser, live_server: Server) -> Iterator[BrowserContext]:
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport=DESKTOP, timezone_id=ZONE
    )
    yield context
    context.close()


@pytest.fixture
def rep_phone(browser: Browser, live_server: Server) -> Iterator[BrowserContext]:
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-GB",
        timezone_id=ZONE,
        **PHONE,  # type: ignore[arg-type]
    )
    yield context
    context.close()


def test_tag_and_valid_until_warn_in_the_console_and_the_phone_finds_the_tag(
    desktop: BrowserContext, rep_phone: BrowserContext
) -> None:
    valid_until = datetime.now(ZoneInfo(ZONE)).date() + timedelta(days=10)
    page = desktop.new_page()
    log_in(page, "marketing@demo.strang")
    page.wait_for_url("**/console/")
    page.get_by_role("navigation").get_by_role("link", name="Campaigns").click()
    page.get_by_role("link", name="Frühjahrsaktion Wärmepumpe WP-300").click()
    page.wait_for_url(re.compile(r"/console/campaigns/[0-9a-f-]{36}$"))

    row = page.get_by_test_id("collateral").locator("tbody tr", has_text="Produktblatt WP-300")
    expect(row.get_by_test_id("expiring-badge")).to_have_count(0)
    row.get_by_role("button", name="Details").click()
    details = page.get_by_test_id("item-details")
    details.get_by_label("Tags").fill("Förderprogramm, Wärmepumpe")
    details.get_by_label("Valid until").fill(valid_until.isoformat())
    details.get_by_role("button", name="Save").click()
    expect(details.get_by_text("Saved.")).to_be_visible()

    expect(row.get_by_test_id("expiring-badge")).to_have_text("Expires in 10 days")
    expect(row.locator(".tags")).to_contain_text("Förderprogramm")
    expect(page.get_by_test_id("expiring-note")).to_contain_text("1 item(s) expire within 14 days")
    history = details.get_by_test_id("collateral-history")
    expect(history.locator("> li").first).to_contain_text("Edited")
    expect(history.locator("> li").first).to_contain_text("Mara Marketing")
    expect(history.locator("> li").first).to_contain_text("Tags: — → Förderprogramm, Wärmepumpe")

    # The console's search ignores accents and case too.
    page.get_by_role("searchbox", name="Search titles and tags").fill("FORDERPROGRAMM")
    expect(page.get_by_test_id("collateral").locator("tbody tr")).to_have_count(1)

    page.get_by_role("navigation").get_by_role("link", name="Dashboard").click()
    expiring = page.get_by_test_id("expiring-list")
    expect(expiring).to_contain_text("Produktblatt WP-300")
    expect(expiring.get_by_test_id("expiring-badge")).to_have_text("Expires in 10 days")

    phone = rep_phone.new_page()
    log_in(phone, "rep1@demo.strang")
    expect(phone.get_by_role("heading", name="Today", exact=True)).to_be_visible(timeout=15_000)
    phone.get_by_role("navigation").get_by_role("link", name="Material").click()
    library = phone.get_by_test_id("library")
    expect(library.locator("li")).not_to_have_count(0, timeout=15_000)
    phone.get_by_role("searchbox").fill("forderprogramm")
    expect(library.locator("li")).to_have_count(1)
    expect(library).to_contain_text("Produktblatt WP-300")
    expect(library).to_contain_text("Wärmepumpe")
    phone.get_by_role("searchbox").fill("WARMEPUMPE")
    expect(library.get_by_role("link", name=re.compile("Produktblatt WP-300"))).to_be_visible()
