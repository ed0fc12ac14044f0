"""The marketing console in a desktop browser: the dashboard with charts and filters in the URL,
and a rep being sent to the rep app."""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import log_in
from tests.console.live import DESKTOP, seed_field
from tests.server import Server

pytestmark = pytest.mark.browser


@pytest.fixture
def desktop(browser: Browser, live_server: Server) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport=DESKTOP)
    yield context
    context.close()


def visits(page: Page) -> int:
    text = page.get_by_test_id("kpi-visits").locator(".tile-value").inner_text()
    return int(re.sub(r"\D", "", text))


def assert_lifts_are_honest(page: Page) -> None:
    """Every share shows its n; a lift is coloured only where its interval excludes zero, and
    below the minimum sample the cell says so instead of giving a number."""
    table = page.get_by_test_id("collateral-table")
    expect(table.locator("tbody tr").first).to_be_visible()
    cells = table.locator("td[data-verdict]").evaluate_all(
        "tds => tds.map(td => [td.dataset.verdict, td.className, td.innerText])"
    )
    assert cells, "the collateral table shows lifts"
    for verdict, classes, text in cells:
        coloured = {"up", "down"} & set(classes.split())
        if verdict == "too_few":
            assert text == "not enough visits yet" and not coloured
        else:
            assert "95 % interval" in text and "pp" in text
            assert coloured == ({"above": {"up"}, "below": {"down"}}.get(verdict) or set())
    shares = table.locator("tbody tr").first.locator("td.num").nth(1).inner_text()
    assert re.search(r"n = \d", shares), shares


def test_dashboard_shows_field_figures_with_charts_and_filters_in_the_url(
    desktop: BrowserContext, live_server: Server
) -> None:
    seeded = seed_field(live_server.url)
    page = desktop.new_page()
    log_in(page, "marketing@demo.strang")
    page.wait_for_url("**/console/")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_test_id("kpi-visits")).to_be_visible()
    total = visits(page)
    assert total >= sum(seeded.visits.values())
    # a share shows the count it stands on
    conversion = page.get_by_test_id("kpi-conversion")
    expect(conversion).to_contain_text(re.compile(rf"\d+ of {total:,} visits"))

    # Both charts are drawn (Chart.js is loaded on demand) and have a real size.
    canvases = page.locator(".chart-box canvas")
    expect(canvases).to_have_count(2)
    for i in range(2):
        canvas = canvases.nth(i)
        page.wait_for_function("c => c.width > 0 && c.height > 0", arg=canvas.element_handle())
        box = canvas.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 100
    expect(page.get_by_test_id("campaign-table")).to_contain_text("Spring Push (test)")
    expect(page.get_by_test_id("objection-table")).to_contain_text("Price")
    assert_lifts_are_honest(page)

    # A filter changes the figures and the URL; back restores both.
    page.get_by_label("Region").select_option("South")
    page.wait_for_url(re.compile(r"/console/\?.*region=South"))
    expect(page.get_by_test_id("kpi-visits").locator(".tile-value")).not_to_have_text(str(total))
    south = visits(page)
    assert 0 < south < total
    page.go_back()
    page.wait_for_url(re.compile(r"/console/$"))
    expect(page.get_by_test_id("kpi-visits").locator(".tile-value")).to_have_text(f"{total:,}")
    # The shared link opens the same view.
    page.goto("/console/?region=South")
    expect(page.get_by_label("Region")).to_have_value("South")
    expect(page.get_by_test_id("kpi-visits").locator(".tile-value")).to_have_text(f"{south:,}")


def test_a_rep_opening_the_console_is_sent_to_the_rep_app(
    desktop: BrowserContext,
) -> None:
    page = desktop.new_page()
    log_in(page, "rep1@demo.strang")
    # the session is set
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    page.goto("/console/")
    expect(page).to_have_url(re.compile(r"^http://[^/]+/$"))
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
