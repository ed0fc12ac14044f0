"""The outcomes CSV: opens in (German) Excel with the organisation's local dates and times,
round-trips awkward notes, streams flat."""

import csv
import io
import tracemalloc
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from app.auth.models import Role
from app.core.bulk import copy_rows
from app.core.db import table_of
from app.insights import export
from app.insights.schemas import Filters
from app.leads.models import Lead
from app.outcomes.models import Outcome
from tests.factories import Factory
from tests.insights.helpers import World, log, retract

CSV = "/api/v1/insights/outcomes.csv"
BERLIN = ZoneInfo("Europe/Berlin")
NOTE = 'Preis; zu "hoch",\nÄrger mit Müller - nächste Woche'


def _rows(body: bytes, delimiter: str) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())
    text = body.decode("utf-8").removeprefix("\ufeff")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def test_awkward_note_round_trips_for_german_excel(
    client: TestClient, factory: Factory, world: World
) -> None:
    rep = world.rep("Jürgen Groß", team="Hamburg")
    campaign = world.campaign("Frühjahr; Aktion")
    lead = world.lead(rep, campaign=campaign, company='Bäckerei "Süß"')
    kept = log(lead, "won", date(2026, 10, 5), note=NOTE)
    gone = log(lead, "objection", date(2026, 10, 6), details=["price"], note="=1+1")
    formula = log(lead, "objection", date(2026, 10, 7), details=["price", "timing"], note="=1+1")
    world.push(rep, [kept, gone, formula])
    world.push(rep, [retract(gone["id"])])
    _, headers = factory.login_as(Role.marketing)
    params = {"from": "2026-10-01", "to": "2026-10-31", "delimiter": "semicolon", "lang": "de"}
    response = client.get(CSV, headers=headers, params=params)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    header, *rows = _rows(response.content, ";")
    assert header[:6] == ["Datum", "Uhrzeit", "Zeitpunkt (UTC)", "Ergebnis", "Ergebniscode", "Lead"]
    ids = [r[header.index("Ergebnis-ID")] for r in rows]
    assert ids == [kept["id"], formula["id"]]  # retracted one left out
    first = dict(zip(header, rows[0], strict=True))
    assert first["Notiz"] == NOTE
    assert first["Ergebnis"] == "Gewonnen" and first["Lead"] == 'Bäckerei "Süß"'
    assert first["Außendienst"] == "Jürgen Groß" and first["Kampagne"] == "Frühjahr; Aktion"
    assert first["Team"] == "Hamburg"
    second = dict(zip(header, rows[1], strict=True))
    assert second["Notiz"] == "'=1+1"  # never a formula in Excel
    assert second["Details"] == "price, timing"
    english = client.get(CSV, headers=headers, params={"from": "2026-10-01", "to": "2026-10-31"})
    header, *rows = _rows(english.content, ",")
    first = dict(zip(header, rows[0], strict=True))
    assert header[:3] == ["date", "time", "occurred_at"]
    assert first["outcome"] == "Won" and first["note"] == NOTE


def visit(lead: Lead, code: str, moment: datetime, **extra: Any) -> dict[str, Any]:
    """A tap at exactly `moment`, as a phone pushes it."""
    return {**log(lead, code, moment.date(), **extra), "occurred_at": moment.isoformat()}


def test_a_visit_exports_on_the_organisation_clock_beside_its_utc_instant(
    client: TestClient, factory: Factory, world: World
) -> None:
    rep = world.rep("Jana Kühn", team="Hamburg")
    lead = world.lead(rep, campaign=None)
    winter = visit(lead, "won", datetime(2026, 11, 26, 12, 0, 0, 123_456, tzinfo=UTC))
    summer = visit(lead, "interested", datetime(2026, 7, 15, 11, 0, tzinfo=UTC))
    late = visit(lead, "follow_up", datetime(2026, 11, 26, 23, 30, tzinfo=UTC))
    assert world.push(rep, [winter, summer, late]) == ["applied"] * 3
    _, headers = factory.login_as(Role.marketing)
    period = {"from": "2026-07-01", "to": "2026-11-30"}
    german = client.get(CSV, headers=headers, params={**period, "lang": "de"})
    header, *rows = _rows(german.content, ";")
    assert header[:3] == ["Datum", "Uhrzeit", "Zeitpunkt (UTC)"]
    assert [r[:3] for r in rows] == [
        ["15.07.2026", "13:00", "2026-07-15T11:00:00Z"],  # summer time: UTC+2
        ["26.11.2026", "13:00", "2026-11-26T12:00:00Z"],  # winter: UTC+1, to the second
        ["27.11.2026", "00:30", "2026-11-26T23:30:00Z"],  # already the next day in Berlin
    ]
    english = client.get(CSV, headers=headers, params={**period, "lang": "en"})
    header, *rows = _rows(english.content, ",")
    assert header[:3] == ["date", "time", "occurred_at"]
    assert rows[1][:3] == ["2026-11-26", "13:00", "2026-11-26T12:00:00Z"]


