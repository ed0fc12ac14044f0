"""CSV import of leads, as CRMs and Excel write it.

UTF-8 (with or without BOM) or Windows-1252; comma, semicolon or tab delimited (read from the
header line, or Excel's `sep=;` line); English or German header names; rep by email; campaign by
name or id; upsert by `external_ref`. Times without an offset are read in the organisation time
zone. All or nothing unless bad rows are skipped on request. Every problem names the row as a
spreadsheet numbers it (records, not text lines) with the row's company and customer number and
a stable code. Built for speed: lookups are loaded once, rows are checked in plain Python and
written in bulk.
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import insert, update
from sqlmodel import Session, col, select

from app.campaigns.markdown import render_markdown
from app.changes.log import record_changes
from app.core.time import utcnow
from app.leads.csv_columns import COMPARED, TEXT_FIELDS
from app.leads.csv_rows import (
    CheckedRows,
    decode,
    excel_separator,
    load_context,
    parse_timezone,
    read_rows,
    sniff_delimiter,
)
from app.leads.models import SEARCHED, Lead, derived_fields
from app.leads.schemas import ImportReport
from app.leads.service import Change, Holding, holding_changes, lock_holdings
from app.push.notices import NoticeKind, notify_each
from app.webhooks import events as webhook_events

MAX_REPORTED_ERRORS = 1000


def _existing(session: Session, refs: list[str]) -> dict[str, dict[str, Any]]:
    """The leads these external refs already name. Few refs: looked up by chunks of `IN`;
    many: one scan of every lead with a ref (long `IN` lists are slow on PostgreSQL)."""
    columns = [col(Lead.id), *(getattr(Lead, name) for name in COMPARED)]
    if len(refs) > 1000:
        queries = [select(*columns).where(col(Lead.external_ref).is_not(None))]
    else:
        queries = [
            select(*columns).where(col(Lead.external_ref).in_(refs[start : start + 500]))
            for start in range(0, len(refs), 500)
        ]
    wanted = set(refs)
    found: dict[str, dict[str, Any]] = {}
    for query in queries:
        for row in session.exec(query):
            mapping = dict(zip(["id", *COMPARED], row, strict=True))
            if mapping["external_ref"] in wanted:
                found[mapping["external_ref"]] = mapping
    return found


def import_leads(
    session: Session,
    *,
    data: bytes,
    dry_run: bool = False,
    skip_invalid: bool = False,
    timezone: str,
) -> ImportReport:
    """`timezone`: where times without an offset are read (the organisation's, unless the
    request names another)."""
    tz = parse_timezone(timezone)
    text, encoding = decode(data)
    declared, text = excel_separator(text)
    delimiter = declared or sniff_delimiter(text)
    out = CheckedRows()
    ignored = read_rows(text, delimiter, load_context(session, tz), out)
    refs = [r.values["external_ref"] for r in out.rows if r.values.get("external_ref")]
    existing = _existing(session, refs)
    now = utcnow()
    created: list[dict[str, Any]] = []
    updated: list[dict[str, Any]] = []  # changes with id
    unchanged = 0
    for row in out.rows:
        values = row.values
        old = existing.get(values.get("external_ref") or "")
        if old is None:
            created.append(_new_lead(values, now))
            continue
        changes = {k: v for k, v in values.items() if old[k] != v}
        if not changes:
            unchanged += 1
            continue
        if "brief_md" in changes:
            changes["brief_html"] = render_markdown(changes["brief_md"])
        if any(name in changes for name in SEARCHED):
            changes.update(derived_fields(old | changes))
        changes.update(id=old["id"], updated_at=now)
        updated.append(changes)
    write = not dry_run and (skip_invalid or not out.problems)
    if write:
        _write(session, created, updated)
    return ImportReport(
        dry_run=dry_run,
        written=write,
        rows=out.row_count,
        created=len(created),
        updated=len(updated),
        unchanged=unchanged,
        skipped=len(out.bad_rows),
        encoding=encoding,
        delimiter=delimiter,
        ignored_columns=ignored,
        timezone=tz.key,
        error_count=len(out.problems),
        errors=out.problems[:MAX_REPORTED_ERRORS],
    )


DEFAULTS: dict[str, Any] = {name: "" for name in TEXT_FIELDS} | {
    "external_ref": None,
    "campaign_id": None,
    "planned_visit_at": None,
    "priority": 2,
}


def _new_lead(values: dict[str, Any], now: datetime) -> dict[str, Any]:
    lead = DEFAULTS | values
    lead.update(
        id=uuid.uuid4(),
        **derived_fields(lead),
        brief_html=render_markdown(lead["brief_md"]),
        recommended_collateral_ids=[],
        created_at=now,
        updated_at=now,
    )
    return lead


def _write(
    session: Session,
    created: list[dict[str, Any]],
    updated: list[dict[str, Any]],
) -> None:
    # Who held each lead until now is read under the rows' locks: a reassignment committed
    # since `_existing` read them must be the one whose rep hears of this change.
    owners = lock_holdings(session, [changes["id"] for changes in updated])
    updated = [changes for changes in updated if changes["id"] in owners]  # deleted meanwhile
    for start in range(0, len(created), 1000):
        session.execute(insert(Lead), created[start : start + 1000])
    if updated:
        session.execute(update(Lead), updated)  # by primary key
    changes: list[Change] = []
    for lead in created:
        changes += holding_changes(lead["id"], None, Holding(lead["rep_id"], lead["campaign_id"]))
    notices = [(lead["rep_id"], lead["id"], f"New brief: {lead['company']}") for lead in created]
    for row in updated:
        before = owners[row["id"]]
        after = before._replace(**{k: row[k] for k in before._fields if k in row})
        # A reassigned lead is recorded for both reps: one phone drops it, the other gets it
        # (with its campaign, when that is outside the rep's audience: `holding_changes`).
        changes += holding_changes(row["id"], before, after)
        if after.rep_id != before.rep_id:
            notices.append((after.rep_id, row["id"], "A lead was assigned to you"))
    record_changes(session, changes)
    notify_each(session, notices, kind=NoticeKind.new_leads)
    webhook_events.leads_assigned_each(session, [(i, rep) for rep, i, _ in notices])
    session.flush()
