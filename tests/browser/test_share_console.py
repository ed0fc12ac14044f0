"""Marketing allows a download from the console; the customer's page then offers it."""

import secrets
import uuid

from playwright.sync_api import Browser, expect

from tests.browser.conftest import log_in
from tests.browser.rep_content import add_visit, api_client
from tests.console.live import DESKTOP
from tests.server import Server


def test_marketing_allows_the_download_and_the_customer_gets_it(
    browser: Browser, live_server: Server
) -> None:
    visit = add_visit(live_server.url)
    console = browser.new_context(base_url=live_server.url, locale="en-GB", viewport=DESKTOP)
    try:
        page = console.new_page()
        log_in(page, "marketing@demo.strang")
        page.wait_for_url("**/console/")
        page.goto(f"/console/campaigns/{visit.campaign_id}")
        allow = page.get_by_label("Customers may download it from a shared link")
        expect(allow).not_to_be_checked()
        with page.expect_response(
            lambda r: r.request.method == "PATCH" and "/api/v1/collateral/" in r.url
        ) as saved:
            allow.check()
        assert saved.value.ok  # saved before the page is read again
        page.reload()
        expect(page.get_by_label("Customers may download it from a shared link")).to_be_checked()
    finally:
        console.close()

    token = secrets.token_urlsafe(16)
    rep = api_client(live_server.url, "rep1@demo.strang")
    try:
        mutation = {
            "type": "share.create", "id": str(uuid.uuid4()), "share_id": str(uuid.uuid4()),
            "lead_id": visit.lead_id, "token": token, "collateral_ids": [visit.collateral_id],
        }  # fmt: skip
        pushed = rep.post("/sync/push", json={"device_id": "t", "mutations": [mutation]})
        assert pushed.json()["results"][0]["status"] == "applied"
    finally:
        rep.close()
    customer = browser.new_context(locale="en-GB")
    try:
        reader = customer.new_page()
        reader.goto(f"{live_server.url}/s/{token}")
        with reader.expect_download() as download:
            reader.get_by_role("link", name="Download").click()
        assert download.value.suggested_filename == "offer.pdf"
    finally:
        customer.close()