def test_the_organisation_time_zone_decides_the_local_columns(world: World, engine: Engine) -> None:
    rep = world.rep("Jana Kühn", team="Hamburg")
    lead = world.lead(rep, campaign=None)
    world.push(rep, [visit(lead, "won", datetime(2026, 11, 26, 12, 0, tzinfo=UTC))])
    filters = Filters(date(2026, 11, 1), date(2026, 11, 30))
    body = b"".join(export.outcome_rows(engine, filters, zone=ZoneInfo("America/New_York")))
    assert _rows(body, ",")[1][:3] == ["2026-11-26", "07:00", "2026-11-26T12:00:00Z"]


def test_the_separator_follows_the_language_unless_one_is_chosen(
    client: TestClient, factory: Factory, world: World
) -> None:
    rep = world.rep("Jana Kühn", team="Hamburg")
    lead = world.lead(rep, campaign=None)
    world.push(rep, [log(lead, "won", date(2026, 11, 26), note="a; b, c")])
    _, headers = factory.login_as(Role.marketing)
    period = {"from": "2026-11-01", "to": "2026-11-30"}
    for params, separator in [
        ({"lang": "de"}, ";"),  # German Excel splits only at semicolons
        ({"lang": "en"}, ","),
        ({}, ","),
        ({"lang": "de", "delimiter": "comma"}, ","),
        ({"lang": "en", "delimiter": "semicolon"}, ";"),
    ]:
        response = client.get(CSV, headers=headers, params={**period, **params})
        header, row = _rows(response.content, separator)
        assert len(header) == len(row) == 22, (params, header)
        assert row[header.index("note" if params.get("lang") != "de" else "Notiz")] == "a; b, c"
    wrong = client.get(CSV, headers=headers, params={**period, "delimiter": "tab"})
    assert wrong.status_code == 422 and "delimiter" in wrong.text


def _bulk_outcomes(db: Session, rep_id: uuid.UUID, count: int, every: int = 4) -> None:
    """`count` outcomes from 1 January on, `every` seconds apart (4: 21,600 a day)."""
    base = datetime(2026, 1, 1, tzinfo=UTC)
    names = ("id", "rep_id", "lead_id", "campaign_id", "code", "details", "note", "occurred_at",
             "received_at", "device_id", "device_seq", "reassigned", "retracted_at")  # fmt: skip
    rows = (
        (uuid.uuid4(), rep_id, uuid.uuid4(), None, "objection", ["price"],
         f"Note {i}; with \"quotes\" and Ümlauts", base + timedelta(seconds=i * every), base,
         "bench", None, False, None)
        for i in range(count)
    )  # fmt: skip
    copy_rows(db, table_of(Outcome), names, rows)
    db.commit()


def _peak_while_streaming(engine: Engine, last_day: date) -> tuple[int, int]:
    filters = Filters(date(2026, 1, 1), last_day)
    tracemalloc.start()
    lines = 0
    for chunk in export.outcome_rows(engine, filters, delimiter="semicolon", zone=BERLIN):
        lines += chunk.count(b"\r\n")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, lines


def test_streaming_memory_stays_flat(
    world: World, db: Session, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The export's batches, and so the rows, a tenth of production's: the same shape (a day of
    # rows is about eleven batches) in a tenth of the time.
    monkeypatch.setattr(export, "BATCH", export.BATCH // 10)
    rep = world.rep("Bulk", team="Hamburg")
    _bulk_outcomes(db, rep.id, 20_000, every=40)  # 40 s apart: 2,160 a day
    small_peak, small_lines = _peak_while_streaming(engine, date(2026, 1, 1))
    large_peak, large_lines = _peak_while_streaming(engine, date(2026, 1, 31))
    assert (small_lines, large_lines) == (2_161, 20_001)
    # Nine times the rows, (about) the same memory: one batch of rows at a time.
    assert large_peak < small_peak * 1.5 + 256 * 1024, (small_peak, large_peak)
    assert large_peak < 8 * 1024 * 1024
