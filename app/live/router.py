"""`GET /api/v1/live`: the rep's open app hears, within seconds, that something changed.

A server-sent event stream (`text/event-stream`), authenticated like every API call (the session
cookie, or a bearer token). The database session is used to authenticate and is released before
the first byte: an open stream holds no session, no connection and no thread. Events:

- `hello` once, `{"clock": N}`: connected (after a reconnect the phone pulls once);
- `change`, `{"clock": N, "scope": "rep" | "all"}`: pull now (for "all", after a short random
  pause, so a change for everyone does not bring every phone at the same instant);
- `revoke`: the session ended; the stream closes after it;
- a comment line (`: ping`) every `STRANG_LIVE_HEARTBEAT_SECONDS` (20 s), keeping proxies and
  mobile networks from closing a quiet connection.

Notices are coalesced per stream: at most one `change` per `COALESCE_SECONDS`, carrying the
newest clock value. Left out of the OpenAPI schema: a stream has no JSON answer to describe.
"""

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.auth.deps import token_from
from app.auth.models import Role
from app.auth.service import authenticate
from app.changes.log import clock_and_horizon
from app.core import errors
from app.live.broker import Broker, Stream

router = APIRouter(tags=["live"])
COALESCE_SECONDS = 0.25
RECHECK_SECONDS = 300.0  # the session is looked up again this often (e.g. revoked by the CLI)
HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


@dataclass(frozen=True)
class Caller:
    rep: str
    session: str
    clock: int


def _who(request: Request, token: str) -> Caller | None:
    """The rep behind `token` and the current clock, in one short read transaction."""
    with Session(request.app.state.read_engine) as session:
        found = authenticate(session, request.app.state.settings, token)
        if found is None:
            return None
        user, auth_session = found
        if user.role != Role.rep:
            raise errors.Forbidden("Your role may not do this")
        clock, _ = clock_and_horizon(session)
        return Caller(rep=user.id.hex, session=auth_session.id.hex, clock=clock)


@router.get("/live", include_in_schema=False)
async def live(request: Request) -> StreamingResponse:
    token, _ = token_from(request)
    if not token:
        raise errors.Unauthorized()
    caller = await run_in_threadpool(_who, request, token)
    if caller is None:
        raise errors.Unauthorized("Session expired or revoked")
    broker: Broker | None = getattr(request.app.state, "live", None)
    if broker is None:
        raise errors.ServiceUnavailable("Live updates are not running")

    async def still_valid() -> bool:
        return await run_in_threadpool(_who, request, token) is not None

    body = _events(broker, caller, request.app.state.settings.live_heartbeat_seconds, still_valid)
    return StreamingResponse(body, media_type="text/event-stream", headers=HEADERS)


def event(name: str, data: dict[str, object]) -> str:
    return f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


async def _events(
    broker: Broker, caller: Caller, heartbeat: float, still_valid: Callable[[], Awaitable[bool]]
) -> AsyncIterator[str]:
    with broker.open(caller.rep, caller.session) as stream:
        yield event("hello", {"clock": caller.clock})
        loop = asyncio.get_running_loop()
        check_at = loop.time() + RECHECK_SECONDS
        while True:
            woken = await _woken(stream, heartbeat)
            if loop.time() >= check_at:
                check_at = loop.time() + RECHECK_SECONDS
                stream.revoked = stream.revoked or not await still_valid()
            if stream.revoked:
                yield event("revoke", {})
                return
            if stream.closing:
                return
            if not woken:
                yield ": ping\n\n"
                continue
            clock, broad = stream.take()
            yield event("change", {"clock": clock, "scope": "all" if broad else "rep"})
            await asyncio.sleep(COALESCE_SECONDS)


async def _woken(stream: Stream, within: float) -> bool:
    try:
        async with asyncio.timeout(within):
            await stream.wake.wait()
    except TimeoutError:
        return False
    return True
