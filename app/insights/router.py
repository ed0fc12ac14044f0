"""Insights for marketing and admins: JSON for the dashboard and BI tools, CSV and Excel
exports."""

import contextlib
import shutil
import tempfile
import time
import uuid
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, StreamingResponse
from starlette.background import BackgroundTask

from app.audit import log as audit
from app.audit.log import AuditAction, address_of
from app.auth.deps import MarketingUser
from app.auth.models import User
from app.collateral.deps import MarketingCollateral, StorageDep
from app.core import errors
from app.core.answers import refusals
from app.core.db import SessionDep
from app.core.deps import SettingsDep
from app.core.inputs import Offset, SaneDay
from app.core.time import utcnow
from app.insights import counters, engagement, export, service
from app.insights.compare import compare as period_compare
from app.insights.counter_schemas import CounterInsights
from app.insights.engagement import CollateralEngagement
from app.insights.roller import caught_up
from app.insights.schemas import CollateralInsights, Filters, Summary
from app.insights.visit_schemas import PeriodComparison, VisitPage
from app.insights.visits import FigureFilters, visit_page

router = APIRouter(prefix="/insights", tags=["insights"], responses=refusals(400))

MAX_DAYS = 3660
Text = Annotated[str | None, Query(min_length=1, max_length=100)]


def insight_filters(
    _: MarketingUser,
    __: Annotated[None, Depends(caught_up)],
    from_: Annotated[
        SaneDay | None, Query(alias="from", description="First UTC day (default: to - 364 days)")
    ] = None,
    to: Annotated[
        SaneDay | None, Query(description="Last UTC day, inclusive (default: today)")
    ] = None,
    campaign_id: uuid.UUID | None = None,
    region: Text = None,
    segment: Text = None,
    team: Text = None,
    rep_id: uuid.UUID | None = None,
) -> Filters:
    """The filters every insights endpoint takes; marketing and admins only. The backlog is
    rolled up first, so every answer includes what was committed before it."""
    end = to or utcnow().date()
    start = from_ or end - timedelta(days=364)
    if start > end:
        raise errors.BadRequest("from: must not be after to")
    if (end - start).days >= MAX_DAYS:
        raise errors.BadRequest(f"from: the period may span at most {MAX_DAYS} days")
    return Filters(
        start=start,
        end=end,
        campaign_id=campaign_id,
        region=region,
        segment=segment,
        team=team,
        rep_id=rep_id,
    )


InsightFilters = Annotated[Filters, Depends(insight_filters)]


@router.get("/summary")
def summary(filters: InsightFilters, session: SessionDep, lang: service.Lang = "en") -> Summary:
    """Visits, unique leads, coverage, conversion, the outcome mix, the weekly trend, per
    campaign figures and the top objections, for the filtered period."""
    return service.summary(session, filters, lang=lang)


@router.get("/compare")
def compare(
    filters: InsightFilters, session: SessionDep, lang: service.Lang = "en"
) -> PeriodComparison:
    """The period against the previous one of the same length (same filters): visits, and
    conversion, follow-up rate and each code's share with the change's 95 % interval
    (Newcombe) and verdict; `too_few` below 10 visits in either period."""
    return period_compare(session, filters, lang=lang)


@router.get("/visits")
def visits(
    filters: InsightFilters,
    figure: FigureFilters,
    session: SessionDep,
    lang: service.Lang = "en",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Offset = 0,
) -> VisitPage:
    """The visits behind a figure, newest first: the filters plus `code` (an outcome code,
    e.g. `won` for conversion), `chip` (a detail chip) and `collateral_id` (shown at the
    visit). The exports take the same parameters."""
    return visit_page(session, filters, figure, lang=lang, limit=limit, offset=offset)


@router.get("/counters")
def counter_collateral(filters: InsightFilters, session: SessionDep) -> CounterInsights:
    """Per item answering objections (detail chips): how the lead's next visit after such an
    objection went with the item shown there and without it; won shares with their n, the
    difference with its 95 % interval (Newcombe) and verdict, `too_few` below 10 a side."""
    return counters.counters(session, filters)


