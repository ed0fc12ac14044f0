"""A period against the previous one of the same length: each share's change with its 95 %
interval (Newcombe's hybrid score for a difference of two proportions, `stats.py`) and the same
verdicts as a collateral lift. A change is coloured only when its interval excludes zero, and
below the minimum sample on either side it is "not enough visits yet".

The two periods hold different visits (and often different leads, reps and seasons): a change
says the share moved, not why.
"""

from collections import Counter
from dataclasses import replace
from datetime import timedelta

from sqlmodel import Session

from app.core.stats import lift_verdict
from app.insights.schemas import Filters
from app.insights.service import Lang, code_labels, public_filters, summary_tallies
from app.insights.visit_schemas import Metric, PeriodComparison, PeriodTotals, RateChange
from app.outcomes.models import FOLLOW_UP, WON


def previous_period(filters: Filters) -> Filters:
    """The same filters over the days just before: as many days, ending the day before."""
    days = (filters.end - filters.start).days + 1
    end = filters.start - timedelta(days=1)
    return replace(filters, start=end - timedelta(days=days - 1), end=end)


def _codes(session: Session, filters: Filters) -> tuple[Counter[str], int]:
    tallies, _ = summary_tallies(session, filters)
    codes: Counter[str] = Counter()
    for (_, code), n in tallies.codes.items():
        codes[code] += n
    return codes, tallies.unique_leads


def rate_change(
    metric: Metric, code: str, label: str, k1: int, n1: int, k2: int, n2: int
) -> RateChange:
    """The change from k2 of n2 (previous) to k1 of n1 (current)."""
    interval, verdict = lift_verdict(k1, n1, k2, n2)
    current = k1 / n1 if n1 else None
    previous = k2 / n2 if n2 else None
    return RateChange(
        metric=metric,
        code=code,
        label=label,
        current=current,
        current_k=k1,
        current_n=n1,
        previous=previous,
        previous_k=k2,
        previous_n=n2,
        delta=None if current is None or previous is None else current - previous,
        delta_low=interval.low if interval else None,
        delta_high=interval.high if interval else None,
        verdict=verdict,
    )


def compare(session: Session, filters: Filters, *, lang: Lang = "en") -> PeriodComparison:
    before = previous_period(filters)
    now, now_leads = _codes(session, filters)
    then, then_leads = _codes(session, before)
    n1, n2 = sum(now.values()), sum(then.values())
    labels = code_labels(session, lang)
    rates = [
        rate_change("conversion", WON, labels.get(WON, WON), now[WON], n1, then[WON], n2),
        rate_change(
            "follow_up_rate",
            FOLLOW_UP,
            labels.get(FOLLOW_UP, FOLLOW_UP),
            now[FOLLOW_UP],
            n1,
            then[FOLLOW_UP],
            n2,
        ),
    ]
    seen = [c for c in labels if now[c] or then[c]]
    seen += sorted(c for c in (now | then) if c not in labels)
    rates += [rate_change("code_share", c, labels.get(c, c), now[c], n1, then[c], n2) for c in seen]
    return PeriodComparison(
        filters=public_filters(filters),
        current=PeriodTotals(
            first_day=filters.start, last_day=filters.end, visits=n1, unique_leads=now_leads
        ),
        previous=PeriodTotals(
            first_day=before.start, last_day=before.end, visits=n2, unique_leads=then_leads
        ),
        rates=rates,
    )
