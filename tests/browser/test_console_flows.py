"""Console work flows in a desktop browser: the CSV import's dry run and acknowledging a signal
that then reaches the rep's phone."""

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, expect

from tests.browser.conftest import PHONE, log_in, log_in_german
from tests.console.live import DESKTOP, bearer, send_signal
from tests.server import Server

pytestmark = pytest.mark.browser

# Each test imports or sends content of its own (its own companies, its own signal) and looks only
# at that; none changes an account or the organisation's settings.
SHARED_SERVER = True

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
    expect(rep_page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    rep_page.goto("/signals")
    mine = rep_page.locator("ul.signals li").filter(has_text="Need the new price list (test)")
    expect(mine).to_contain_text("Reply: Sent it to your inbox", timeout=15_000)
    expect(mine).to_contain_text("Seen by marketing")


NOTES = '"Erster Besuch.\r\nPreise: siehe Liste\r\n\r\nRückruf am Montag"'
GERMAN_CSV = (
    "Kundennummer;Firma;Außendienst;Notizen;Besuchstermin\r\n"
    f"K-1;Alpha Zeit GmbH;rep1@demo.strang;{NOTES};11.12.2026 10:15\r\n"
    f"K-2;Beta Zeit GmbH;rep1@demo.strang;{NOTES};15.07.2026 10:15\r\n"
    "K-3;Fehler KG;chef@example.test;;01.12.2026 09:00\r\n"  # row 4, text line 10
    "K-4;Lücke GmbH;rep1@demo.strang;;29.03.2026 02:30\r\n"  # the hour the clocks skip
)


def test_german_import_names_spreadsheet_rows_and_reads_times_on_the_organisations_clock(
    browser: Browser, live_server: Server
) -> None:
    def console(zone: str) -> BrowserContext:
        return browser.new_context(
            base_url=live_server.url, locale="de-DE", timezone_id=zone, viewport=DESKTOP
        )

    berlin = console("Europe/Berlin")
    page = berlin.new_page()
    log_in_german(page, "marketing@demo.strang")
    page.wait_for_url("**/console/")
    page.goto("/console/leads/import")
    note = "Zeiten ohne Zeitzone gelten in der Zeitzone Europe/Berlin."
    expect(page.get_by_test_id("zone-note")).to_have_text(note)

    def check(content: str) -> None:
        page.get_by_label("CSV-Datei").set_input_files(
            {"name": "leads.csv", "mimeType": "text/csv", "buffer": content.encode()}
        )
        page.get_by_role("button", name="Datei prüfen").click()

    check(GERMAN_CSV)
    rows = page.get_by_test_id("import-errors").locator("tbody tr")
    expect(rows).to_have_count(2)
    cells = [
        "4",
        "Fehler KG",
        "K-3",
        "Außendienst",
        "Kein aktiver Außendienstler hat die E-Mail „chef@example.test“.",
    ]
    expect(rows.nth(0).locator("td")).to_have_text(cells)
    expect(rows.nth(1).locator("td")).to_have_text(
        [
            "5",
            "Lücke GmbH",
            "K-4",
            "Besuchstermin",
            "„29.03.2026 02:30“ gibt es in Europe/Berlin nicht: "
            "Bei Beginn der Sommerzeit wird diese Stunde übersprungen.",
        ]
    )
    expect(page.get_by_text("2 Probleme — es wurde nichts gespeichert")).to_be_visible()

    check(GERMAN_CSV.rsplit("K-3;", 1)[0])  # the two good rows
    page.get_by_role("button", name="2 Zeilen importieren").click()
    expect(page.get_by_text("Importiert: 2 neu, 0 geändert.")).to_be_visible()

    # The console shows each visit on the viewer's clock: 10:15 in Berlin, 04:15 in New York.
    def planned(context: BrowserContext, company: str) -> Locator:
        shown = context.pages[0] if context.pages else context.new_page()
        shown.goto(f"/console/leads?q={company.split()[0]}")
        table = shown.get_by_test_id("leads")
        row = table.locator("tbody tr").filter(has_text=company)
        expect(row).to_be_visible()
        column = table.locator("thead th").evaluate_all(
            "ths => ths.findIndex(th => th.innerText.trim().startsWith('Geplanter Besuch')"
            " || th.innerText.trim().startsWith('Planned visit'))"
        )
        assert column >= 0
        return row.locator("td").nth(column)

    expect(planned(berlin, "Alpha Zeit GmbH")).to_have_text("11.12.2026, 10:15")
    expect(planned(berlin, "Beta Zeit GmbH")).to_have_text("15.07.2026, 10:15")
    new_york = console("America/New_York")
    visitor = new_york.new_page()
    log_in_german(visitor, "marketing@demo.strang")
    visitor.wait_for_url("**/console/")
    expect(planned(new_york, "Alpha Zeit GmbH")).to_have_text("11.12.2026, 04:15")

    # The lead form types and shows the planned visit on the organisation's clock, wherever
    # the marketer sits.
    visitor.get_by_role("link", name="Alpha Zeit GmbH").click()
    field = visitor.get_by_label("Geplanter Besuch")
    expect(field).to_have_value("2026-12-11T10:15")
    expect(visitor.locator("#ld-visit-zone")).to_have_text(note)
    field.fill("2026-10-25T02:30")  # the repeated hour: its first, summer-time occurrence
    visitor.get_by_role("button", name="Speichern").click()
    expect(visitor.get_by_role("status")).to_have_text("Gespeichert.")
    with httpx.Client(base_url=live_server.url) as client:
        headers = bearer(client, "marketing@demo.strang")
        found = client.get("/api/v1/leads", params={"q": "Alpha Zeit"}, headers=headers).json()
    assert found["items"][0]["planned_visit_at"] == "2026-10-25T00:30:00Z"
    berlin.close()
    new_york.close()


def test_an_imported_visit_shows_its_local_time_on_the_reps_phone(
    browser: Browser, live_server: Server
) -> None:
    today = datetime.now(ZoneInfo("Europe/Berlin")).date()
    csv = (
        "Firma;Außendienst;Besuchstermin\r\n"
        f"Uhrzeit GmbH;rep1@demo.strang;{today:%d.%m.%Y} 10:15\r\n"  # a German Excel file
    )
    with httpx.Client(base_url=live_server.url) as client:
        headers = bearer(client, "marketing@demo.strang")
        files = {"file": ("leads.csv", csv.encode(), "text/csv")}
        answer = client.post("/api/v1/leads/import", files=files, headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["timezone"] == "Europe/Berlin"
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", timezone_id="Europe/Berlin", **PHONE
    )
    page = context.new_page()
    log_in(page, "rep1@demo.strang")
    todays = page.locator('[data-part="today"]')
    card = todays.locator("li").filter(has_text="Uhrzeit GmbH")
    expect(card.get_by_test_id("when")).to_have_text("10:15", timeout=15_000)
    context.close()
