import uuid
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import JSONResponse
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.audit import log as audit
from app.audit.log import AuditAction, address_of
from app.auth.deps import MarketingUser
from app.auth.models import User
from app.collateral.deps import StorageDep
from app.collateral.upload import read_multipart
from app.core import errors
from app.core.answers import refusals
from app.core.db import SessionDep
from app.core.deps import SettingsDep
from app.core.inputs import Offset
from app.core.time import NonexistentLocalTime, local_to_utc
from app.leads import bulk, service
from app.leads.csv_import import import_leads
from app.leads.deps import MarketingLead
from app.leads.schemas import (
    ImportReport,
    LeadAssign,
    LeadBulk,
    LeadCreate,
    LeadPage,
    LeadPublic,
    LeadRow,
    LeadsAssigned,
    LeadsChanged,
    LeadSort,
    LeadUpdate,
)

router = APIRouter(prefix="/leads", tags=["leads"])

IMPORT_FORM_SCHEMA = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            }
        },
    }
}


@router.get("")
def list_leads(
    _: MarketingUser,
    session: SessionDep,
    campaign_id: uuid.UUID | None = None,
    rep_id: uuid.UUID | None = None,
    region: Annotated[str | None, Query(max_length=100)] = None,
    segment: Annotated[str | None, Query(max_length=100)] = None,
    q: Annotated[str | None, Query(max_length=200, description="text search")] = None,
    sort: LeadSort = LeadSort.company,
    desc: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Offset = 0,
) -> LeadPage:
    rows, total = service.list_leads(
        session,
        campaign_id=campaign_id,
        rep_id=rep_id,
        region=region,
        segment=segment,
        q=q,
        sort=sort,
        desc=desc,
        limit=limit,
        offset=offset,
    )
    items = [
        LeadRow.model_validate(
            LeadPublic.model_validate(lead).model_dump()
            | {
                "last_outcome_code": last.code if last else None,
                "last_outcome_at": last.occurred_at if last else None,
            }
        )
        for lead, last in rows
    ]
    return LeadPage(items=items, total=total, limit=limit, offset=offset)


def _visit_in_zone(values: dict[str, Any], zone: ZoneInfo) -> dict[str, Any]:
    """A planned visit without an offset is on the organisation's wall clock."""
    when = values.get("planned_visit_at")
    if when is not None:
        try:
            values["planned_visit_at"] = local_to_utc(when, zone)
        except NonexistentLocalTime as exc:
            raise errors.BadRequest(f"planned_visit_at: {exc}") from exc
        except OverflowError as exc:
            raise errors.BadRequest("planned_visit_at: outside the calendar") from exc
    return values


@router.post("", status_code=status.HTTP_201_CREATED, responses=refusals(409))
def create_lead(
    body: LeadCreate, _: MarketingUser, session: SessionDep, settings: SettingsDep
) -> LeadPublic:
    data = _visit_in_zone(body.model_dump(), settings.zone)
    return LeadPublic.model_validate(service.create_lead(session, data=data))


# A refused import answers 422 with its report (bad rows, nothing written); a malformed
# request (e.g. a bad query parameter) answers FastAPI's usual validation error.
IMPORT_REFUSED: dict[str, Any] = {
    "description": "Bad rows (nothing was written), or a malformed request",
    "content": {
        "application/json": {
            "schema": {
                "anyOf": [
                    {"$ref": "#/components/schemas/ImportReport"},
                    {"$ref": "#/components/schemas/HTTPValidationError"},
                ]
            }
        }
    },
}


@router.post(
    "/import",
    openapi_extra=IMPORT_FORM_SCHEMA,
    response_model=ImportReport,
    responses={422: IMPORT_REFUSED, **refusals(400, 413, 415)},
)
async def import_csv(
    request: Request,
    _: MarketingUser,
    storage: StorageDep,
    settings: SettingsDep,
    session: SessionDep,
    dry_run: bool = False,
    skip_invalid: bool = False,
    timezone: Annotated[
        str | None,
        Query(
            max_length=64,
            description="IANA zone for times without an offset; default: the organisation's",
        ),
    ] = None,
) -> Response:
    """Multipart `file`: a CSV (UTF-8 ± BOM or Windows-1252; `,` `;` or tab; English or German
    headers). Upserts by `external_ref`. If any row is bad nothing is written (422 with the
    report) unless `skip_invalid=true`. `dry_run=true` previews. Times without an offset are
    read in the organisation time zone (or `timezone`), named in the report's `timezone`: a time
    the clocks skip when summer time starts is a bad row, a time of the hour repeated when it
    ends is its first (summer-time) occurrence. Each problem names the spreadsheet row (header =
    row 1), its company and customer number, and a stable `code` with `params`."""
    form = await read_multipart(request, folder=storage.temp_dir(), limit=settings.max_upload_bytes)
    try:
        if form.file is None:
            raise errors.BadRequest("file: required")
        data = form.file.path.read_bytes()
    finally:
        form.discard()
    report = await run_in_threadpool(
        lambda: import_leads(
            session,
            data=data,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            timezone=timezone or settings.timezone,
        )
    )
    body = report.model_dump(mode="json")
    if report.error_count and not report.written and not dry_run:
        body["detail"] = f"{report.error_count} problems in the file; nothing was imported"
        return JSONResponse(body, status_code=422)
    return JSONResponse(body)


@router.post("/assign")
def assign_leads(
    body: LeadAssign, user: MarketingUser, request: Request, session: SessionDep
) -> LeadsAssigned:
    """Assign many leads to one rep at once: all or none, one notification for the rep."""
    moved, unchanged = service.assign_leads(session, lead_ids=body.lead_ids, rep_id=body.rep_id)
    details = {"action": "assign", "changed": moved, "unchanged": unchanged}
    _audit_bulk(session, user, request, {**details, "rep_id": str(body.rep_id)})
    return LeadsAssigned(assigned=moved, unchanged=unchanged)


@router.post("/bulk", responses=refusals(409))
def change_many_leads(
    body: LeadBulk, user: MarketingUser, request: Request, session: SessionDep
) -> LeadsChanged:
    """Assign, move or delete the listed leads, or every lead matching the list's filter,
    in one request: all or none."""
    changed = bulk.apply(session, body)
    target = {"rep_id": body.rep_id, "campaign_id": body.campaign_id}
    _audit_bulk(
        session,
        user,
        request,
        {
            **changed.model_dump(mode="json"),
            "selection": "listed" if body.lead_ids else "matching",
            **{k: str(v) for k, v in target.items() if v is not None},
        },
    )
    return changed


def _audit_bulk(session: Session, user: User, request: Request, details: dict[str, Any]) -> None:
    audit.record(
        session, AuditAction.leads_bulk, actor=user, address=address_of(request), details=details
    )


@router.get("/{lead_id}")
def get_lead(lead: MarketingLead) -> LeadPublic:
    return LeadPublic.model_validate(lead)


@router.patch("/{lead_id}", responses=refusals(409))
def update_lead(
    body: LeadUpdate, lead: MarketingLead, session: SessionDep, settings: SettingsDep
) -> LeadPublic:
    changes = _visit_in_zone(body.model_dump(exclude_unset=True), settings.zone)
    return LeadPublic.model_validate(service.update_lead(session, lead=lead, changes=changes))


@router.delete("/{lead_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_lead(lead: MarketingLead, session: SessionDep) -> None:
    service.delete_lead(session, lead=lead)
