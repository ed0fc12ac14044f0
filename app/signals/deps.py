import uuid
from typing import Annotated

from fastapi import Depends

from app.auth.deps import MarketingUser
from app.core import errors
from app.core.db import SessionDep
from app.signals.models import Signal


def signal_for_marketing(signal_id: uuid.UUID, session: SessionDep, _: MarketingUser) -> Signal:
    found = session.get(Signal, signal_id)
    if found is None:
        raise errors.NotFound("Signal not found", code="not_found")
    return found


SignalForMarketing = Annotated[Signal, Depends(signal_for_marketing)]
