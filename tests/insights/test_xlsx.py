"""The outcomes workbook: real date and time cells on the organisation's clock, text that never
turns into a formula, memory that stays flat however many rows."""

import io
import tracemalloc
import uuid
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from app.auth.models import Role
from app.core.settings import Settings
from app.insights import export
from app.insights.schemas import Filters
from tests.factories import Factory
from tests.insights.helpers import World
from tests.insights.test_csv import _bulk_outcomes, visit

XLSX = "/api/v1/insights/outcomes.xlsx"


def test_the_workbook_holds_date_and_time_cells_on_the_organisation_clock(
    client: TestClient, factory: Factory, world: World, settings: Settings
) -> None:
    rep = world.rep("+49 Vertrieb", team="Hamburg")
    campaign = world.campaign("Frühjahr")
    lead = world.lead(rep, campaign=campaign, company='=HYPERLINK("http://evil.test")')
    winter = visit(lead, "won", datetime(2026, 11, 26, 12, 0, 0, 123_456, tzinfo=UTC))
    summer = visit(lead, "objection", datetime(2026, 7, 15, 11, 0, tzinfo=UTC), note="@SUM(A1)")
    assert world.push(rep, [winter, summer]) == ["applied"] * 2
    _, headers = factory.login_as(Role.marketing)
    period = {"from": "2026-07-01", "to": "2026-11-30"}
    response = client.get(XLSX, headers=headers, params={**period, "lang": "de"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == export.XLSX_TYPE
    disposition = response.headers["content-disposition"]
    assert 'filename="outcomes_2026-07-01_2026-11-30.xlsx"' in disposition
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Ergebnisse"]
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0][:4]] == ["Datum", "Uhrzeit", "Zeitpunkt (UTC)", "Ergebnis"]
    day, clock, instant = rows[1][:3]
    assert day.is_date and day.value == datetime(2026, 7, 15)
    assert day.number_format == "dd.mm.yyyy"
    assert clock.is_date and clock.value == time(13, 0)  # summer time: UTC+2
    assert clock.number_format == "hh:mm"
    assert instant.value == "2026-07-15T11:00:00Z"
    assert [rows[2][0].value, rows[2][1].value, rows[2][2].value] == [
        datetime(2026, 11, 26),
        time(13, 0),  # winter: UTC+1
        "2026-11-26T12:00:00Z",
    ]
    cells = {h.value: c for h, c in zip(rows[0], rows[1], strict=True)}
    for column, text in [
        ("Lead", '=HYPERLINK("http://evil.test")'),
        ("Außendienst", "+49 Vertrieb"),
        ("Notiz", "@SUM(A1)"),
    ]:
        assert cells[column].value == text and cells[column].data_type == "s"  # text, no formula
        assert cells[column].quotePrefix  # stays text when edited in Excel
    assert cells["Kampagne"].value == "Frühjahr" and not cells["Kampagne"].quotePrefix
    assert cells["Ergebnis"].value == "Einwand"

    english = client.get(XLSX, headers=headers, params={**period, "lang": "en"})
    sheet = openpyxl.load_workbook(io.BytesIO(english.content))["Outcomes"]
    header, first = list(sheet.iter_rows(max_row=2))
    assert [c.value for c in header[:3]] == ["date", "time", "occurred_at"]
    assert first[0].number_format == "yyyy-mm-dd" and first[0].value == datetime(2026, 7, 15)
    assert list(settings.blob_dir.glob("tmp/export-*")) == []  # the temporary file is gone


def test_an_empty_period_gives_the_header_alone(
    client: TestClient, factory: Factory, world: World
) -> None:
    _, headers = factory.login_as(Role.marketing)
    params = {"from": "2026-01-01", "to": "2026-01-31"}
    response = client.get(XLSX, headers=headers, params=params)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None and sheet.max_row == 1 and sheet["A1"].value == "date"
    _, rep_headers = factory.login_as(Role.rep)
    assert client.get(XLSX, headers=rep_headers, params=params).status_code == 403


def _peak_while_writing(engine: Engine, last_day: date, folder: Path) -> tuple[int, int]:
    filters = Filters(date(2026, 1, 1), last_day)
    target = folder / f"{uuid.uuid4()}.xlsx"
    tracemalloc.start()
    written = export.write_workbook(engine, filters, target, zone=ZoneInfo("Europe/Berlin"))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, written


def test_writing_memory_stays_flat(
    world: World, db: Session, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The export's batches, and so the rows, a tenth of production's: the same shape in a tenth
    # of the time.
    monkeypatch.setattr(export, "BATCH", export.BATCH // 10)
    rep = world.rep("Bulk", team="Hamburg")
    _bulk_outcomes(db, rep.id, 2_500, every=200)  # 432 a day: a day fills two batches
    small_peak, small_rows = _peak_while_writing(engine, date(2026, 1, 1), tmp_path)
    large_peak, large_rows = _peak_while_writing(engine, date(2026, 1, 31), tmp_path)
    assert (small_rows, large_rows) == (432, 2_500)
    # Six times the rows, (about) the same memory: a batch or two of rows, one row of cells.
    assert large_peak < small_peak * 1.5 + 256 * 1024, (small_peak, large_peak)
    assert large_peak < 8 * 1024 * 1024
