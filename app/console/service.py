"""Read-only helpers the console needs beside the content API: reps to assign, filter values."""

from typing import Any

from sqlmodel import Session, col, select

from app.auth.models import Role, User
from app.console.schemas import Facets, RepChoice
from app.leads.models import Lead


def list_reps(session: Session) -> list[RepChoice]:
    rows = session.exec(select(User).where(User.role == Role.rep).order_by(col(User.name)))
    return [
        RepChoice(
            id=u.id,
            name=u.name,
            email=u.email,
            region=u.region,
            team=u.team,
            is_active=u.is_active,
        )
        for u in rows
    ]


def _distinct(session: Session, column: Any) -> set[str]:
    return {str(v) for v in session.exec(select(column).distinct()) if v}


def facets(session: Session) -> Facets:
    regions = _distinct(session, col(Lead.region)) | _distinct(session, col(User.region))
    return Facets(
        regions=sorted(regions),
        segments=sorted(_distinct(session, col(Lead.segment))),
        teams=sorted(_distinct(session, col(User.team))),
    )
