from typing import Annotated

from fastapi import APIRouter, Query

from app.auth.deps import MarketingUser
from app.core.db import SessionDep
from app.core.inputs import Offset
from app.signals import service
from app.signals.deps import SignalForMarketing
from app.signals.models import SignalStatus
from app.signals.schemas import SignalAcknowledge, SignalPublic

router = APIRouter(prefix="/signals", tags=["signals"])


@router.get("")
def list_signals(
    session: SessionDep,
    _: MarketingUser,
    status: SignalStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Offset = 0,
) -> list[SignalPublic]:
    """The signals inbox, latest tap first; `status=open` for what still needs an answer."""
    return service.list_signals(session, status=status, limit=limit, offset=offset)


@router.post("/{signal_id}/acknowledge")
def acknowledge(
    body: SignalAcknowledge, signal: SignalForMarketing, session: SessionDep, user: MarketingUser
) -> SignalPublic:
    """Mark a signal seen, optionally with a reply the rep reads on the phone."""
    done = service.acknowledge(session, signal=signal, by=user, reply=body.reply)
    return service.describe(session, [done])[0]
