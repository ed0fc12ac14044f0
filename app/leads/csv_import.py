"""CSV import of leads, as CRMs and Excel write it.

UTF-8 (with or without BOM) or Windows-1252; comma, semicolon or tab delimited (read from the
header line); English or German header names; rep by email; campaign by name or id; upsert by
`external_ref`. All or nothing unless bad rows are skipped on request. Built for speed: lookups
are loaded once, rows are checked in plain Python and written in bulk.
"""

import csv
import io
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, insert, update
from sqlmodel import Session, col, select

from app.auth.models import Role, User
from app.campaigns.markdown import render_markdown
from app.campaigns.models import Campaign
from app.core import errors
from app.core.time import utcnow
from app.leads.models import SEARCHED, Lead, derived_fields
from app.leads.schemas import ImportProblem, ImportReport
from app.leads.service import lock_owners
from app.push.notices import NoticeKind, notify_each
from app.sync.changes import SyncEntity, record_changes

MAX_REPORTED_ERRORS = 1000

# field → (max length, header names: English and German, normalised by `_norm`)
TEXT_FIELDS: dict[str, tuple[int, tuple[str, ...]]] = {
    "external_ref": (100, ("externalref", "ref", "reference", "crmid", "externalid", "id",
                           "referenz", "externereferenz", "kundennummer", "kundennr", "kdnr")),
    "company": (200, ("company", "companyname", "account", "firma", "unternehmen",
                      "firmenname")),
    "contact_name": (200, ("contactname", "contact", "name", "ansprechpartner", "kontakt",
                           "kontaktperson")),
    "contact_role": (200, ("contactrole", "role", "position", "title", "jobtitle", "funktion",
                           "rolle")),
    "phone": (50, ("phone", "telephone", "tel", "telefon", "telefonnummer")),
    "email": (320, ("email", "mail", "emailaddress", "emailadresse")),
    "street": (200, ("street", "address", "strasse", "adresse", "anschrift")),
    "postal_code": (20, ("postalcode", "zip", "zipcode", "postcode", "plz", "postleitzahl")),
    "city": (100, ("city", "town", "ort", "stadt")),
    "country": (100, ("country", "land")),
    "region": (100, ("region", "gebiet", "vertriebsgebiet")),
    "segment": (100, ("segment", "industry", "branche")),
    "brief_md": (20_000, ("brief", "briefmd", "briefing", "notes", "notizen", "hinweise")),
}  # fmt: skip
OTHER_FIELDS: dict[str, tuple[str, ...]] = {
    "rep": ("rep", "repemail", "salesrep", "assignedto", "owner", "vertreter",
            "aussendienst", "aussendienstler", "berater", "mitarbeiter", "betreuer"),
    "campaign": ("campaign", "campaignid", "campaignname", "kampagne"),
    "planned_visit_at": ("plannedvisitat", "plannedvisit", "visit", "visitat", "besuch",
                         "besuchstermin", "termin", "geplanterbesuch"),
    "priority": ("priority", "prio", "prioritaet"),
}  # fmt: skip
ALIASES: dict[str, str] = {
    alias: name
    for name, aliases in [(n, a) for n, (_, a) in TEXT_FIELDS.items()] + list(OTHER_FIELDS.items())
    for alias in (*aliases, name.replace("_", ""))
}
REQUIRED = ("company", "rep")
DATE_FORMATS = ("%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y", "%d.%m.%y %H:%M", "%d.%m.%y")
COMPARED = (*TEXT_FIELDS, "rep_id", "campaign_id", "planned_visit_at", "priority")


def _norm(header: str) -> str:
    text = header.strip().lower()
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, plain)
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if ch.isascii() and ch.isalnum())


def decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise errors.BadRequest("file: has a UTF-8 mark but is not valid UTF-8") from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as exc:
        raise errors.BadRequest("file: neither UTF-8 nor Windows-1252 text") from exc


def sniff_delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def parse_timezone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise errors.BadRequest("timezone: unknown time zone") from exc


@dataclass
class _Context:
    reps: dict[str, uuid.UUID]
    campaigns_by_id: set[uuid.UUID]
    campaigns_by_name: dict[str, list[uuid.UUID]]
    tz: ZoneInfo


@dataclass
class _Row:
    line: int
    values: dict[str, Any]


@dataclass
class _Outcome:
    rows: list[_Row] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    bad_lines: set[int] = field(default_factory=set)
    row_count: int = 0

    def bad(self, line: int, column: str, reason: str) -> None:
        self.problems.append(ImportProblem(line=line, column=column, reason=reason))
        self.bad_lines.add(line)


def _load_context(session: Session, tz: ZoneInfo) -> _Context:
    reps = {
        email.lower(): rep_id
        for rep_id, email in session.exec(
            select(User.id, User.email).where(User.role == Role.rep, col(User.is_active))
        )
    }
    by_name: dict[str, list[uuid.UUID]] = {}
    ids: set[uuid.UUID] = set()
    for campaign_id, name in session.exec(select(Campaign.id, Campaign.name)):
        ids.add(campaign_id)
        by_name.setdefault(name.strip().lower(), []).append(campaign_id)
    return _Context(reps, ids, by_name, tz)


def _parse_when(raw: str, tz: ZoneInfo) -> datetime | None:
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        for fmt in DATE_FORMATS:
            try:
                value = datetime.strptime(raw, fmt)
                break
            except ValueError:
                continue
        else:
            return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(ZoneInfo("UTC"))


