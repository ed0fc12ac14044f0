"""The visits behind a dashboard figure (the drill-down), and the rows a lead's history shows.

A figure is the dashboard filters (`Filters`) plus what names the figure: an outcome code
(a slice of the outcome mix, conversion = `won`), a detail chip (a top objection), a collateral
item shown at the visit. The same `Figure` narrows the CSV and Excel exports, so an export of a
drill-down holds exactly the visits on screen.
"""

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query
from sqlalchemy import Select, and_, exists, func, literal, or_, select
from sqlmodel import Session, col

from app.auth.models import User
from app.campaigns.models import Campaign
from app.collateral.models import Collateral
from app.core import errors
from app.core.db import SessionDep, table_of
from app.insights.schemas import Filters
from app.insights.service import Lang, code_labels, public_filters
from app.insights.tallies import raw_scope
from app.insights.visit_schemas import CollateralShown, FigurePublic, VisitPage, VisitRow
from app.leads.models import Lead
from app.outcomes.models import Outcome, OutcomeCode, OutcomeCollateralView


@dataclass(frozen=True)
class Figure:
    code: str | None = None
    chip: str | None = None
    collateral_id: uuid.UUID | None = None
    without_collateral_id: uuid.UUID | None = None
    no_campaign: bool = False

    def public(self) -> FigurePublic:
        return FigurePublic(
            code=self.code,
            chip=self.chip,
            collateral_id=self.collateral_id,
            without_collateral_id=self.without_collateral_id,
            no_campaign=self.no_campaign,
        )


def figure_filters(
    session: SessionDep,
    code: Annotated[
        str | None,
        Query(min_length=1, max_length=40, description="Only visits with this outcome code"),
    ] = None,
    chip: Annotated[
        str | None,
        Query(min_length=1, max_length=100, description="Only visits with this detail chip"),
    ] = None,
    collateral_id: Annotated[
        uuid.UUID | None, Query(description="Only visits where this collateral was shown")
    ] = None,
    without_collateral_id: Annotated[
        uuid.UUID | None,
        Query(
            description="Only visits where this collateral was not shown, in the campaigns "
            "where it was shown in the filtered period (the other side of its lift)"
        ),
    ] = None,
    no_campaign: Annotated[bool, Query(description="Only visits outside any campaign")] = False,
) -> Figure:
    """What names one dashboard figure; an unknown outcome code is refused, not answered
    with an empty list that would look like "no visits"."""
    if code is not None and session.get(OutcomeCode, code) is None:
        raise errors.BadRequest(f"code: no outcome code {code!r}", code="unknown_outcome_code")
    return Figure(code, chip, collateral_id, without_collateral_id, no_campaign)


FigureFilters = Annotated[Figure, Depends(figure_filters)]


def has_chip(dialect: str, chip: str) -> Any:
    """The outcome's detail chips (a JSON array) hold `chip`."""
    details = table_of(Outcome).c.details
    if dialect == "postgresql":
        items = func.json_array_elements_text(details).table_valued("value")
    else:
        items = func.json_each(details).table_valued("value")
    return exists(select(literal(1)).select_from(items).where(items.c.value == chip))


def figure_scope(query: Select[Any], figure: Figure, dialect: str, filters: Filters) -> Select[Any]:
    """Narrow a query over `outcome` (already scoped to the filters) to the figure."""
    o = table_of(Outcome).c
    if figure.no_campaign:
        query = query.where(o.campaign_id.is_(None))
    if figure.without_collateral_id is not None:
        query = query.where(*_not_shown_beside(figure.without_collateral_id, filters))
    if figure.code is not None:
        query = query.where(o.code == figure.code)
    if figure.chip is not None:
        query = query.where(has_chip(dialect, figure.chip))
    if figure.collateral_id is not None:
        # The item's views first (indexed by item), then their outcomes by key: far fewer
        # than the visits in the period.
        query = query.where(o.id.in_(_shown(figure.collateral_id)))
    return query


