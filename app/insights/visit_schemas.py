"""API shapes of the drill-down (the visits behind a figure) and the period comparison."""

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel

from app.core.stats import LiftVerdict
from app.insights.schemas import FiltersPublic


class CollateralShown(BaseModel):
    collateral_id: uuid.UUID
    title: str  # "" when the item was deleted since
    seconds: int
    pages: list[int]


class VisitRow(BaseModel):
    outcome_id: uuid.UUID
    occurred_at: datetime  # UTC instant; clients show it in their viewer's zone
    code: str
    label: str
    rep_id: uuid.UUID
    rep_name: str
    lead_id: uuid.UUID
    lead_name: str  # "" when the lead was deleted since
    campaign_id: uuid.UUID | None
    campaign_name: str
    chips: list[str]
    note: str
    collateral: list[CollateralShown]


class FigurePublic(BaseModel):
    """What narrows the visits to one figure, beyond the dashboard filters."""

    code: str | None
    chip: str | None
    collateral_id: uuid.UUID | None
    without_collateral_id: uuid.UUID | None = None
    no_campaign: bool = False


class VisitPage(BaseModel):
    filters: FiltersPublic
    figure: FigurePublic
    items: list[VisitRow]  # newest first
    total: int
    limit: int
    offset: int


Metric = Literal["conversion", "follow_up_rate", "code_share"]


class RateChange(BaseModel):
    """A share in this period against the previous one: the difference with its 95 % interval
    (Newcombe's hybrid score), coloured only when the interval excludes zero."""

    metric: Metric
    code: str
    label: str
    current: float | None
    current_k: int
    current_n: int
    previous: float | None
    previous_k: int
    previous_n: int
    delta: float | None  # current - previous; None when either period has no visits
    delta_low: float | None  # None below the minimum sample
    delta_high: float | None
    verdict: LiftVerdict


class PeriodTotals(BaseModel):
    first_day: date
    last_day: date
    visits: int
    unique_leads: int


class PeriodComparison(BaseModel):
    filters: FiltersPublic
    current: PeriodTotals
    previous: PeriodTotals  # the same number of days, ending the day before `from`
    rates: list[RateChange]  # conversion, follow-up rate, then each outcome code's share
