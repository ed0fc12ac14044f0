"""The outcomes export, for the people who open it: CSV streamed row by row from a server-side
cursor, and an Excel workbook (.xlsx) written row by row into a temporary file.

Each visit has its local date and local time in the organisation time zone (what a marketer
reads and filters on) and the instant in UTC, ISO 8601 to the second (for machines), and last
the facts of the links shared on its lead after it (app/insights/share_facts.py).

- CSV: UTF-8 with a byte-order mark (so Excel detects the encoding), comma or semicolon (German
  Excel reads only semicolons; the default follows the language), labels in English or German,
  dates as that language's Excel reads them (31.12.2026 in German, 2026-12-31 in English).
  Cells that Excel would read as a formula (starting with =, +, -, @, tab or carriage return)
  get a leading apostrophe.
- XLSX: real date and time cells (shown 31.12.2026 in German, 2026-12-31 in English), text
  cells always written as text; those starting like a formula are marked "quote prefix" too, so
  editing them in Excel keeps them text. XlsxWriter's constant-memory mode keeps one row in
  memory; a sheet that is full (1,048,575 visits) continues on the next.
"""

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import xlsxwriter
from sqlalchemy import Engine, select

from app.auth.models import User
from app.campaigns.models import Campaign
from app.core.db import table_of
from app.core.spreadsheet import BOM, looks_like_formula, safe_cell
from app.insights.models import InsightFact
from app.insights.raw_values import as_text, instant_of, uuid_text
from app.insights.schemas import Filters
from app.insights.share_facts import ShareFacts, share_facts
from app.insights.tallies import raw_scope
from app.insights.visits import Figure, figure_scope
from app.leads.models import Lead
from app.outcomes.models import Outcome, OutcomeCode

Delimiter = Literal["comma", "semicolon"]
Lang = Literal["en", "de"]
BATCH = 2000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_ROWS = 1_048_576  # Excel's limit, the header row included

HEADERS = {
    "en": [
        "date", "time", "occurred_at", "outcome", "outcome_code", "lead", "lead_id", "rep",
        "rep_id", "campaign", "campaign_id", "region", "segment", "team", "details", "note",
        "outcome_id", "shares", "shares_opened", "shares_first_opened_at",
        "shares_reading_seconds", "shares_downloads",
    ],
    "de": [
        "Datum", "Uhrzeit", "Zeitpunkt (UTC)", "Ergebnis", "Ergebniscode", "Lead", "Lead-ID",
        "Außendienst", "Außendienst-ID", "Kampagne", "Kampagnen-ID", "Region", "Segment", "Team",
        "Details", "Notiz", "Ergebnis-ID", "Geteilte Links", "Links geöffnet", "Zuerst geöffnet",
        "Lesezeit (Sekunden)", "Downloads",
    ],
}  # fmt: skip
SHEET_NAMES = {"en": "Outcomes", "de": "Ergebnisse"}
DATE_FORMATS = {"en": "yyyy-mm-dd", "de": "dd.mm.yyyy"}
WIDTHS = [11, 6, 21, 14, 12, 30, 37, 20, 37, 24, 37, 12, 12, 12, 24, 50, 37, 8, 8, 25, 10, 10]
SHARE_COLUMN = 17  # the first of the share facts
YES_NO = {"en": ("yes", "no"), "de": ("ja", "nein")}

# One visit: its local date and time, its instant in UTC (ISO), then the texts of the columns
# after them, without formula protection (each format adds its own), then its share facts
# (app/insights/share_facts.py; None: nothing was shared after it).
Record = tuple[datetime, str, list[str], ShareFacts | None]


def default_delimiter(lang: Lang) -> Delimiter:
    """What the Excel of that language opens: German Excel splits only at semicolons."""
    return "semicolon" if lang == "de" else "comma"


