"""API shapes of the counter-collateral insight (`GET /insights/counters`)."""

import uuid

from pydantic import BaseModel

from app.core.stats import LiftVerdict
from app.insights.schemas import FiltersPublic, Source


class CounterFigures(BaseModel):
    """One item answering objections: how the visit after an objection it answers went, with
    the item shown at that visit and without it."""

    collateral_id: uuid.UUID
    title: str
    campaign_id: uuid.UUID
    campaign_name: str
    answers: list[str]  # the detail chips it answers
    # Visits in the period logging a chip it answers (in its campaign), and how many of them
    # have no later visit to the lead yet (they count on neither side).
    objection_visits: int
    awaiting_next_visit: int
    shown_visits: int  # next visits where the item (any version of it) was shown
    shown_won: int
    won_share_shown: float | None
    not_shown_visits: int
    not_shown_won: int
    won_share_not_shown: float | None
    difference: float | None  # won_share_shown - won_share_not_shown
    # 95 % interval of the difference (Newcombe's hybrid score); None below the minimum sample.
    difference_low: float | None
    difference_high: float | None
    verdict: LiftVerdict


class CounterInsights(BaseModel):
    filters: FiltersPublic
    source: Source
    items: list[CounterFigures]
