"""Drill-down in the console: a dashboard number opens exactly the visits behind it, with times
on the viewer's clock and an export carrying the same filters; the outcome donut has its
numbers; the period comparison says when there are too few visits; a lead's page shows its
history."""

import csv
import io
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import log_in
from tests.console.live import DESKTOP, Seeded, bearer, seed_field
from tests.server import Server

pytestmark = pytest.mark.browser

VIEWER = "America/New_York"  # neither UTC nor the organisation's zone


@pytest.fixture
def desktop(browser: Browser, live_server: Server) -> Iterator[BrowserContext]:
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport=DESKTOP, timezone_id=VIEWER
    )
    yield context
    context.close()


def api_visits(base_url: str, **query: str) -> list[dict[str, Any]]:
    with httpx.Client(base_url=base_url, timeout=20) as client:
        headers = bearer(client, "marketing@demo.strang")
        answer = client.get("/api/v1/insights/visits", params=query, headers=headers)
        answer.raise_for_status()
        return list(answer.json()["items"])


def on_viewer_clock(instant: str) -> str:
    """As en-GB shows a medium date and short time: '6 Dec 2026, 18:05'."""
    local = datetime.fromisoformat(instant.replace("Z", "+00:00")).astimezone(ZoneInfo(VIEWER))
    return f"{local.day} {local:%b} {local.year}, {local:%H:%M}"


def shown_rows(page: Page) -> list[tuple[str, str, str]]:
    rows = page.get_by_test_id("visit-row")
    return [
        (
            str(r.get_attribute("data-outcome")),
            str(r.locator("time").get_attribute("datetime")),
            r.locator("time").inner_text(),
        )
        for r in rows.all()
    ]


def open_dashboard(page: Page, seeded: Seeded) -> None:
    log_in(page, "marketing@demo.strang")
    page.wait_for_url("**/console/")
    page.goto(f"/console/?campaign_id={seeded.campaign_id}")
    expect(page.get_by_test_id("kpi-visits").locator(".tile-value")).to_have_text("8")


def test_a_dashboard_number_opens_exactly_its_visits(
    desktop: BrowserContext, live_server: Server
) -> None:
    seeded = seed_field(live_server.url)
    page = desktop.new_page()
    open_dashboard(page, seeded)
    # the donut's numbers: each code with its count of n and its share
    mix = page.get_by_test_id("mix-table")
    expect(mix.locator("tr[data-code=won]")).to_contain_text("2 of 8")
    expect(mix.locator("tr[data-code=won]")).to_contain_text("25.0 %")

    # top objection "Price" -> its visits
    page.get_by_test_id("objection-table").get_by_role("link", name="2").click()
    page.wait_for_url(re.compile(r"/console/visits\?.*chip=price"))
    expected = api_visits(live_server.url, campaign_id=seeded.campaign_id, chip="price")
    assert len(expected) == 2
    expect(page.get_by_test_id("visit-row")).to_have_count(2)
    assert shown_rows(page) == [
        (v["outcome_id"], v["occurred_at"], on_viewer_clock(v["occurred_at"])) for v in expected
    ]
    expect(page.get_by_test_id("drill-count")).to_contain_text(VIEWER)
    expect(page.get_by_label("Detail")).to_have_value("price")
    expect(page.get_by_label("Campaign")).to_have_value(seeded.campaign_id)

    # the export carries the filters and the figure, and holds the same visits
    link = page.get_by_test_id("drill-csv")
    target = str(link.get_attribute("href"))
    assert f"campaign_id={seeded.campaign_id}" in target and "chip=price" in target
    body = page.request.get(target).body().decode("utf-8-sig")
    exported = [r["outcome_id"] for r in csv.DictReader(io.StringIO(body))]
    assert sorted(exported) == sorted(v["outcome_id"] for v in expected)

    # the figure is changeable here: the won visits of the same campaign
    page.get_by_label("Detail").select_option("")
    page.get_by_label("Outcome").select_option("won")
    page.wait_for_url(re.compile(r"code=won"))
    won = api_visits(live_server.url, campaign_id=seeded.campaign_id, code="won")
    expect(page.get_by_test_id("visit-row")).to_have_count(len(won))
    assert [r[0] for r in shown_rows(page)] == [v["outcome_id"] for v in won]

    # conversion tile -> the same won visits
    page.goto(f"/console/?campaign_id={seeded.campaign_id}")
    page.get_by_test_id("kpi-conversion").get_by_role("link").click()
    page.wait_for_url(re.compile(r"/console/visits\?.*code=won"))
    expect(page.get_by_test_id("drill-count")).to_contain_text(f"{len(won)} visits")


def test_compare_says_when_too_few_and_a_lead_shows_its_history(
    desktop: BrowserContext, live_server: Server
) -> None:
    seeded = seed_field(live_server.url)
    page = desktop.new_page()
    open_dashboard(page, seeded)
    page.get_by_label("Compare with the previous period").check()
    page.wait_for_url(re.compile(r"compare=1"))
    panel = page.get_by_test_id("compare-panel")
    conversion = panel.locator("tr[data-metric=conversion]")
    expect(conversion).to_contain_text("not enough visits yet")  # 8 visits, below 10
    expect(conversion).to_contain_text("2 of 8 visits")
    assert "up" not in str(conversion.locator("td").last.get_attribute("class"))
    # a filter keeps the comparison on
    page.get_by_label("Region").select_option("North")
    page.wait_for_url(re.compile(r"region=North.*compare=1|compare=1.*region=North"))
    expect(panel.locator("tr[data-metric=visits]")).to_contain_text("5")

    # the lead page, from the leads list: visits, signals
    page.goto("/console/leads?q=North Test Co 0")
    page.get_by_role("link", name="North Test Co 0").click()
    history = page.get_by_test_id("lead-history")
    expect(history.get_by_test_id("visit-row")).to_have_count(1)
    expect(history.get_by_test_id("visit-row")).to_contain_text("Won")
    expect(history.get_by_test_id("lead-signals")).to_contain_text("Competitor X offers 20 % off")