def instant_text(moment: datetime) -> str:
    """ISO 8601 in UTC to the second: 2026-10-05T12:00:00Z."""
    return moment.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def local_of(moment: datetime, zone: ZoneInfo) -> datetime:
    """The wall-clock time in `zone` to the second, naive (as spreadsheets hold it)."""
    try:
        return moment.astimezone(zone).replace(tzinfo=None, microsecond=0)
    except OverflowError:  # at the very end of the calendar: no local time beyond it
        return moment.replace(tzinfo=None, microsecond=0)


def chips_text(value: Any) -> str:
    if value is None or value == "[]" or value == []:
        return ""
    chips = json.loads(value) if isinstance(value, str) else value
    return ", ".join(str(c) for c in chips)


def _query(filters: Filters, figure: Figure, dialect: str) -> Any:
    o = table_of(Outcome)
    lead, rep, campaign = table_of(Lead), table_of(User), table_of(Campaign)
    code, fact = table_of(OutcomeCode), table_of(InsightFact)
    query = (
        select(
            as_text(o.c.occurred_at),
            code.c.label_en,
            code.c.label_de,
            o.c.code,
            lead.c.company,
            as_text(o.c.lead_id),
            rep.c.name,
            as_text(o.c.rep_id),
            campaign.c.name,
            as_text(o.c.campaign_id),
            fact.c.region,
            fact.c.segment,
            fact.c.team,
            as_text(o.c.details),
            o.c.note,
            as_text(o.c.id),
        )
        .select_from(o)
        .join(code, code.c.code == o.c.code)
        .join(rep, rep.c.id == o.c.rep_id)
        .outerjoin(lead, lead.c.id == o.c.lead_id)
        .outerjoin(campaign, campaign.c.id == o.c.campaign_id)
        .outerjoin(fact, fact.c.outcome_id == o.c.id)
        .order_by(o.c.occurred_at, o.c.id)
    )
    return figure_scope(raw_scope(query, filters, fact_joined=True), figure, dialect, filters)


def records(
    engine: Engine, filters: Filters, *, lang: Lang, zone: ZoneInfo, figure: Figure = Figure()
) -> Iterator[list[Record]]:
    """The visits in the filter (and figure), in time order, one batch of rows in memory at
    a time."""
    query = _query(filters, figure, engine.dialect.name)
    with engine.connect() as connection:
        result = connection.execution_options(yield_per=BATCH).execute(query)
        for batch in result.partitions():
            shared = share_facts(connection, [uuid_text(row[-1]) for row in batch])
            out = []
            for row in batch:
                (occurred, en, de, code, company, lead_id, rep, rep_id, campaign, campaign_id,
                 region, segment, team, details, note, outcome_id) = row  # fmt: skip
                moment = instant_of(occurred)
                texts = [
                    (de if lang == "de" else en) or "",
                    code,
                    company or "",
                    uuid_text(lead_id),
                    rep or "",
                    uuid_text(rep_id),
                    campaign or "",
                    uuid_text(campaign_id),
                    region or "",
                    segment or "",
                    team or "",
                    chips_text(details),
                    note or "",
                    uuid_text(outcome_id),
                ]
                facts = shared.get(texts[-1])
                out.append((local_of(moment, zone), instant_text(moment), texts, facts))
            yield out
        result.close()


def share_texts(facts: ShareFacts | None, lang: Lang, zone: ZoneInfo) -> list[str]:
    """Shares, opened (yes/no), first opened (ISO 8601 in the organisation time zone, with its
    offset), reading seconds, downloads; a visit nothing was shared after: 0 and empty cells."""
    if facts is None:
        return ["0", "", "", "", ""]
    first = facts.first_opened_at
    return [
        str(facts.shares),
        YES_NO[lang][0 if facts.opened else 1],
        first.astimezone(zone).isoformat(timespec="seconds") if first is not None else "",
        str(facts.seconds),
        str(facts.downloads),
    ]


def _local_texts(local: datetime, lang: Lang) -> tuple[str, str]:
    """The local date as the Excel of that language reads it, and the time to the minute."""
    if lang == "de":
        day = f"{local.day:02d}.{local.month:02d}.{local.year:04d}"
    else:
        day = f"{local.year:04d}-{local.month:02d}-{local.day:02d}"
    return day, f"{local.hour:02d}:{local.minute:02d}"


