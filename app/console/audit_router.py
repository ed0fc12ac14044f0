"""The audit log for admins (its writing side is app/audit): newest first, filtered by action,
actor and time, and as CSV."""

import csv
import io
import json
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from app.audit.log import AuditAction
from app.audit.models import AuditEvent
from app.audit.schemas import AuditEventPublic, AuditPage
from app.auth.deps import AdminUser
from app.core.db import SessionDep
from app.core.inputs import PlannedInstant
from app.core.spreadsheet import BOM, safe_cell
from app.core.time import as_utc

router = APIRouter(prefix="/audit", tags=["audit"])
CSV_COLUMNS = ["at", "action", "actor_email", "target_type", "target_name", "target_id", "address"]


class AuditFilters:
    def __init__(
        self,
        action: AuditAction | None = None,
        actor: Annotated[str | None, Query(max_length=320)] = None,
        # Bounds within the calendar window every stored instant lies in (2000-2099), so a
        # hostile year 9999 with an offset is refused by name instead of overflowing.
        since: PlannedInstant | None = None,
        until: PlannedInstant | None = None,
    ) -> None:
        self.action, self.actor, self.since, self.until = action, actor, since, until

    def where(self) -> list[Any]:
        clauses: list[Any] = []
        if self.action:
            clauses.append(AuditEvent.action == self.action.value)
        if self.actor:
            clauses.append(func.lower(AuditEvent.actor_email).contains(self.actor.strip().lower()))
        if self.since:
            clauses.append(col(AuditEvent.at) >= as_utc(self.since))
        if self.until:
            clauses.append(col(AuditEvent.at) < as_utc(self.until))
        return clauses


Filters = Annotated[AuditFilters, Depends()]


@router.get("")
def audit_log(
    _: AdminUser,
    filters: Filters,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> AuditPage:
    """Security-relevant and marketing actions, newest first."""
    where = filters.where()
    total = session.exec(select(func.count()).select_from(AuditEvent).where(*where)).one()
    rows = session.exec(
        select(AuditEvent)
        .where(*where)
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id))
        .limit(limit)
        .offset(offset)
    )
    return AuditPage(events=[AuditEventPublic.model_validate(r) for r in rows], total=total)


@router.get(
    "/events.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "UTF-8 CSV with BOM"}},
)
def audit_csv(_: AdminUser, filters: Filters, request: Request) -> StreamingResponse:
    """The filtered audit log as CSV (times in UTC)."""
    return StreamingResponse(
        _csv(request.app.state.read_engine, filters.where()),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="strang-audit.csv"'},
    )


def _csv(engine: Engine, where: list[Any]) -> Iterator[str]:
    with Session(engine) as session:
        yield from _csv_rows(session, where)


def _csv_rows(session: Session, where: list[Any]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow([*CSV_COLUMNS, "details"])
    query = select(AuditEvent).where(*where).order_by(col(AuditEvent.at).desc())
    for row in session.exec(query.execution_options(yield_per=1000)):
        cells = [getattr(row, name) for name in CSV_COLUMNS]
        cells[0] = as_utc(row.at).strftime("%Y-%m-%dT%H:%M:%SZ")
        details = json.dumps(row.details, ensure_ascii=False, default=str) if row.details else ""
        writer.writerow([*map(safe_cell, cells), safe_cell(details)])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()
