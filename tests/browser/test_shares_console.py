"""Marketing's Shares screen: per item shared, opened and how the next visit went, the shares
with their next visit, and revoking one (the customer's link then answers 410)."""

import re
import secrets
import time
import uuid
from datetime import UTC, datetime

import httpx
from playwright.sync_api import Browser, expect

from tests.browser.conftest import log_in, log_in_german
from tests.browser.english import english_on
from tests.browser.rep_content import add_visit, api_client
from tests.console.live import DESKTOP
from tests.server import Server


def _share(rep: httpx.Client, lead_id: str, collateral_id: str) -> str:
    token = secrets.token_urlsafe(16)
    mutation = {
        "type": "share.create", "id": str(uuid.uuid4()), "share_id": str(uuid.uuid4()),
        "lead_id": lead_id, "token": token, "collateral_ids": [collateral_id],
    }  # fmt: skip
    pushed = rep.post("/sync/push", json={"device_id": "t", "mutations": [mutation]})
    assert pushed.json()["results"][0]["status"] == "applied"
    return token


def _visit(rep: httpx.Client, lead_id: str, code: str) -> None:
    mutation = {
        "type": "outcome.log", "id": str(uuid.uuid4()), "lead_id": lead_id, "code": code,
        "occurred_at": datetime.now(UTC).isoformat(),
    }  # fmt: skip
    pushed = rep.post("/sync/push", json={"device_id": "t", "mutations": [mutation]})
    assert pushed.json()["results"][0]["status"] == "applied", pushed.text


def test_marketing_sees_reading_and_next_visits_and_revokes_a_share(
    browser: Browser, live_server: Server
) -> None:
    read = add_visit(live_server.url, company="Aaron Readhaus")
    unread = add_visit(live_server.url, company="Aaron Quiethaus")
    rep = api_client(live_server.url, "rep1@demo.strang")
    try:
        token = _share(rep, read.lead_id, read.collateral_id)
        _share(rep, unread.lead_id, unread.collateral_id)
        assert httpx.get(f"{live_server.url}/s/{token}").status_code == 200  # the customer
        time.sleep(1.1)  # the visit comes after the share
        _visit(rep, read.lead_id, "won")
    finally:
        rep.close()

    console = browser.new_context(base_url=live_server.url, locale="en-GB", viewport=DESKTOP)
    try:
        page = console.new_page()
        log_in(page, "marketing@demo.strang")
        page.wait_for_url("**/console/")
        page.get_by_role("navigation").get_by_role("link", name="Shares").click()
        expect(page).to_have_url(re.compile(r"/console/shares$"))
        expect(page.get_by_role("heading", name="Shared links")).to_be_visible()
        expect(page.get_by_test_id("share-note")).to_contain_text("not a cause")

        page.get_by_label("Campaign").select_option(read.campaign_id)
        expect(page).to_have_url(re.compile(f"campaign_id={read.campaign_id}"))
        item = page.locator(f"[data-testid=share-item][data-item='{read.collateral_id}']")
        expect(page.get_by_test_id("share-item")).to_have_count(1)
        expect(item.get_by_test_id("share-item-shared")).to_have_text("1")
        expect(item.get_by_test_id("share-item-opened")).to_contain_text("1 (100.0 %)")
        expect(item.get_by_test_id("share-item-opened")).to_contain_text("95 % interval")
        expect(item.get_by_test_id("share-next-opened")).to_contain_text("1 of 1 won")
        expect(item.get_by_test_id("share-next-opened")).to_contain_text("not enough visits yet")
        expect(item.get_by_test_id("share-difference")).to_have_text("not enough visits yet")

        rows = page.get_by_test_id("share-row")
        expect(rows).to_have_count(1)
        row = rows.first
        expect(row).to_contain_text("Aaron Readhaus")
        expect(row).to_contain_text("Spring offer")
        expect(row.get_by_test_id("share-next")).to_contain_text("Won")
        expect(row.get_by_test_id("share-opened")).not_to_contain_text("not opened")
        expect(row.get_by_test_id("share-status")).to_have_text("Active")

        page.get_by_role("link", name="Reset filters").click()
        expect(rows).to_have_count(2)
        quiet = rows.filter(has_text="Aaron Quiethaus")
        expect(quiet.get_by_test_id("share-opened")).to_have_text("not opened")
        expect(quiet.get_by_test_id("share-next")).to_have_text("none yet")

        readhaus = rows.filter(has_text="Aaron Readhaus")
        asked: list[str] = []
        page.once("dialog", lambda d: (asked.append(d.message), d.accept()))
        readhaus.get_by_role("button", name="Revoke").click()
        expect(readhaus.get_by_test_id("share-status")).to_have_text("Revoked")
        assert "Aaron Readhaus" in asked[0] and "can no longer open it" in asked[0]
        expect(readhaus.get_by_role("button", name="Revoke")).to_have_count(0)
    finally:
        console.close()
    assert httpx.get(f"{live_server.url}/s/{token}").status_code == 410


def test_a_german_marketer_reads_the_shares_screen_in_german(
    browser: Browser, live_server: Server
) -> None:
    read = add_visit(live_server.url, company="Aaron Lesehaus")
    rep = api_client(live_server.url, "rep1@demo.strang")
    try:
        token = _share(rep, read.lead_id, read.collateral_id)
        assert httpx.get(f"{live_server.url}/s/{token}").status_code == 200
        time.sleep(1.1)
        _visit(rep, read.lead_id, "no_interest")
    finally:
        rep.close()
    console = browser.new_context(base_url=live_server.url, locale="de-DE", viewport=DESKTOP)
    try:
        page = console.new_page()
        log_in_german(page, "marketing@demo.strang")
        page.wait_for_url("**/console/")
        page.get_by_role("navigation").get_by_role("link", name="Geteilt").click()
        expect(page.get_by_role("heading", name="Geteilte Links")).to_be_visible()
        row = page.get_by_test_id("share-row")
        expect(row.get_by_test_id("share-next")).to_contain_text("Kein Interesse")
        expect(row.get_by_test_id("share-status")).to_have_text("Aktiv")
        expect(page.get_by_test_id("share-next-not-opened")).to_have_text("—")
        expect(page.get_by_test_id("share-next-opened")).to_contain_text("0 von 1 gewonnen")
        page.wait_for_load_state("networkidle")
        found = english_on(page, content=("Spring offer", "Aaron Lesehaus"))
        assert not found, f"the shares screen shows English: {found}"
    finally:
        console.close()