def outcome_rows(
    engine: Engine,
    filters: Filters,
    *,
    lang: Lang = "en",
    delimiter: Delimiter | None = None,
    zone: ZoneInfo,
    figure: Figure = Figure(),
) -> Iterator[bytes]:
    """Yield the CSV in chunks, one batch of rows at a time."""
    separator = ";" if (delimiter or default_delimiter(lang)) == "semicolon" else ","
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator)
    buffer.write(BOM)
    writer.writerow(HEADERS[lang])
    for batch in records(engine, filters, lang=lang, zone=zone, figure=figure):
        for local, instant, texts, facts in batch:
            cells = [*texts, *share_texts(facts, lang, zone)]
            writer.writerow([*_local_texts(local, lang), instant, *map(safe_cell, cells)])
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def _write_share_facts(sheet: Any, row: int, cells: list[str], quoted: Any) -> None:
    """Counts as number cells, the rest as text (empty cells left out)."""
    for column, text in enumerate(cells, start=SHARE_COLUMN):
        if column in (SHARE_COLUMN, SHARE_COLUMN + 3, SHARE_COLUMN + 4) and text:
            sheet.write_number(row, column, int(text))
        elif text:
            sheet.write_string(row, column, text, quoted if looks_like_formula(text) else None)


def write_workbook(
    engine: Engine,
    filters: Filters,
    target: Path,
    *,
    lang: Lang = "en",
    zone: ZoneInfo,
    figure: Figure = Figure(),
) -> int:
    """Write the visits as an Excel workbook to `target` (XlsxWriter's own temporary files go
    beside it); returns the number of visits written."""
    workbook = xlsxwriter.Workbook(
        str(target),
        {"constant_memory": True, "use_zip64": True, "tmpdir": str(target.parent)},
    )
    header = workbook.add_format({"bold": True})
    day_format = workbook.add_format({"num_format": DATE_FORMATS[lang]})
    time_format = workbook.add_format({"num_format": "hh:mm"})
    quoted = workbook.add_format({"quote_prefix": True})
    sheet: Any = None
    row = SHEET_ROWS
    written = 0

    def new_sheet() -> Any:
        number = len(workbook.worksheets()) + 1
        ws = workbook.add_worksheet(SHEET_NAMES[lang] + (f" {number}" if number > 1 else ""))
        for column, width in enumerate(WIDTHS):
            ws.set_column(column, column, width)
        for column, title in enumerate(HEADERS[lang]):
            ws.write_string(0, column, title, header)
        ws.freeze_panes(1, 0)
        return ws

    def finish(ws: Any, rows: int) -> None:
        ws.autofilter(0, 0, rows - 1, len(WIDTHS) - 1)

    for batch in records(engine, filters, lang=lang, zone=zone, figure=figure):
        for local, instant, texts, facts in batch:
            if row == SHEET_ROWS:
                if sheet is not None:
                    finish(sheet, row)
                sheet, row = new_sheet(), 1
            if local.year >= 1900:  # Excel has no dates before 1900
                sheet.write_datetime(row, 0, local.date(), day_format)
                sheet.write_datetime(row, 1, local.time(), time_format)
            else:
                sheet.write_string(row, 0, local.date().isoformat())
                sheet.write_string(row, 1, local.time().isoformat("minutes"))
            sheet.write_string(row, 2, instant)
            for column, text in enumerate(texts, start=3):
                if text:
                    sheet.write_string(
                        row, column, text, quoted if looks_like_formula(text) else None
                    )
            _write_share_facts(sheet, row, share_texts(facts, lang, zone), quoted)
            row += 1
            written += 1
    if sheet is None:  # no visits: the header alone
        sheet, row = new_sheet(), 1
    finish(sheet, row)
    workbook.close()
    return written
