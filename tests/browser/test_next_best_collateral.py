"""A lead's brief on the phone: marketing's recommendation first, then the campaign's other items
by how they did with similar customers, each saying how many visits it was shown and won (in
English and in German), and nothing where too few visits were seen."""

import uuid
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PHONE, log_in, log_in_german
from tests.browser.rep_content import api_client, rep_id
from tests.server import Server


def _history(base_url: str) -> str:
    """A bakery campaign: rep3 showed the reference list at 12 bakeries in the North (9 won)
    and the brochure at the same 12 (2 won); the savings chart was never shown. rep1 gets a
    bakery in the North with the savings chart recommended. Returns its company."""
    company = f"Aaron Backstube {uuid.uuid4().hex[:4]}"
    m = api_client(base_url, "marketing@demo.strang")
    try:
        campaign = (
            m.post(
                "/campaigns",
                json={
                    "name": f"Bakery check {uuid.uuid4().hex[:4]}",
                    "status": "live",
                    "audience_all": True,
                },
            )
            .raise_for_status()
            .json()
        )

        def item(title: str) -> str:
            created = m.post(
                f"/campaigns/{campaign['id']}/collateral",
                data={"title": title, "url": f"https://example.test/{uuid.uuid4().hex[:6]}"},
            )
            return str(created.raise_for_status().json()["id"])

        chart, brochure, references = (
            item("Savings chart"),
            item("Brochure"),
            item("Reference list"),
        )
        bakery = {"campaign_id": campaign["id"], "segment": "Bakery", "region": "North"}
        rep3 = rep_id(m, "rep3@demo.strang")
        past = [
            m.post("/leads", json={"company": f"Bäckerei {i}", "rep_id": rep3, **bakery})
            .raise_for_status()
            .json()["id"]
            for i in range(12)
        ]
        now = datetime.now(UTC)
        m.post(
            "/leads",
            json={
                "company": company,
                "rep_id": rep_id(m, "rep1@demo.strang"),
                "priority": 1,
                "planned_visit_at": now.replace(
                    hour=0, minute=1, second=0, microsecond=0
                ).isoformat(),
                "recommended_collateral_ids": [chart],
                **bakery,
            },
        ).raise_for_status()
    finally:
        m.close()
    visits = []
    for i, lead in enumerate(past):
        for shown, won, hours in ((references, i < 9, 30), (brochure, i < 2, 29)):
            visits.append({
                "type": "outcome.log", "id": str(uuid.uuid4()), "lead_id": lead,
                "code": "won" if won else "objection",
                "occurred_at": (now - timedelta(hours=hours)).isoformat(),
                "collateral_viewed": [{"collateral_id": shown, "seconds": 20, "pages": []}],
            })  # fmt: skip
    r3 = api_client(base_url, "rep3@demo.strang")
    try:
        r3.post("/sync/push", json={"device_id": "r3", "mutations": visits}).raise_for_status()
    finally:
        r3.close()
    m = api_client(base_url, "marketing@demo.strang")
    try:
        m.get("/insights/summary").raise_for_status()  # rolls up what is left
    finally:
        m.close()
    return company


def _open(page: Page, company: str) -> None:
    page.get_by_role("link", name=company).click()
    expect(page.get_by_role("heading", name=company)).to_be_visible(timeout=15_000)


def test_the_brief_ranks_collateral_by_how_it_did_with_similar_customers(
    page: Page, browser: Browser, live_server: Server
) -> None:
    company = _history(live_server.url)
    log_in(page, "rep1@demo.strang")
    _open(page, company)
    links = page.locator(".collateral .coll-link")
    expect(links).to_have_count(3)
    expect(links.nth(0)).to_contain_text("Savings chart")  # marketing's pick, never shown yet
    expect(links.nth(0)).not_to_contain_text("similar customers")
    expect(links.nth(1)).to_contain_text("Reference list")
    expect(links.nth(1)).to_contain_text(
        "Worked for similar customers: 9 of 12 won · segment Bakery"
    )
    expect(links.nth(2)).to_contain_text("Brochure")
    expect(links.nth(2)).to_contain_text("Worked for similar customers: 2 of 12 won")

    german = browser.new_context(base_url=live_server.url, locale="de-DE", **PHONE)
    try:
        page = german.new_page()
        log_in_german(page, "rep1@demo.strang")
        _open(page, company)
        links = page.locator(".collateral .coll-link")
        expect(links.nth(1)).to_contain_text(
            "Hat bei ähnlichen Kunden funktioniert: 9 von 12 gewonnen · Segment Bakery"
        )
    finally:
        german.close()
