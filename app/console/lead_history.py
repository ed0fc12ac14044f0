"""A lead's history for the console: every visit (who, when, outcome, chips, note, collateral
shown with seconds and pages), the signals reps sent about it, and the collateral it was shown.
Composed here, above leads, insights and signals; served at the leads' path for marketing and
admins (`lead_for_marketing`, the leads' one authorization check)."""

import uuid
from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, col, select

from app.insights.service import Lang
from app.insights.visit_schemas import VisitRow
from app.insights.visits import visit_rows
from app.leads.models import Lead
from app.outcomes.models import Outcome
from app.signals.models import Signal
from app.signals.schemas import SignalPublic
from app.signals.service import describe

MAX_VISITS = 1000  # newest first; far more than one lead is ever visited


class LeadCollateral(BaseModel):
    """One item across the lead's visits."""

    collateral_id: uuid.UUID
    title: str
    visits: int  # visits at which it was shown
    seconds: int  # viewing time summed over those visits
    pages: list[int]  # every PDF page shown at least once
    last_shown_at: datetime


class LeadHistory(BaseModel):
    lead_id: uuid.UUID
    company: str
    visits: list[VisitRow]  # non-retracted, newest first
    visits_total: int
    signals: list[SignalPublic]  # newest first
    collateral: list[LeadCollateral]  # most shown first


def history(session: Session, lead: Lead, *, lang: Lang) -> LeadHistory:
    ids = list(
        session.scalars(
            select(col(Outcome.id))
            .where(col(Outcome.lead_id) == lead.id, col(Outcome.retracted_at).is_(None))
            .order_by(col(Outcome.occurred_at).desc(), col(Outcome.id).desc())
        )
    )
    visits = visit_rows(session, ids[:MAX_VISITS], lang=lang)
    signals = session.scalars(
        select(Signal)
        .where(col(Signal.lead_id) == lead.id)
        .order_by(col(Signal.occurred_at).desc(), col(Signal.id))
    ).all()
    return LeadHistory(
        lead_id=lead.id,
        company=lead.company,
        visits=visits,
        visits_total=len(ids),
        signals=describe(session, list(signals)),
        collateral=_collateral(visits),
    )


def _collateral(visits: list[VisitRow]) -> list[LeadCollateral]:
    items: dict[uuid.UUID, LeadCollateral] = {}
    for visit in visits:
        for shown in visit.collateral:
            item = items.get(shown.collateral_id)
            if item is None:
                items[shown.collateral_id] = LeadCollateral(
                    collateral_id=shown.collateral_id,
                    title=shown.title,
                    visits=1,
                    seconds=shown.seconds,
                    pages=shown.pages,
                    last_shown_at=visit.occurred_at,
                )
                continue
            item.visits += 1
            item.seconds += shown.seconds
            item.pages = sorted(set(item.pages) | set(shown.pages))
            item.last_shown_at = max(item.last_shown_at, visit.occurred_at)
    return sorted(items.values(), key=lambda i: (-i.visits, i.title, str(i.collateral_id)))
