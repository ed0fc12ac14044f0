"""Insights for marketing and admins: JSON for the dashboard and BI tools, CSV for Excel."""

import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from app.auth.deps import MarketingUser
from app.core import errors
from app.core.db import SessionDep
from app.core.inputs import SaneDay
from app.core.time import utcnow
from app.insights import export, service
from app.insights.roller import caught_up
from app.insights.schemas import CollateralInsights, Filters, Summary

router = APIRouter(prefix="/insights", tags=["insights"])

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


@router.get("/collateral")
def collateral(filters: InsightFilters, session: SessionDep) -> CollateralInsights:
    """Per collateral item: viewed visits, conversion with and without it (lift), median
    viewing time, pages shown, fit; and dead stock (live items nobody opened)."""
    return service.collateral(session, filters)


@router.get(
    "/outcomes.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "UTF-8 CSV with BOM"}},
)
def outcomes_csv(
    filters: InsightFilters,
    request: Request,
    lang: service.Lang = "en",
    delimiter: export.Delimiter = "comma",
) -> StreamingResponse:
    """Every non-retracted outcome in the filter, streamed (German Excel: `delimiter=semicolon`,
    `lang=de`)."""
    name = f"outcomes_{filters.start.isoformat()}_{filters.end.isoformat()}.csv"
    return StreamingResponse(
        export.outcome_rows(request.app.state.read_engine, filters, lang=lang, delimiter=delimiter),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
