"""Content work in the console: a campaign from the form to live, collateral uploaded with a
new version, a lead's brief with its preview, and several leads assigned to another rep."""

import re
import struct
import zlib
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from tests.browser.conftest import log_in, log_in_german
from tests.console.live import DESKTOP
from tests.server import Server

pytestmark = pytest.mark.browser

# Each test makes its own campaign; only the first changes leads (it reassigns three of Jonas
# Becker's), which no other test here counts; none adds a rep, so the reach stays the demo's.
SHARED_SERVER = True


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x0f\x5f\x5a")
    body = chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


@pytest.fixture
def desktop(browser: Browser, live_server: Server) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport=DESKTOP)
    yield context
    context.close()


def test_campaign_collateral_and_leads_from_the_console(desktop: BrowserContext) -> None:
    page = desktop.new_page()
    log_in(page, "marketing@demo.strang")
    page.wait_for_url("**/console/")

    page.get_by_role("navigation").get_by_role("link", name="Campaigns").click()
    page.get_by_role("link", name="New campaign").click()
    page.get_by_label("Name").fill("Autumn Heat Pumps")
    page.get_by_label("Talking points (Markdown)").fill("**Why now:** subsidies end in March")
    expect(page.get_by_test_id("c-talking-preview").locator("strong")).to_have_text("Why now:")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/console/campaigns/[0-9a-f-]{36}$"))
    expect(page.get_by_text("Campaign created.")).to_be_visible()
    page.get_by_role("button", name="Go live").click()
    expect(page.get_by_test_id("campaign-status")).to_have_text("Live")

    page.locator("#new-title").fill("Price sheet")
    page.locator("#new-file").set_input_files(
        {"name": "sheet.png", "mimeType": "image/png", "buffer": tiny_png()}
    )
    page.get_by_role("button", name="Upload").click()
    rows = page.get_by_test_id("collateral").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("v1")
    rows.first.get_by_role("button", name="New version").click()
    page.locator("form.upload").first.locator("input[type=file]").set_input_files(
        {"name": "sheet2.png", "mimeType": "image/png", "buffer": tiny_png()}
    )
    page.locator("form.upload").first.get_by_role("button", name="Upload").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("v2")

    page.get_by_role("navigation").get_by_role("link", name="Leads").click()
    table = page.get_by_test_id("leads")
    expect(table.locator("tbody tr").first).to_be_visible()
    page.get_by_label("Rep").select_option(label="Jonas Becker")
    page.wait_for_url(re.compile(r"rep_id="))
    expect(table.locator("tbody tr").filter(has_not_text="Jonas Becker")).to_have_count(0)
    before = table.locator("tbody tr").count()
    assert before >= 3
    # a click and a shift-click pick the three rows between them
    table.locator("tbody tr").nth(0).get_by_role("checkbox").click()
    table.locator("tbody tr").nth(2).get_by_role("checkbox").click(modifiers=["Shift"])
    expect(page.get_by_test_id("picked-count")).to_have_text("3 selected")
    page.get_by_label("Action").select_option(label="Assign to a rep")
    page.get_by_label("Assign to").select_option(label="Lena Fischer (South)")
    page.get_by_role("button", name="Apply…").click()
    question = page.get_by_test_id("bulk-question")
    expect(question).to_have_text("Assign 3 leads to Lena Fischer (South)?")
    page.get_by_role("button", name="Confirm", exact=True).click()
    expect(page.get_by_text("3 leads assigned to Lena Fischer (South).")).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(before - 3)

    table.locator("tbody tr").first.get_by_role("link").click()
    page.get_by_label("Brief (Markdown)").fill("Ask for **Mr. Kruse**, he decides.")
    expect(page.get_by_test_id("ld-brief-preview").locator("strong")).to_have_text("Mr. Kruse")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved.")).to_be_visible()


def test_the_campaign_form_says_whom_its_audience_reaches(desktop: BrowserContext) -> None:
    page = desktop.new_page()
    log_in(page, "marketing@demo.strang")
    page.wait_for_url("**/console/")
    page.get_by_role("navigation").get_by_role("link", name="Campaigns").click()
    page.get_by_role("link", name="New campaign").click()
    page.get_by_label("Name").fill("Winter in the north")
    reach = page.get_by_test_id("audience-reach")
    expect(reach).to_have_text("Reaches 3 reps: Jonas Becker, Lena Fischer, Tom Walker")

    page.get_by_label("All reps").uncheck()
    expect(reach).to_have_text("Reaches 0 reps")
    expect(page.get_by_test_id("audience-warning")).to_have_text(
        "No region or team named: this campaign reaches nobody."
    )
    page.get_by_label("Regions").fill("North")
    expect(reach).to_have_text("Reaches 2 reps: Jonas Becker, Tom Walker")
    expect(page.get_by_test_id("audience-warning")).to_have_count(0)
    page.get_by_label("Regions").fill("North, Sued")  # a typo of South: nobody has it
    expect(page.get_by_test_id("audience-warning")).to_have_text(
        "No active rep has these regions: Sued"
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert").filter(has_text="Save anyway")).to_be_visible()
    assert page.url.endswith("/campaigns/new")
    page.get_by_label("Save anyway").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/console/campaigns/[0-9a-f-]{36}$"))
    expect(page.get_by_test_id("audience-warning")).to_have_text(
        "No active rep has these regions: Sued"
    )

    page.get_by_label("Regions").fill("North, South")
    page.get_by_label("Teams").fill("Berlin")
    expect(reach).to_have_text("Reaches 3 reps: Jonas Becker, Lena Fischer, Tom Walker")
    expect(page.get_by_test_id("go-live-reach")).to_have_text(" (reaches 3 reps)")
    page.get_by_role("button", name="Go live").click()
    expect(page.get_by_test_id("campaign-status")).to_have_text("Live")


def test_the_reach_reads_in_german(browser: Browser, live_server: Server) -> None:
    context = browser.new_context(base_url=live_server.url, locale="de-DE", viewport=DESKTOP)
    page = context.new_page()
    log_in_german(page, "marketing@demo.strang")
    page.wait_for_url("**/console/")
    page.goto("/console/campaigns/new")
    reach = page.get_by_test_id("audience-reach")
    expect(reach).to_have_text("Erreicht 3 Außendienstler: Jonas Becker, Lena Fischer, Tom Walker")
    page.get_by_label("Gesamter Außendienst").uncheck()
    page.get_by_label("Teams").fill("Munich, Muenchen")
    expect(reach).to_have_text("Erreicht 1 Außendienstler: Lena Fischer")
    expect(page.get_by_test_id("audience-warning")).to_have_text(
        "In diesen Teams ist kein aktiver Außendienstler: Muenchen"
    )
    context.close()
