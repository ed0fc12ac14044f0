"""The dashboard's export in a German console: a CSV German Excel splits into columns (or, when
chosen, one with commas) and an Excel workbook with real dates, both on the organisation's clock."""

import csv
import io
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import openpyxl
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import log_in_german
from tests.browser.rep_content import add_visit
from tests.console.live import DESKTOP, bearer, push
from tests.server import Server

pytestmark = pytest.mark.browser


@pytest.fixture
def german_console(browser: Browser, live_server: Server) -> Iterator[BrowserContext]:
    context = browser.new_context(
        base_url=live_server.url,
        locale="de-DE",
        timezone_id="Europe/Berlin",
        viewport=DESKTOP,
        accept_downloads=True,
    )
    yield context
    context.close()


def download(page: Page, link: str) -> bytes:
    with page.expect_download() as started:
        page.get_by_role("link", name=link).click()
    return Path(started.value.path()).read_bytes()


def test_german_export_opens_in_german_excel_with_local_dates_and_times(
    german_console: BrowserContext, live_server: Server
) -> None:
    visit = add_visit(live_server.url)
    tapped = (datetime.now(UTC) - timedelta(days=2)).replace(hour=12, minute=0, second=0)
    with httpx.Client(base_url=live_server.url) as client:
        rep = bearer(client, "rep1@demo.strang")
        tap = {"type": "outcome.log", "id": str(uuid.uuid4()), "lead_id": visit.lead_id}
        push(client, rep, [tap | {"code": "won", "occurred_at": tapped.isoformat()}])
    local = tapped.astimezone(ZoneInfo("Europe/Berlin"))  # 13:00 in winter, 14:00 in summer

    page = german_console.new_page()
    log_in_german(page, "marketing@demo.strang")
    page.wait_for_url("**/console/")
    expect(page.get_by_label("CSV-Trennzeichen")).to_have_value("semicolon")

    def row_of(body: bytes, separator: str) -> list[str]:
        text = body.decode("utf-8").removeprefix("\ufeff")
        header, *rows = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
        assert header[:4] == ["Datum", "Uhrzeit", "Zeitpunkt (UTC)", "Ergebnis"]
        [found] = [r for r in rows if visit.company in r]
        return found

    semicolons = row_of(download(page, "CSV exportieren"), ";")
    assert semicolons[:4] == [
        f"{local:%d.%m.%Y}",
        f"{local:%H:%M}",
        f"{tapped:%Y-%m-%dT%H:%M:%SZ}",
        "Gewonnen",
    ]
    page.get_by_label("CSV-Trennzeichen").select_option("comma")
    assert row_of(download(page, "CSV exportieren"), ",")[:4] == semicolons[:4]

    workbook = openpyxl.load_workbook(io.BytesIO(download(page, "Nach Excel exportieren")))
    sheet = workbook["Ergebnisse"]
    [row] = [r for r in sheet.iter_rows(min_row=2) if any(c.value == visit.company for c in r)]
    assert row[0].is_date and row[0].number_format == "dd.mm.yyyy"
    assert row[0].value == datetime(local.year, local.month, local.day)
    assert (row[1].value.hour, row[1].value.minute) == (local.hour, 0)
    assert row[2].value == f"{tapped:%Y-%m-%dT%H:%M:%SZ}"
