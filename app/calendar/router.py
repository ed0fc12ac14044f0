from fastapi import APIRouter, Request, Response, status

from app.auth.deps import RepUser
from app.calendar import service
from app.calendar.schemas import CalendarFeedLink, CalendarFeedState
from app.core import errors
from app.core.db import SessionDep
from app.core.deps import SettingsDep
from app.core.time import utcnow

router = APIRouter(prefix="/calendar", tags=["calendar"])
# The feed itself, outside the API: calendar apps fetch it with no login, by its token.
feed_router = APIRouter(include_in_schema=False)

ICS_TYPE = "text/calendar; charset=utf-8"


def feed_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/calendar/{token}.ics"


@router.get("/feed")
def feed_state(rep: RepUser, session: SessionDep) -> CalendarFeedState:
    """Whether this rep's calendar feed is on, since when, and when a calendar app last read it."""
    feed = service.feed_of(session, rep.id)
    if feed is None:
        return CalendarFeedState(active=False)
    return CalendarFeedState(
        active=True, created_at=feed.created_at, last_read_at=feed.last_read_at
    )


@router.post("/feed", status_code=status.HTTP_201_CREATED)
def new_feed(rep: RepUser, session: SessionDep, settings: SettingsDep) -> CalendarFeedLink:
    """A private feed URL of this rep's planned visits (shown once). Any earlier URL stops
    working."""
    feed, token = service.new_feed(session, rep.id)
    return CalendarFeedLink(url=feed_url(settings.base_url, token), created_at=feed.created_at)


@router.delete("/feed", status_code=status.HTTP_204_NO_CONTENT)
def end_feed(rep: RepUser, session: SessionDep) -> None:
    """Turn the feed off: its URL answers 404 from now on."""
    service.end_feed(session, rep.id)


@feed_router.api_route("/calendar/{token}.ics", methods=["GET", "HEAD"])
def calendar_feed(
    token: str, session: SessionDep, settings: SettingsDep, request: Request
) -> Response:
    rep = service.rep_of_token(session, token) if len(token) <= 64 else None
    if rep is None:
        raise errors.NotFound("No such calendar (the link was replaced or turned off)")
    service.note_read(request.app.state.engine, rep.id)
    now = utcnow()
    body = service.calendar_of(
        rep, service.planned_visits(session, rep.id, now), settings.base_url, now
    )
    return Response(
        body,
        media_type=ICS_TYPE,
        headers={
            "Cache-Control": "private, no-cache",
            "X-Robots-Tag": "noindex",
            "Referrer-Policy": "no-referrer",
            "Content-Disposition": 'inline; filename="strang-visits.ics"',
        },
    )
