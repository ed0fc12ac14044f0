"""Engagement per document in the console: from a collateral title on the dashboard to its
page heat strip, and each item's usage beside it on the campaign page."""

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from app.collateral.samples import pdf_document
from tests.browser.conftest import log_in
from tests.browser.english import english_on
from tests.console.live import DESKTOP, bearer, push
from tests.server import Server

pytestmark = pytest.mark.browser

TITLE = "Savings calculator (test)"
# (outcome code, seconds, pages shown, thumbs): page 2 in all three visits.
VISITS = [
    ("won", 40, [1, 2], "up"),
    ("objection", 100, [2, 3], "down"),
    ("won", 7, [2], "up"),
]


@dataclass
class Shown:
    campaign_id: str
    item_id: str


def show_a_pdf(base_url: str) -> Shown:
    """A live campaign with a four-page PDF, shown by rep1 in three visits two days ago."""
    with httpx.Client(base_url=base_url, timeout=20) as client:
        marketing = bearer(client, "marketing@demo.strang")
        reps = {
            r["email"]: r["id"]
            for r in client.get("/api/v1/console/reps", headers=marketing).json()
        }
        campaign = client.post(
            "/api/v1/campaigns",
            json={"name": "Engagement (test)", "key_message": "Pages", "status": "live"},
            headers=marketing,
        )
        campaign.raise_for_status()
        campaign_id = campaign.json()["id"]
        pdf = pdf_document([[f"Page {n}"] for n in range(1, 5)], title=TITLE)
        item = client.post(
            f"/api/v1/campaigns/{campaign_id}/collateral",
            data={"title": TITLE},
            files={"file": ("savings.pdf", pdf, "application/pdf")},
            headers=marketing,
        )
        item.raise_for_status()
        item_id = item.json()["id"]
        when = (datetime.now(UTC) - timedelta(days=2)).isoformat()
        mutations: list[dict[str, object]] = []
        for i, (code, seconds, pages, thumb) in enumerate(VISITS):
            lead = client.post(
                "/api/v1/leads",
                json={"company": f"Engagement Co {i}", "rep_id": reps["rep1@demo.strang"],
                      "campaign_id": campaign_id, "region": "North", "segment": "Retail"},
                headers=marketing,
            )  # fmt: skip
            lead.raise_for_status()
            mutations.append(
                {
                    "type": "outcome.log",
                    "id": str(uuid.uuid4()),
                    "lead_id": lead.json()["id"],
                    "code": code,
                    "occurred_at": when,
                    "details": ["price"] if code == "objection" else [],
                    "collateral_viewed": [
                        {"collateral_id": item_id, "seconds": seconds, "pages": pages}
                    ],
                    "collateral_fit": [{"collateral_id": item_id, "fit": thumb}],
                }
            )
        push(client, bearer(client, "rep1@demo.strang"), mutations)
    return Shown(campaign_id, item_id)


@pytest.fixture
def desktop(browser: Browser, live_server: Server) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport=DESKTOP)
    yield context
    context.close()


def test_a_title_on_the_dashboard_opens_its_page_heat_strip(
    desktop: BrowserContext, live_server: Server
) -> None:
    shown = show_a_pdf(live_server.url)
    page = desktop.new_page()
    log_in(page, "marketing@demo.strang")
    page.wait_for_url("**/console/")
    page.goto(f"/console/?campaign_id={shown.campaign_id}")
    table = page.get_by_test_id("collateral-table")
    table.get_by_role("link", name=TITLE).click()
    page.wait_for_url(re.compile(rf"/console/collateral/{shown.item_id}\?campaign_id="))
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    # The dashboard's campaign filter came along, and says so.
    expect(page.get_by_test_id("eng-filters")).to_contain_text("Campaign: Engagement (test)")
    expect(page.get_by_test_id("eng-visits").locator(".tile-value")).to_have_text("3")
    expect(page.get_by_test_id("eng-thumbs").locator(".tile-value")).to_have_text("2 / 1")
    # Won when shown: 2 of 3, with its n and its interval.
    won = page.get_by_test_id("eng-won")
    expect(won.locator(".tile-value")).to_have_text("66.7 %")
    expect(won).to_contain_text("2 of 3 visits")
    expect(won).to_contain_text("95 % interval")
    strip = page.get_by_test_id("heat-strip")
    cells = strip.locator("li").evaluate_all(
        "lis => lis.map(li => [Number(li.dataset.page), Number(li.dataset.visits)])"
    )
    assert cells == [[1, 1], [2, 3], [3, 1]]  # page 4 was never shown: the strip ends at 3
    expect(strip.locator("li[data-page='2']")).to_have_attribute(
        "title", "Page 2: shown in 3 of 3 visits"
    )
    outcomes = page.get_by_test_id("engagement-outcomes")
    expect(outcomes.locator("tr[data-code='won']")).to_contain_text("n = 3")
    expect(outcomes.locator("tr[data-code='objection']")).to_contain_text("33.3 %")
    # The viewing-time bars reach the bucket of the longest view (100 s: 90-119 s).
    longest = page.get_by_test_id("seconds-bars").locator("tbody tr").last
    expect(longest).to_contain_text("90\u2013119 s")
    expect(page.get_by_test_id("eng-median").locator(".tile-value")).to_have_text("30 s")
    # In German, the labels and the outcome names from the service follow.
    page.locator("select").filter(has_text="Deutsch").select_option("de")
    expect(page.get_by_role("heading", name="Gezeigte Seiten")).to_be_visible()
    expect(outcomes.locator("tr[data-code='won']")).to_contain_text("Gewonnen")
    expect(strip.locator("li[data-page='2']")).to_have_attribute(
        "title", "Seite 2: gezeigt bei 3 von 3 Besuchen"
    )
    found = english_on(page, content=(TITLE, "Engagement (test)"))
    assert not found, f"the engagement screen in German shows English: {found}"
    # Each number opens the visits behind it (the drill-down), under the same filters.
    outcomes.locator("tr[data-code='won'] a").click()
    page.wait_for_url(re.compile(rf"/console/visits\?.*collateral_id={shown.item_id}"))
    expect(page.get_by_test_id("visit-row")).to_have_count(2)
    page.go_back()
    page.get_by_test_id("eng-visits").get_by_role("link").click()
    expect(page.get_by_test_id("visit-row")).to_have_count(3)


def test_the_campaign_page_shows_each_items_usage_inline(
    desktop: BrowserContext, live_server: Server
) -> None:
    shown = show_a_pdf(live_server.url)
    page = desktop.new_page()
    log_in(page, "marketing@demo.strang")
    page.wait_for_url("**/console/")
    page.goto(f"/console/campaigns/{shown.campaign_id}")
    row = page.get_by_test_id("collateral").locator("tbody tr", has_text=TITLE)
    usage = row.get_by_test_id("usage")
    expect(usage).to_contain_text("shown in 3 visits")
    expect(usage).to_contain_text("median 30 s")
    expect(usage).to_contain_text("helped 2 / not 1")
    usage.get_by_role("link", name="Engagement").click()
    page.wait_for_url(re.compile(rf"/console/collateral/{shown.item_id}"))
    expect(page.get_by_test_id("heat-strip").locator("li")).to_have_count(3)
