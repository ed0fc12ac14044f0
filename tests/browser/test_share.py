"""Sharing with the customer, end to end: the rep shares offline, the phone syncs, a customer's
browser opens the link and reads, the server holds the reading, the phone shows it, the rep
revokes and the link answers 410."""

import time
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import text

from app.core.db import make_engine
from app.core.settings import Settings
from tests.browser.conftest import log_in
from tests.browser.rep_content import add_visit
from tests.server import Server


def sync_now(page: Page, company: str) -> None:
    """From the lead: sync in Settings, back to the lead."""
    page.get_by_role("link", name="Back").click()
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("button", name="Sync now").click()
    expect(page.get_by_role("button", name="Sync now")).to_be_enabled()
    page.get_by_role("link", name="Today").click()
    expect(page.get_by_test_id("pending-count")).to_have_count(0, timeout=15_000)
    page.get_by_role("link", name=company).click()


def reading(settings: Settings) -> list[tuple[Any, ...]]:
    engine = make_engine(settings)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT page, seconds FROM share_reading"))
            return [tuple(r) for r in rows]
    finally:
        engine.dispose()


def wait_for(check: Callable[[], list[tuple[Any, ...]]], seconds: float = 20) -> list[Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.25)
    return check()


def test_share_offline_read_by_the_customer_then_revoked(
    page: Page, phone: BrowserContext, browser: Browser, live_server: Server,
    demo_settings: Settings,
) -> None:  # fmt: skip
    visit = add_visit(live_server.url)
    phone.grant_permissions(["clipboard-read", "clipboard-write"])
    page.add_init_script("delete Navigator.prototype.share")  # the copy fallback, every time
    log_in(page, "rep1@demo.strang")
    page.get_by_role("link", name=visit.company).click(timeout=15_000)

    phone.set_offline(True)
    page.get_by_role("button", name="Share with the customer").click()
    offer = page.get_by_role("checkbox", name="Spring offer")
    expect(offer).to_be_checked()  # recommended: chosen already
    page.get_by_role("button", name="Share link").dblclick()  # a hurried thumb: one share
    expect(page.get_by_test_id("toast")).to_contain_text("Link copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Here is the material we talked about:")
    link = copied.split()[-1]
    assert link.startswith(f"{live_server.url}/s/")
    expect(page.get_by_test_id("lead-share")).to_contain_text("waiting for sync")
    expect(page.get_by_test_id("lead-share").get_by_text("waiting for sync")).to_have_count(1)

    customer = browser.new_context(locale="en-GB")
    try:
        reader = customer.new_page()
        early = reader.goto(link)
        assert early is not None and early.status == 404  # not synced yet: polite, not found
        expect(reader.get_by_text("becomes available within a few minutes")).to_be_visible()

        phone.set_offline(False)
        sync_now(page, visit.company)
        opened = reader.goto(link)
        assert opened is not None and opened.status == 200
        assert opened.headers["x-robots-tag"].startswith("noindex")
        expect(reader.get_by_role("heading", name="Spring offer")).to_be_visible()
        expect(reader.locator(".card")).to_contain_text("rep1@demo.strang")  # the sender
        for n in (1, 2):  # the customer pages through the offer (pdf.js, in the page)
            box = reader.get_by_role("img", name=f"Page {n} of 2")
            box.evaluate("box => box.scrollIntoView({block: 'start'})")
            expect(box.locator("canvas")).to_have_count(1)
            reader.wait_for_timeout(2_000)
        reader.goto("about:blank")  # leaving sends the reading
        held = wait_for(lambda: [r for r in reading(demo_settings) if r[0] == 2])
        assert held and held[0][1] >= 1, reading(demo_settings)
        assert sorted(r[0] for r in reading(demo_settings)) == [1, 2]  # seconds per page

        sync_now(page, visit.company)
        expect(page.get_by_test_id("share-reading")).to_contain_text("opened today")
        expect(page.get_by_test_id("share-reading")).to_contain_text("min")
        expect(page.get_by_test_id("share-reading")).to_contain_text("pages 1\u20132")

        page.get_by_role("button", name="Revoke").click()
        sync_now(page, visit.company)
        gone = reader.goto(link)
        assert gone is not None and gone.status == 410
        expect(reader.get_by_role("heading", name="No longer available")).to_be_visible()
    finally:
        customer.close()
