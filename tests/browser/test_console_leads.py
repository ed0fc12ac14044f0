"""Bulk work on leads in the console: sorting by customer number and last visit, and one action
on every lead matching a filter across pages, in one request, after a confirmation naming N."""

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Request, expect

from tests.browser.conftest import log_in, log_in_german
from tests.console.live import DESKTOP, bearer
from tests.server import Server

pytestmark = pytest.mark.browser

LEADS = 120  # more than two pages of 50


@pytest.fixture
def desktop(browser: Browser, live_server: Server) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport=DESKTOP)
    yield context
    context.close()


def import_leads(base_url: str, region: str) -> dict[str, str]:
    """Leads of one new region, with customer numbers in reverse order of the names."""
    rows = "".join(
        f"Bulk Firma {i:03d},K-{LEADS - i:03d},rep1@demo.strang,{region}\n" for i in range(LEADS)
    )
    with httpx.Client(base_url=base_url, timeout=30) as client:
        marketing = bearer(client, "marketing@demo.strang")
        sheet = ("company,external_ref,rep,region\n" + rows).encode()
        files = {"file": ("leads.csv", sheet, "text/csv")}
        answer = client.post("/api/v1/leads/import", files=files, headers=marketing)
        assert answer.status_code == 200, answer.text
        campaign = client.post(
            "/api/v1/campaigns", json={"name": f"Bulk target {region}"}, headers=marketing
        )
        campaign.raise_for_status()
    return {"campaign_id": campaign.json()["id"], "campaign": campaign.json()["name"]}


def test_all_leads_matching_a_filter_move_in_one_request(
    desktop: BrowserContext, live_server: Server
) -> None:
    target = import_leads(live_server.url, "Bulkland")
    page = desktop.new_page()
    bulk_requests: list[Request] = []
    page.on("request", lambda r: bulk_requests.append(r) if "/leads/bulk" in r.url else None)
    log_in(page, "marketing@demo.strang")
    page.wait_for_url("**/console/")
    page.goto("/console/leads?region=Bulkland")
    table = page.get_by_test_id("leads")
    expect(table.locator("tbody tr")).to_have_count(50)

    # sorted by customer number: K-001 belongs to the last company by name
    page.get_by_role("button", name="Customer no.").click()
    page.wait_for_url(re.compile(r"sort=external_ref"))
    expect(table.locator("tbody tr").first).to_contain_text("K-001")
    expect(table.locator("tbody tr").first).to_contain_text(f"Bulk Firma {LEADS - 1:03d}")
    page.get_by_role("button", name="Customer no.").click()
    page.wait_for_url(re.compile(r"desc=1"))
    expect(table.locator("tbody tr").first).to_contain_text(f"K-{LEADS:03d}")

    page.get_by_role("checkbox", name="Select all on this page").check()
    expect(page.get_by_test_id("picked-count")).to_have_text("50 selected")
    page.get_by_role("button", name=f"Select all {LEADS} leads matching this filter").click()
    expect(page.get_by_test_id("picked-count")).to_have_text(f"{LEADS} selected")
    page.get_by_label("Action").select_option(label="Move to a campaign")
    page.get_by_label("Move to").select_option(label=target["campaign"])
    page.get_by_role("button", name="Apply…").click()
    expect(page.get_by_test_id("bulk-question")).to_have_text(
        f"Move {LEADS} leads to the campaign {target['campaign']}?"
    )
    page.get_by_role("button", name="Confirm", exact=True).click()
    expect(page.get_by_text(f"{LEADS} leads moved to {target['campaign']}.")).to_be_visible()
    assert len(bulk_requests) == 1

    with httpx.Client(base_url=live_server.url) as client:
        marketing = bearer(client, "marketing@demo.strang")
        moved = client.get(
            "/api/v1/leads",
            params={"region": "Bulkland", "campaign_id": target["campaign_id"]},
            headers=marketing,
        ).json()
    assert moved["total"] == LEADS


def test_the_bulk_confirmation_reads_in_german(browser: Browser, live_server: Server) -> None:
    import_leads(live_server.url, "Sammelland")
    context = browser.new_context(base_url=live_server.url, locale="de-DE", viewport=DESKTOP)
    page = context.new_page()
    log_in_german(page, "marketing@demo.strang")
    page.wait_for_url("**/console/")
    page.goto("/console/leads?region=Sammelland")
    page.get_by_role("checkbox", name="Alle auf dieser Seite auswählen").check()
    page.get_by_role("button", name=f"Alle {LEADS} Leads auswählen").click()
    page.get_by_label("Aktion").select_option(label="Löschen")
    page.get_by_role("button", name="Ausführen…").click()
    expect(page.get_by_test_id("bulk-question")).to_have_text(
        f"{LEADS} Leads löschen? Ihre Besuche bleiben in den Zahlen."
    )
    page.get_by_role("button", name="Bestätigen").click()
    expect(page.get_by_text(f"{LEADS} Leads gelöscht.")).to_be_visible()
    expect(page.get_by_test_id("leads").locator("tbody tr")).to_have_count(0)
    context.close()
