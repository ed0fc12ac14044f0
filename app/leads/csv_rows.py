"""Reading a leads CSV (app/leads/csv_import.py): the bytes' encoding and delimiter, header
names in English or German, and every row checked in plain Python against lookups loaded once.
Every problem names the row as a spreadsheet numbers it, with a stable code.
"""

import csv
import io
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, col, select

from app.auth.models import Role, User
from app.campaigns.models import Campaign
from app.core import errors
from app.core.inputs import EARLIEST, PLANNED_BEFORE, unstorable
from app.core.time import NonexistentLocalTime, local_to_utc
from app.leads.csv_columns import ALIASES, REQUIRED, TEXT_FIELDS, norm_header
from app.leads.schemas import ImportErrorCode, ImportProblem


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


def excel_separator(text: str) -> tuple[str | None, str]:
    """Excel's `sep=;` first line names the delimiter; Excel shows no row for it."""
    first, _, rest = text.partition("\n")
    line = first.rstrip("\r")
    if len(line) == 5 and line.lower().startswith("sep=") and line[4] in ",;\t|":
        return line[4], rest
    return None, text


def sniff_delimiter(text: str) -> str:
    header = next((line for line in text.splitlines() if line.strip()), "")
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
    day_first: bool | None = None  # how the file writes 05/12/2026 (None: it does not say)


@dataclass(frozen=True)
class _Where:
    """A row as the marketer finds it in the spreadsheet."""

    row: int
    company: str = ""
    external_ref: str = ""


@dataclass
class _Row:
    row: int
    values: dict[str, Any]


C = ImportErrorCode
MESSAGES: dict[ImportErrorCode, str] = {
    C.empty_file: "The file is empty.",
    C.missing_column: "The column {column} is missing.",
    C.duplicate_column: "{column}: the same column as {other_column}.",
    C.too_many_fields: "The row has {fields} cells, but the header has {header_fields}.",
    C.required: "{column}: empty, but required.",
    C.too_long: "{column}: longer than {max} characters.",
    C.unknown_rep: '{column}: no active rep has the e-mail "{value}".',
    C.unknown_campaign: '{column}: no campaign is called "{value}".',
    C.ambiguous_campaign: '{column}: several campaigns are called "{value}"; use its id.',
    C.bad_priority: '{column}: "{value}" is not a priority (1, 2 or 3).',
    C.bad_date: '{column}: "{value}" is not a date/time (2026-12-01 14:30 or 01.12.2026 14:30).',
    C.ambiguous_date: '{column}: "{value}" could be day/month or month/day '
    "(write 2026-12-01 or 01.12.2026).",
    C.nonexistent_time: '{column}: "{value}" does not exist in {zone}: the clocks skip that '
    "hour when summer time starts.",
    C.duplicate_ref: '{column}: "{value}" is already the customer number of row {first_row}.',
    C.bad_character: "{column}: contains a character that cannot be stored (NUL).",
    C.date_out_of_range: '{column}: "{value}" is not between 2000 and 2099.',
}
SHOWN = 200  # characters of a cell repeated in a problem


def _shown(text: str) -> str:
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


class _Bad(Exception):
    """A cell that names no value, with the code and details of why."""

    def __init__(self, code: ImportErrorCode, **params: str | int) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass
class CheckedRows:
    rows: list[_Row] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    bad_rows: set[int] = field(default_factory=set)
    header_row: int = 1
    row_count: int = 0

    def bad(
        self,
        where: _Where,
        column: str,
        code: ImportErrorCode,
        value: str = "",
        **params: str | int,
    ) -> None:
        value = _shown(value)
        message = MESSAGES[code].format(column=column, value=value, **params)
        self.problems.append(
            ImportProblem(
                row=where.row,
                company=_shown(where.company),
                external_ref=_shown(where.external_ref),
                column=column,
                value=value,
                code=code,
                params=params,
                message=message,
            )
        )
        if where.row != self.header_row:
            self.bad_rows.add(where.row)


def load_context(session: Session, tz: ZoneInfo) -> _Context:
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


# 11.12.2026 10:15, 11.12.26, 12/11/2026 10:15:00, 12/11/2026 10:15 AM (Excel's local formats)
NUMERIC_DATE = re.compile(
    r"(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})"
    r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp])\.?[Mm]\.?)?)?"
)


def _day_first(cells: list[str]) -> bool | None:
    """Whether the file writes 05/12/2026 day first: told by a date that can only be read one
    way (13/12/2026 or 12/13/2026); None when no date tells, or dates tell both ways."""
    votes: set[bool] = set()
    for text in cells:
        match = NUMERIC_DATE.fullmatch(text)
        if match and match[2] != ".":
            first, second = int(match[1]), int(match[3])
            if first > 12 >= second:
                votes.add(True)
            elif second > 12 >= first:
                votes.add(False)
    return votes.pop() if len(votes) == 1 else None


