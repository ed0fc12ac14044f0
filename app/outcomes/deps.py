from typing import Annotated

from fastapi import Depends

from app.core import errors
from app.core.db import SessionDep
from app.outcomes.models import OutcomeCode


def existing_code(code: str, session: SessionDep) -> OutcomeCode:
    found = session.get(OutcomeCode, code)
    if found is None:
        raise errors.NotFound("Outcome code not found", code="not_found")
    return found


ExistingCode = Annotated[OutcomeCode, Depends(existing_code)]
