"""The outcomes CSV: streamed row by row from a server-side cursor, ready for Excel.

UTF-8 with a byte-order mark (so Excel detects the encoding), comma or semicolon (German
Excel), labels in English or German. Cells that Excel would read as a formula (starting with
=, +, -, @, tab or carriage return) get a leading apostrophe.
"""

import csv
import io
from collections.abc import Iterator
from typing import Any, Literal

from sqlalchemy import Engine, select
from sqlmodel import Session

from app.auth.models import User
from app.campaigns.models import Campaign
from app.insights.models import InsightFact
from app.insights.rollup import table_of
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
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _query(filters: Filters) -> Any:
    o = table_of(Outcome)
    lead, rep, campaign = table_of(Lead), table_of(User), table_of(Campaign)
    code, fact = table_of(OutcomeCode), table_of(InsightFact)
    query = (
        select(
            o.c.occurred_at,
            code.c.label_en,
            code.c.label_de,
            o.c.code,
            lead.c.company,
            o.c.lead_id,
            rep.c.name,
            o.c.rep_id,
            campaign.c.name,
            o.c.campaign_id,
            fact.c.region,
            fact.c.segment,
            fact.c.team,
            o.c.details,
            o.c.note,
            o.c.id,
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
    with Session(engine) as session:
        result = session.execute(_query(filters).execution_options(yield_per=BATCH))
        for batch in result.partitions():
            for row in batch:
                (occurred, en, de, code, company, lead_id, rep, rep_id, campaign, campaign_id,
                 region, segment, team, details, note, outcome_id) = row  # fmt: skip
                writer.writerow(
                    [
                        occurred.isoformat(),
                        safe_cell(de if lang == "de" else en),
                        code,
                        safe_cell(company),
                        lead_id,
                        safe_cell(rep),
                        rep_id,
                        safe_cell(campaign),
                        campaign_id or "",
                        safe_cell(region),
                        safe_cell(segment),
                        safe_cell(team),
                        safe_cell(", ".join(details or [])),
                        safe_cell(note),
                        outcome_id,
                    ]
                )
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
        result.close()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")
