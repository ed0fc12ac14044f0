"""Objection to counter-content in real Chromium: marketing marks a savings chart as answering
"price" in the console; a rep logs a visit with the objection "price"; after the sync the
lead's brief lists the chart with the reason, after marketing's own recommendation."""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import PHONE, log_in
from tests.browser.rep_content import add_visit, api_client
from tests.browser.test_one_tap import open_lead, wait_until_pushed
from tests.console.live import DESKTOP
from tests.server import Server

pytestmark = pytest.mark.browser


@pytest.fixture
def desktop(browser: Browser, live_server: Server) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport=DESKTOP)
    yield context
    context.close()


@pytest.fixture
def phone_page(browser: Browser, live_server: Server) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, locale="en-GB", **PHONE)
    context.clock.install()  # wait_until_pushed moves it past the Undo window
    yield context.new_page()
    context.close()


def test_an_objection_brings_the_collateral_that_answers_it_to_the_brief(
    desktop: BrowserContext, phone_page: Page, live_server: Server
) -> None:
    visit = add_visit(live_server.url)  # a live campaign; its PDF recommended on the lead
    marketing = api_client(live_server.url, "marketing@demo.strang")
    try:
        marketing.post(
            f"/campaigns/{visit.campaign_id}/collateral",
            data={"title": "Savings chart", "url": "https://example.test/savings"},
        ).raise_for_status()
    finally:
        marketing.close()

    console = desktop.new_page()
    log_in(console, "marketing@demo.strang")
    console.wait_for_url("**/console/")
    console.goto(f"/console/campaigns/{visit.campaign_id}")
    row = console.get_by_test_id("collateral").locator("tbody tr").filter(has_text="Savings chart")
    expect(row.get_by_test_id("answers")).to_contain_text("Answers no objection")
    row.get_by_role("button", name="Objections…").click()
    row.locator('[data-chip="price"]').click()
    expect(row.locator('[data-chip="price"]')).to_have_attribute("aria-pressed", "true")
    expect(row.get_by_test_id("answers")).to_contain_text("Answers: Price")

    page = phone_page
    log_in(page, "rep1@demo.strang")
    expect(page.get_by_role("link", name=visit.company)).to_be_visible(timeout=15_000)
    open_lead(page, visit.company)
    items = page.locator("ul.collateral li")
    expect(items).to_have_count(2)  # the campaign's items: marketing's pick first
    expect(items.first).to_contain_text("Spring offer")
    expect(page.get_by_test_id("counter-reason")).to_have_count(0)

    page.locator('button.outcome[data-code="objection"]').click()
    toast = page.get_by_test_id("toast")
    toast.locator('[data-chip="price"]').click()
    expect(toast.locator('[data-chip="price"]')).to_have_attribute("aria-pressed", "true")
    wait_until_pushed(page)

    page.reload()  # the app syncs when it starts; the lead's screen shows what it brought
    expect(page.get_by_role("heading", name=visit.company)).to_be_visible(timeout=15_000)
    reason = items.filter(has_text="Savings chart").get_by_test_id("counter-reason")
    expect(reason).to_have_text(re.compile("^Said at last visit: Price$"), timeout=20_000)
    expect(items.first).to_contain_text("Spring offer")  # marketing's pick stays first
    expect(items.nth(1)).to_contain_text("Savings chart")