def _numeric_date(text: str, day_first: bool | None) -> datetime:
    match = NUMERIC_DATE.fullmatch(text)
    if match is None:
        raise _Bad(C.bad_date)
    first, separator, second, year_text, hour, minute, seconds, half = match.groups()
    a, b = int(first), int(second)
    if separator == ".":  # German: always day first
        day, month = a, b
    elif a == b or a > 12 or b > 12:
        day, month = (a, b) if a > 12 or a == b else (b, a)
    elif day_first is None:
        raise _Bad(C.ambiguous_date)
    else:
        day, month = (a, b) if day_first else (b, a)
    year = int(year_text)
    if len(year_text) == 2:  # as Excel reads two-digit years
        year += 2000 if year < 30 else 1900
    hours = int(hour or 0)
    if half is not None:
        if not 1 <= hours <= 12:
            raise _Bad(C.bad_date)
        hours = hours % 12 + (12 if half in "Pp" else 0)
    try:
        return datetime(year, month, day, hours, int(minute or 0), int(seconds or 0))
    except ValueError:
        raise _Bad(C.bad_date) from None


def _read_when(text: str, ctx: _Context) -> datetime:
    """The instant a planned-visit cell names: an offset is kept as given, a time without one
    is read in the organisation time zone (see `local_to_utc`)."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        value = _numeric_date(text, ctx.day_first)
    try:
        when = local_to_utc(value, ctx.tz)
    except NonexistentLocalTime:
        raise _Bad(C.nonexistent_time, zone=ctx.tz.key) from None
    except OverflowError:
        raise _Bad(C.date_out_of_range) from None
    if not EARLIEST <= when < PLANNED_BEFORE:
        raise _Bad(C.date_out_of_range)
    return when


def _check_row(
    raw: dict[str, str], where: _Where, names: dict[str, str], ctx: _Context, out: CheckedRows
) -> dict[str, Any] | None:
    """The lead fields of one row, or None after reporting what is wrong with it."""
    values: dict[str, Any] = {}
    ok = True

    def bad(name: str, code: ImportErrorCode, **params: str | int) -> None:
        nonlocal ok
        ok = False
        out.bad(where, names[name], code, raw.get(name, ""), **params)

    for name, text in raw.items():
        if name in TEXT_FIELDS and len(text) > TEXT_FIELDS[name][0]:
            bad(name, C.too_long, max=TEXT_FIELDS[name][0])
        elif name in TEXT_FIELDS and unstorable(text):
            bad(name, C.bad_character)
        elif name in TEXT_FIELDS:
            values[name] = text
    if "company" in values and not values["company"]:
        bad("company", C.required)
    if "external_ref" in values:
        values["external_ref"] = values["external_ref"] or None
    rep = raw.get("rep", "").lower()
    if "rep" in raw:
        rep_id = ctx.reps.get(rep)
        if rep_id is None:
            bad("rep", C.unknown_rep if rep else C.required)
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
                    bad("campaign", C.ambiguous_campaign if found else C.unknown_campaign)
    if "priority" in raw:
        text = raw["priority"] or "2"
        if text in ("1", "2", "3"):
            values["priority"] = int(text)
        else:
            bad("priority", C.bad_priority)
    if "planned_visit_at" in raw:
        text = raw["planned_visit_at"]
        values["planned_visit_at"] = None
        if text:
            try:
                values["planned_visit_at"] = _read_when(text, ctx)
            except _Bad as problem:
                bad("planned_visit_at", problem.code, **problem.params)
    return values if ok else None


def _filled(record: list[str]) -> bool:
    return any(cell.strip() for cell in record)


def read_rows(text: str, delimiter: str, ctx: _Context, out: CheckedRows) -> list[str]:
    """Check every row; returns the ignored (unknown) column names.

    Rows are numbered by records, as a spreadsheet shows them: a quoted cell with line breaks
    is one row, a blank line is a blank row."""
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    first = next((index for index, record in enumerate(records) if _filled(record)), None)
    if first is None:
        out.bad(_Where(1), "", C.empty_file)
        return []
    header = records[first]
    out.header_row = first + 1
    where_header = _Where(out.header_row)
    columns: list[tuple[int, str]] = []  # (index, field)
    names: dict[str, str] = {}
    ignored: list[str] = []
    for index, title in enumerate(header):
        name = ALIASES.get(norm_header(title))
        if name is None:
            if title.strip():
                ignored.append(title.strip())
        elif name in names:
            out.bad(where_header, title.strip(), C.duplicate_column, other_column=names[name])
        else:
            names[name] = title.strip()
            columns.append((index, name))
    for required in REQUIRED:
        if required not in names:
            out.bad(where_header, required, C.missing_column)
    if out.problems:
        return ignored
    body = list(enumerate(records[first + 1 :], start=out.header_row + 1))
    visit = next((index for index, name in columns if name == "planned_visit_at"), None)
    if visit is not None:
        ctx.day_first = _day_first([r[visit].strip() for _, r in body if visit < len(r)])
    refs: dict[str, int] = {}
    for number, record in body:
        if not _filled(record):
            continue
        out.row_count += 1
        raw = {name: (record[i].strip() if i < len(record) else "") for i, name in columns}
        where = _Where(number, raw.get("company", ""), raw.get("external_ref", ""))
        if len(record) > len(header) and _filled(record[len(header) :]):
            out.bad(where, "", C.too_many_fields, fields=len(record), header_fields=len(header))
            continue
        values = _check_row(raw, where, names, ctx, out)
        if values is None:
            continue
        ref = values.get("external_ref")
        if ref is not None:
            if ref in refs:
                out.bad(where, names["external_ref"], C.duplicate_ref, ref, first_row=refs[ref])
                continue
            refs[ref] = number
        out.rows.append(_Row(number, values))
    return ignored
