"""The outcomes CSV: streamed row by row from a server-side cursor, ready for Excel.

UTF-8 with a byte-order mark (so Excel detects the encoding), comma or semicolon (German
Excel), labels in English or German. Cells that Excel would read as a formula (starting with
=, +, -, @, tab or carriage return) get a leading apostrophe.
"""

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Engine, String, select, type_coerce

from app.auth.models import User
from app.campaigns.models import Campaign
from app.core.db import table_of
from app.insights.models import InsightFact
from app.insights.schemas import Filters
from app.insights.tallies import raw_scope
from app.leads.models import Lead
from app.outcomes.models import Outcome, OutcomeCode

Delimiter = Literal["comma", "semicolon"]
BOM = "\ufeff"
BATCH = 2000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

HEADERS = {
    "en": [
        "occurred_at", "outcome", "outcome_code", "lead", "lead_id", "rep", "rep_id",
        "campaign", "campaign_id", "region", "segment", "team", "details", "note", "outcome_id",
    ],
    "de": [
        "Zeitpunkt", "Ergebnis", "Ergebniscode", "Lead", "Lead-ID", "Außendienst",
        "Außendienst-ID", "Kampagne", "Kampagnen-ID", "Region", "Segment", "Team", "Details",
        "Notiz", "Ergebnis-ID",
    ],
}  # fmt: skip


def safe_cell(value: Any) -> str:
    if not value:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def as_text(column: Any) -> Any:
    """Skip the result processing of UUID and JSON columns (done cheaper below)."""
    return type_coerce(column, String)


def uuid_text(value: Any) -> str:
    """SQLite hands back 32 hex digits, PostgreSQL a UUID: the canonical form of either."""
    if value is None:
        return ""
    text = str(value)
    if len(text) == 32:
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
    return text


def time_text(value: Any) -> str:
    """ISO 8601 with offset from SQLite's stored UTC text or a PostgreSQL datetime."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    text = str(value)
    return f"{text[:10]}T{text[11:]}+00:00" if "+" not in text[10:] else text.replace(" ", "T")


def chips_text(value: Any) -> str:
    if value is None or value == "[]" or value == []:
        return ""
    chips = json.loads(value) if isinstance(value, str) else value
    return safe_cell(", ".join(str(c) for c in chips))


def _query(filters: Filters) -> Any:
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
    return raw_scope(query, filters, fact_joined=True)


def outcome_rows(
    engine: Engine, filters: Filters, *, lang: str = "en", delimiter: Delimiter = "comma"
) -> Iterator[bytes]:
    """Yield the CSV in chunks; only one batch of rows is in memory at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if delimiter == "semicolon" else ",")
    buffer.write(BOM)
    writer.writerow(HEADERS["de" if lang == "de" else "en"])
    with engine.connect() as connection:
        result = connection.execution_options(yield_per=BATCH).execute(_query(filters))
        for batch in result.partitions():
            for row in batch:
                (occurred, en, de, code, company, lead_id, rep, rep_id, campaign, campaign_id,
                 region, segment, team, details, note, outcome_id) = row  # fmt: skip
                writer.writerow(
                    [
                        time_text(occurred),
                        safe_cell(de if lang == "de" else en),
                        code,
                        safe_cell(company),
                        uuid_text(lead_id),
                        safe_cell(rep),
                        uuid_text(rep_id),
                        safe_cell(campaign),
                        uuid_text(campaign_id),
                        safe_cell(region),
                        safe_cell(segment),
                        safe_cell(team),
                        chips_text(details),
                        safe_cell(note),
                        uuid_text(outcome_id),
                    ]
                )
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
        result.close()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")
