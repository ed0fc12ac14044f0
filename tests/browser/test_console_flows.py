"""Console work flows in a desktop browser: the CSV import's dry run and acknowledging a signal
that then reaches the rep's phone."""

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from tests.browser.conftest import log_in
from tests.console.live import DESKTOP, bearer, send_signal
from tests.server import Server

pytestmark = pytest.mark.browser

BAD_CSV = (
    "company,rep,region,segment\n"
    "Good Bakery GmbH,rep1@demo.strang,North,Retail\n"
    ",rep2@demo.strang,South,Retail\n"
    "Nobody's Shop,nobody@example.test,South,Retail\n"
)


@pytest.fixture
def desktop(browser: Browser, live_server: Server) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport=DESKTOP)
    yield context
    context.close()


def test_csv_import_dry_run_lists_bad_rows_and_writes_nothing(
    desktop: BrowserContext, live_server: Server
) -> None:
    page = desktop.new_page()
    log_in(page, "marketing@demo.strang")
    page.wait_for_url("**/console/")
    page.get_by_role("link", name="Leads").click()
    page.get_by_role("link", name="Import CSV").click()
    page.get_by_label("CSV file").set_input_files(
        {"name": "leads.csv", "mimeType": "text/csv", "buffer": BAD_CSV.encode()}
    )
    page.get_by_role("button", name="Check file").click()
    errors = page.get_by_test_id("import-errors")
    expect(errors).to_be_visible()
    rows = errors.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("3")
    expect(rows.nth(0)).to_contain_text("company")
    expect(rows.nth(1)).to_contain_text("4")
    expect(rows.nth(1)).to_contain_text("rep")
    expect(page.get_by_text("2 problems — nothing has been written")).to_be_visible()
    expect(page.get_by_role("button", name="Import 3 rows")).to_have_count(0)

    with httpx.Client(base_url=live_server.url) as client:
        headers = bearer(client, "marketing@demo.strang")
        found = client.get("/api/v1/leads", params={"q": "Good Bakery"}, headers=headers).json()
    assert found["total"] == 0


def test_acknowledging_a_signal_reaches_the_reps_phone(
    desktop: BrowserContext, phone: BrowserContext, live_server: Server
) -> None:
    signal_id = send_signal(live_server.url, "rep1@demo.strang", "Need the new price list (test)")
    page = desktop.new_page()
    log_in(page, "marketing@demo.strang")
    page.wait_for_url("**/console/")
    page.get_by_role("navigation").get_by_role("link", name="Signals").click()
    card = page.get_by_test_id("signal").filter(has_text="Need the new price list (test)")
    card.get_by_label("Reply to the rep (optional)").fill("Sent it to your inbox")
    card.get_by_role("button", name="Acknowledge").click()
    expect(card).to_have_count(0)  # left the open inbox
    page.get_by_role("tab", name="Acknowledged").click()
    done = page.get_by_test_id("signal").filter(has_text="Need the new price list (test)")
    expect(done).to_contain_text("Acknowledged by Mara Marketing")
    expect(done).to_contain_text("Sent it to your inbox")

    # The rep's sync pull carries the acknowledgement and the reply...
    with httpx.Client(base_url=live_server.url) as client:
        rep = bearer(client, "rep1@demo.strang")
        pulled = client.get("/api/v1/sync/pull", headers=rep)
        pulled.raise_for_status()
    signal = next(s for s in pulled.json()["changes"]["signals"] if s["id"] == signal_id)
    assert signal["status"] == "acknowledged"
    assert signal["reply"] == "Sent it to your inbox"

    # ...and the rep app shows it on the phone after its sync.
    rep_page = phone.new_page()
    log_in(rep_page, "rep1@demo.strang")
    expect(rep_page.get_by_role("heading", name="Today")).to_be_visible()
    rep_page.goto("/signals")
    mine = rep_page.locator("ul.signals li").filter(has_text="Need the new price list (test)")
    expect(mine).to_contain_text("Reply: Sent it to your inbox", timeout=15_000)
    expect(mine).to_contain_text("Seen by marketing")
