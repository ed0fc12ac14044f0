from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlmodel import col, select

from app.auth.deps import AdminUser, signed_in_rep
from app.auth.models import User
from app.core.answers import refusals
from app.core.db import SessionDep
from app.core.deps import SettingsDep
from app.core.observability import SYNC_MUTATIONS, SYNC_PULLS
from app.core.turns import one_hand_off, serial_writes, sheddable
from app.sync import ledger
from app.sync import pull as pull_service
from app.sync import push as push_service
from app.sync.models import SyncDevice
from app.sync.schemas import DevicePublic, PullResponse, PushRequest, PushResponse

router = APIRouter(prefix="/sync", tags=["sync"])


# A phone's pulls and pushes are most of the requests: each signs its rep in on the thread
# that runs it (app/core/turns.py, `one_hand_off`).
@router.get("/pull", responses=refusals(401, 403))
@sheddable  # a phone told to come back pulls again after Retry-After
@one_hand_off
def pull(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> PullResponse:
    """What changed for this rep since `cursor` (all, without one); see app/sync/README.md."""
    rep = signed_in_rep(request, session, settings)
    SYNC_PULLS.inc()
    return pull_service.pull(session, rep=rep, cursor=cursor, limit=limit, zone=settings.zone)


@router.post("/push", responses=refusals(401, 403))
@serial_writes  # a worker's pushes take turns and share commits (app/core/turns.py)
def push(
    body: PushRequest, request: Request, session: SessionDep, settings: SettingsDep
) -> PushResponse:
    """Apply a batch of mutations, each exactly once; one result per mutation, in order."""
    rep = signed_in_rep(request, session, settings)
    answer = push_service.push(
        session,
        rep_id=rep.id,
        device_id=body.device_id,
        mutations=body.mutations,
        zone=settings.zone,
    )
    for result in answer.results:  # counted before the commit: a rolled-back batch is retried
        SYNC_MUTATIONS.labels(result.status.value).inc()
    return answer


@router.get("/devices")
def devices(session: SessionDep, _: AdminUser) -> list[DevicePublic]:
    """Every device that pushed, with the mutation sequence numbers that never arrived."""
    rows = session.exec(
        select(SyncDevice, User)
        .join(User, col(User.id) == SyncDevice.rep_id)
        .order_by(col(SyncDevice.last_seen_at).desc())
    )
    out = []
    for device, rep in rows:
        gaps = ledger.gaps_of(device)
        out.append(
            DevicePublic(
                device_id=device.device_id,
                contiguous_through=device.contiguous_through,
                max_seq=device.max_seq,
                gaps=gaps,
                rep_id=rep.id,
                rep_name=rep.name,
                missing=sum(b - a + 1 for a, b in gaps),
                first_seen_at=device.first_seen_at,
                last_seen_at=device.last_seen_at,
            )
        )
    return out
