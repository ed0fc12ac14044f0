"""The outcomes CSV: opens in (German) Excel, round-trips awkward notes, streams flat."""

import csv
import io
import tracemalloc
import uuid
from datetime import UTC, date, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from app.auth.models import Role
from app.core.bulk import copy_rows
from app.core.db import table_of
from app.insights import export
from app.insights.schemas import Filters
from app.outcomes.models import Outcome
from tests.factories import Factory
from tests.insights.helpers import World, log, retract

CSV = "/api/v1/insights/outcomes.csv"
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
    assert header[:4] == ["Zeitpunkt", "Ergebnis", "Ergebniscode", "Lead"]
    assert [r[-1] for r in rows] == [kept["id"], formula["id"]]  # retracted one left out
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
    assert header[0] == "occurred_at" and rows[0][1] == "Won" and rows[0][13] == NOTE


def _bulk_outcomes(db: Session, rep_id: uuid.UUID, count: int) -> None:
    """`count` outcomes: the first 20,000 on 1 January, the rest from 2 January on."""
    base = datetime(2026, 1, 1, tzinfo=UTC)
    names = ("id", "rep_id", "lead_id", "campaign_id", "code", "details", "note", "occurred_at",
             "received_at", "device_id", "device_seq", "reassigned", "retracted_at")  # fmt: skip
    rows = (
        (uuid.uuid4(), rep_id, uuid.uuid4(), None, "objection", ["price"],
         f"Note {i}; with \"quotes\" and Ümlauts", base + timedelta(seconds=i * 4), base,
         "bench", None, False, None)
        for i in range(count)
    )  # fmt: skip
    copy_rows(db, table_of(Outcome), names, rows)
    db.commit()


def _peak_while_streaming(engine: Engine, last_day: date) -> tuple[int, int]:
    filters = Filters(date(2026, 1, 1), last_day)
    tracemalloc.start()
    lines = 0
    for chunk in export.outcome_rows(engine, filters, delimiter="semicolon"):
        lines += chunk.count(b"\r\n")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, lines


def test_streaming_memory_stays_flat(world: World, db: Session, engine: Engine) -> None:
    rep = world.rep("Bulk", team="Hamburg")
    _bulk_outcomes(db, rep.id, 200_000)  # 4 s apart: 21,600 a day
    small_peak, small_lines = _peak_while_streaming(engine, date(2026, 1, 1))
    large_peak, large_lines = _peak_while_streaming(engine, date(2026, 1, 31))
    assert (small_lines, large_lines) == (21_601, 200_001)
    # Nine times the rows, (about) the same memory: one batch of rows at a time.
    assert large_peak < small_peak * 1.5 + 256 * 1024, (small_peak, large_peak)
    assert large_peak < 8 * 1024 * 1024