@router.get("/collateral")
def collateral(filters: InsightFilters, session: SessionDep) -> CollateralInsights:
    """Per collateral item: viewed visits, conversion with and without it (lift), median
    viewing time, pages shown, fit; and dead stock (live items nobody opened)."""
    return service.collateral(session, filters)


@router.get("/collateral/{collateral_id}/engagement")
def collateral_engagement(
    item: MarketingCollateral,
    filters: InsightFilters,
    session: SessionDep,
    lang: service.Lang = "en",
) -> CollateralEngagement:
    """One item in the filtered visits: in how many it was shown, viewing time (median and
    histogram), how often each page was shown, the reps' thumbs, and the outcome split of
    those visits with 95 % Wilson intervals. 404 for an unknown item."""
    return engagement.engagement(session, filters, item, lang=lang)


@router.get(
    "/outcomes.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "UTF-8 CSV with BOM"}},
)
def outcomes_csv(
    filters: InsightFilters,
    figure: FigureFilters,
    request: Request,
    user: MarketingUser,
    settings: SettingsDep,
    lang: service.Lang = "en",
    delimiter: Annotated[
        export.Delimiter | None,
        Query(description="Default: `semicolon` with `lang=de` (German Excel), else `comma`"),
    ] = None,
) -> StreamingResponse:
    """Every non-retracted outcome in the filter (narrowed like `visits` by `code`, `chip`,
    `collateral_id`), streamed: local date and time in the
    organisation time zone, the instant in UTC (ISO 8601), labels in `lang`."""
    _audit_export(request, user, "csv", filters)
    rows = export.outcome_rows(
        request.app.state.read_engine,
        filters,
        lang=lang,
        delimiter=delimiter,
        zone=settings.zone,
        figure=figure,
    )
    return StreamingResponse(
        rows,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{_file_name(filters, "csv")}"'},
    )


@router.get(
    "/outcomes.xlsx",
    response_class=FileResponse,
    responses={200: {"content": {export.XLSX_TYPE: {}}, "description": "Excel workbook"}},
)
def outcomes_xlsx(
    filters: InsightFilters,
    figure: FigureFilters,
    request: Request,
    user: MarketingUser,
    settings: SettingsDep,
    storage: StorageDep,
    lang: service.Lang = "en",
) -> FileResponse:
    """The same rows as `outcomes.csv` in an Excel workbook: date and time cells in the
    organisation time zone, the instant in UTC as text. Written to a temporary file in the
    data folder (memory stays flat however many rows), removed once sent."""
    _audit_export(request, user, "xlsx", filters)
    folder = _export_folder(storage.temp_dir())
    target = folder / "outcomes.xlsx"
    try:
        export.write_workbook(
            request.app.state.read_engine,
            filters,
            target,
            lang=lang,
            zone=settings.zone,
            figure=figure,
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return FileResponse(
        target,
        media_type=export.XLSX_TYPE,
        filename=_file_name(filters, "xlsx"),
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )


def _audit_export(request: Request, user: User, form: str, filters: Filters) -> None:
    chosen = {name: str(value) for name, value in asdict(filters).items() if value is not None}
    details = {"format": form, **chosen}
    audit.record_apart(
        request.app.state.engine,
        AuditAction.outcomes_exported,
        actor=user,
        address=address_of(request),
        details=details,
    )


def _export_folder(parent: Path) -> Path:
    """A fresh folder for one workbook. Folders of exports whose client went away before the
    end (the clean-up after sending does not run then) are removed a day later."""
    for left in parent.glob("export-*"):
        with contextlib.suppress(FileNotFoundError):  # another request's clean-up was quicker
            if left.stat().st_mtime < time.time() - 86_400:
                shutil.rmtree(left, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix="export-", dir=parent))


def _file_name(filters: Filters, extension: str) -> str:
    return f"outcomes_{filters.start.isoformat()}_{filters.end.isoformat()}.{extension}"
