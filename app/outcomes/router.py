from fastapi import APIRouter, status

from app.auth.deps import AdminUser, CurrentUser
from app.core.answers import refusals
from app.core.db import SessionDep
from app.outcomes import service
from app.outcomes.deps import ExistingCode
from app.outcomes.schemas import OutcomeCodeCreate, OutcomeCodePublic, OutcomeCodeUpdate

router = APIRouter(prefix="/outcome-codes", tags=["outcome-codes"])


@router.get("")
def list_codes(session: SessionDep, _: CurrentUser) -> list[OutcomeCodePublic]:
    """All outcome codes in button order, inactive ones included (flagged)."""
    return [OutcomeCodePublic.model_validate(c) for c in service.list_codes(session)]


@router.post("", status_code=status.HTTP_201_CREATED, responses=refusals(409))
def create_code(body: OutcomeCodeCreate, session: SessionDep, _: AdminUser) -> OutcomeCodePublic:
    return OutcomeCodePublic.model_validate(service.create_code(session, data=body))


@router.patch("/{code}")
def update_code(
    body: OutcomeCodeUpdate, code: ExistingCode, session: SessionDep, _: AdminUser
) -> OutcomeCodePublic:
    """Change labels, chips, order, or deactivate (`active: false`; history is kept)."""
    return OutcomeCodePublic.model_validate(service.update_code(session, code=code, data=body))