def _check_row(
    raw: dict[str, str], line: int, names: dict[str, str], ctx: _Context, out: _Outcome
) -> dict[str, Any] | None:
    """The lead fields of one row, or None after reporting what is wrong with it."""
    values: dict[str, Any] = {}
    ok = True

    def bad(name: str, reason: str) -> None:
        nonlocal ok
        ok = False
        out.bad(line, names[name], reason)

    for name, text in raw.items():
        if name in TEXT_FIELDS and len(text) > TEXT_FIELDS[name][0]:
            bad(name, f"longer than {TEXT_FIELDS[name][0]} characters")
        elif name in TEXT_FIELDS:
            values[name] = text
    if "company" in values and not values["company"]:
        bad("company", "required")
    if "external_ref" in values:
        values["external_ref"] = values["external_ref"] or None
    rep = raw.get("rep", "").lower()
    if "rep" in raw:
        rep_id = ctx.reps.get(rep)
        if rep_id is None:
            bad("rep", f"no active rep with email {raw['rep']!r}" if rep else "required")
        values["rep_id"] = rep_id
    if "campaign" in raw:
        values["campaign_id"] = None
        text = raw["campaign"]
        if text:
            try:
                as_id: uuid.UUID | None = uuid.UUID(text)
            except ValueError:
                as_id = None
            if as_id is not None and as_id in ctx.campaigns_by_id:
                values["campaign_id"] = as_id
            else:
                found = ctx.campaigns_by_name.get(text.lower(), [])
                if len(found) == 1:
                    values["campaign_id"] = found[0]
                else:
                    bad("campaign", "no such campaign" if not found else "name is ambiguous")
    if "priority" in raw:
        text = raw["priority"] or "2"
        if text in ("1", "2", "3"):
            values["priority"] = int(text)
        else:
            bad("priority", "must be 1, 2 or 3")
    if "planned_visit_at" in raw:
        text = raw["planned_visit_at"]
        when = _parse_when(text, ctx.tz) if text else None
        if text and when is None:
            bad("planned_visit_at", "not a date/time (use 2026-12-01 14:30 or 01.12.2026 14:30)")
        values["planned_visit_at"] = when
    return values if ok else None


def _read_rows(text: str, delimiter: str, ctx: _Context, out: _Outcome) -> list[str]:
    """Check every row; returns the ignored (unknown) column names."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        out.bad(1, "", "the file is empty")
        return []
    columns: list[tuple[int, str]] = []  # (index, field)
    names: dict[str, str] = {}
    ignored: list[str] = []
    for index, title in enumerate(header):
        name = ALIASES.get(_norm(title))
        if name is None:
            if title.strip():
                ignored.append(title.strip())
        elif name in names:
            out.bad(1, title.strip(), f"same column as {names[name]!r}")
        else:
            names[name] = title.strip()
            columns.append((index, name))
    for required in REQUIRED:
        if required not in names:
            out.bad(1, required, "column missing")
    if out.problems:
        return ignored
    refs: dict[str, int] = {}
    previous = reader.line_num
    for row in reader:
        line, previous = previous + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        out.row_count += 1
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header) :]):
            out.bad(line, "", f"{len(row)} fields, but the header has {len(header)}")
            continue
        raw = {name: (row[i].strip() if i < len(row) else "") for i, name in columns}
        values = _check_row(raw, line, names, ctx, out)
        if values is None:
            continue
        ref = values.get("external_ref")
        if ref is not None:
            if ref in refs:
                out.bad(line, names["external_ref"], f"same external_ref as line {refs[ref]}")
                continue
            refs[ref] = line
        out.rows.append(_Row(line, values))
    return ignored


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
    timezone: str = "UTC",
) -> ImportReport:
    tz = parse_timezone(timezone)
    text, encoding = decode(data)
    delimiter = sniff_delimiter(text)
    out = _Outcome()
    ignored = _read_rows(text, delimiter, _load_context(session, tz), out)
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
        skipped=len(out.bad_lines - {1}),
        encoding=encoding,
        delimiter=delimiter,
        ignored_columns=ignored,
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
    owners = lock_owners(session, [changes["id"] for changes in updated])
    updated = [changes for changes in updated if changes["id"] in owners]  # deleted meanwhile
    for start in range(0, len(created), 1000):
        session.execute(insert(Lead), created[start : start + 1000])
    if updated:
        session.execute(update(Lead), updated)  # by primary key
    changes: list[tuple[SyncEntity, uuid.UUID, uuid.UUID | None]] = [
        (SyncEntity.lead, lead["id"], lead["rep_id"]) for lead in created
    ]
    notices = [(lead["rep_id"], lead["id"], f"New brief: {lead['company']}") for lead in created]
    for row in updated:
        old_rep = owners[row["id"]]
        new_rep = row.get("rep_id", old_rep)
        # A reassigned lead is recorded for both reps: one phone drops it, the other gets it.
        changes += [(SyncEntity.lead, row["id"], old_rep), (SyncEntity.lead, row["id"], new_rep)]
        if new_rep != old_rep:
            notices.append((new_rep, row["id"], "A lead was assigned to you"))
    record_changes(session, changes)
    notify_each(session, notices, kind=NoticeKind.new_leads)
    session.flush()


def count_leads(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Lead)).one()
