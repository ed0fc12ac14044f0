"""API shapes of the insights endpoints (they feed the console's generated types)."""

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.core.stats import LiftVerdict

Source = Literal["aggregate", "raw"]


@dataclass(frozen=True)
class Filters:
    """What every insights question is asked about; `start`..`end` inclusive, UTC days."""

    start: date
    end: date
    campaign_id: uuid.UUID | None = None
    region: str | None = None
    segment: str | None = None
    team: str | None = None
    rep_id: uuid.UUID | None = None


class FiltersPublic(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: date = Field(alias="from")
    to: date
    campaign_id: uuid.UUID | None
    region: str | None
    segment: str | None
    team: str | None
    rep_id: uuid.UUID | None


class CodeCount(BaseModel):
    code: str
    label: str
    count: int
    share: float | None  # count / visits, None without visits


class Figures(BaseModel):
    visits: int
    unique_leads: int
    leads_assigned: int
    coverage: float | None  # leads with an outcome / leads assigned
    conversion: float | None  # won / visits
    follow_up_rate: float | None  # follow_up / visits
    codes: list[CodeCount]


class CampaignFigures(Figures):
    campaign_id: uuid.UUID | None
    campaign_name: str


class TrendWeek(BaseModel):
    week: date  # Monday
    counts: dict[str, int]  # code -> visits that week (within the period)


class ChipCount(BaseModel):
    chip: str
    count: int


class Summary(BaseModel):
    filters: FiltersPublic
    source: Source
    totals: Figures
    trend: list[TrendWeek]
    campaigns: list[CampaignFigures]
    top_objections: list[ChipCount]


class PageCount(BaseModel):
    page: int
    visits: int


class CollateralFigures(BaseModel):
    collateral_id: uuid.UUID
    title: str
    kind: str
    campaign_id: uuid.UUID | None
    campaign_name: str
    is_current: bool
    viewed_visits: int
    won_viewed: int
    conversion_viewed: float | None
    # Visits of the same campaigns (those where it was viewed) without it, and their won share.
    visits_not_viewed: int
    conversion_not_viewed: float | None
    lift: float | None  # conversion_viewed - conversion_not_viewed
    # 95 % interval of the lift (Newcombe's hybrid score); None below the minimum sample.
    lift_low: float | None
    lift_high: float | None
    lift_verdict: LiftVerdict
    median_seconds: int | None  # lower bound of the bucket holding the median
    pages: list[PageCount]
    fit_up: int
    fit_down: int


class DeadStock(BaseModel):
    collateral_id: uuid.UUID
    title: str
    kind: str
    campaign_id: uuid.UUID
    campaign_name: str


class CollateralInsights(BaseModel):
    filters: FiltersPublic
    source: Source
    items: list[CollateralFigures]
    dead_stock: list[DeadStock]


# ---- what a rep's phone ranks collateral by (app/insights/ranking.py) ----


class CollateralEvidenceSync(BaseModel):
    """How visits went when an item was shown to a group of customers: the segment or region
    named by `value`, or the whole campaign (`value` ""). Only groups with enough visits."""

    collateral_id: uuid.UUID
    group: Literal["segment", "region", "campaign"]
    value: str
    shown: int
    won: int


class RankingPriorSync(BaseModel):
    """The campaign average the phone shrinks each item's won share toward, and how many
    visits' worth it weighs (app/insights/ranking.py)."""

    mean: float
    strength: float