def _shown(collateral_id: uuid.UUID) -> Select[Any]:
    v = table_of(OutcomeCollateralView).c
    return select(v.outcome_id).where(v.collateral_id == collateral_id)


def _not_shown_beside(collateral_id: uuid.UUID, filters: Filters) -> list[Any]:
    """The lift's other side, as the collateral figures count it: visits without the item in
    the campaigns (or outside any) where it was shown under the same filters."""
    o = table_of(Outcome).c
    other = table_of(Outcome).alias("shown_outcome")
    campaigns = raw_scope(
        select(other.c.campaign_id).where(other.c.id.in_(_shown(collateral_id))),
        filters,
        outcome=other,
    )
    in_campaigns = campaigns.where(other.c.campaign_id.is_not(None))
    outside = campaigns.where(other.c.campaign_id.is_(None)).exists()
    same_campaign = or_(o.campaign_id.in_(in_campaigns), and_(o.campaign_id.is_(None), outside))
    return [o.id.not_in(_shown(collateral_id)), same_campaign]


def visit_page(
    session: Session,
    filters: Filters,
    figure: Figure,
    *,
    lang: Lang,
    limit: int,
    offset: int,
) -> VisitPage:
    dialect = session.get_bind().dialect.name
    o = table_of(Outcome).c
    ids = figure_scope(raw_scope(select(o.id), filters), figure, dialect, filters)
    total = session.execute(select(func.count()).select_from(ids.subquery())).scalar_one()
    page = ids.order_by(o.occurred_at.desc(), o.id.desc()).limit(limit).offset(offset)
    chosen = [row[0] for row in session.execute(page)]
    return VisitPage(
        filters=public_filters(filters),
        figure=figure.public(),
        items=visit_rows(session, chosen, lang=lang),
        total=int(total),
        limit=limit,
        offset=offset,
    )


def visit_rows(session: Session, outcome_ids: list[uuid.UUID], *, lang: Lang) -> list[VisitRow]:
    """The visits with these ids, newest first, with who, whom and what was shown."""
    if not outcome_ids:
        return []
    query = (
        select(Outcome, col(User.name), col(Lead.company), col(Campaign.name))
        .join(User, col(User.id) == col(Outcome.rep_id))
        .outerjoin(Lead, col(Lead.id) == col(Outcome.lead_id))
        .outerjoin(Campaign, col(Campaign.id) == col(Outcome.campaign_id))
        .where(col(Outcome.id).in_(outcome_ids))
        .order_by(col(Outcome.occurred_at).desc(), col(Outcome.id).desc())
    )
    shown = _collateral_shown(session, outcome_ids)
    labels = code_labels(session, lang)
    return [
        VisitRow(
            outcome_id=outcome.id,
            occurred_at=outcome.occurred_at,
            code=outcome.code,
            label=labels.get(outcome.code, outcome.code),
            rep_id=outcome.rep_id,
            rep_name=rep or "",
            lead_id=outcome.lead_id,
            lead_name=company or "",
            campaign_id=outcome.campaign_id,
            campaign_name=campaign or "",
            chips=list(dict.fromkeys(outcome.details or [])),
            note=outcome.note,
            collateral=shown.get(outcome.id, []),
        )
        for outcome, rep, company, campaign in session.execute(query).tuples()
    ]


def _collateral_shown(
    session: Session, outcome_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[CollateralShown]]:
    query = (
        select(OutcomeCollateralView, col(Collateral.title))
        .outerjoin(Collateral, col(Collateral.id) == col(OutcomeCollateralView.collateral_id))
        .where(col(OutcomeCollateralView.outcome_id).in_(outcome_ids))
        .order_by(col(Collateral.title), col(OutcomeCollateralView.collateral_id))
    )
    shown: dict[uuid.UUID, list[CollateralShown]] = {}
    for view, title in session.execute(query).tuples():
        shown.setdefault(view.outcome_id, []).append(
            CollateralShown(
                collateral_id=view.collateral_id,
                title=title or "",
                seconds=view.seconds,
                pages=sorted({p for p in view.pages or [] if isinstance(p, int)}),
            )
        )
    return shown
