"""The visit calendar: a rep's planned visits as an RFC 5545 feed their calendar app subscribes to.

The feed URL carries a random token (the only way calendar apps can authenticate); only its
SHA-256 is stored. Each planned visit is one event whose UID is the lead's, so a moved visit
moves in the calendar at its next refresh instead of appearing twice.
"""

import uuid
from datetime import datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import Engine, delete, update
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from app.auth.models import User
from app.calendar.models import CalendarFeed
from app.core.observability import log
from app.core.security import hash_token, new_token
from app.core.time import as_utc, utcnow
from app.leads.models import Lead

VISIT_LENGTH = timedelta(minutes=45)
# What a feed holds: recent visits (so "what did I do last week" still works) and the year ahead.
LOOK_BACK = timedelta(days=30)
LOOK_AHEAD = timedelta(days=366)
MAX_EVENTS = 2000
# Asks calendar apps that honour it to refresh hourly (their default can be a day).
REFRESH = "PT1H"


def feed_of(session: Session, rep_id: uuid.UUID) -> CalendarFeed | None:
    return session.get(CalendarFeed, rep_id)


def new_feed(session: Session, rep_id: uuid.UUID) -> tuple[CalendarFeed, str]:
    """A new feed token for the rep; the previous URL stops working at once."""
    token = new_token()
    session.execute(delete(CalendarFeed).where(col(CalendarFeed.rep_id) == rep_id))
    feed = CalendarFeed(rep_id=rep_id, token_hash=hash_token(token))
    session.add(feed)
    session.commit()
    session.refresh(feed)
    return feed, token


def end_feed(session: Session, rep_id: uuid.UUID) -> None:
    session.execute(delete(CalendarFeed).where(col(CalendarFeed.rep_id) == rep_id))
    session.commit()


def rep_of_token(session: Session, token: str) -> User | None:
    """The active rep whose feed this token opens, or None (unknown, replaced, deactivated)."""
    return session.exec(
        select(User)
        .join(CalendarFeed, col(CalendarFeed.rep_id) == col(User.id))
        .where(CalendarFeed.token_hash == hash_token(token), col(User.is_active))
    ).first()


def note_read(engine: Engine, rep_id: uuid.UUID) -> None:
    """When a calendar app last read the feed, for the rep's Settings. Its own short write (the
    feed's GET reads in a deferred transaction that must not turn into a writer), and only a
    nicety: a busy database skips it rather than failing the feed."""
    try:
        with Session(engine) as session:
            session.execute(
                update(CalendarFeed)
                .where(col(CalendarFeed.rep_id) == rep_id)
                .values(last_read_at=utcnow())
            )
            session.commit()
    except OperationalError:
        log.info("calendar feed: last read time not noted (database busy)")


def planned_visits(session: Session, rep_id: uuid.UUID, now: datetime) -> list[Lead]:
    planned = col(Lead.planned_visit_at)
    return list(
        session.exec(
            select(Lead)
            .where(Lead.rep_id == rep_id, planned >= now - LOOK_BACK, planned <= now + LOOK_AHEAD)
            .order_by(planned, col(Lead.id))
            .limit(MAX_EVENTS)
        )
    )


def calendar_of(rep: User, leads: list[Lead], base_url: str, now: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Strang//Visit calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Strang: {rep.name}")
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    for lead in leads:
        calendar.add_component(_visit(lead, base_url.rstrip("/"), now))
    return calendar.to_ical()


def _visit(lead: Lead, base_url: str, now: datetime) -> Event:
    assert lead.planned_visit_at is not None
    brief = f"{base_url}/lead/{lead.id}"
    event = Event()
    event.add("uid", f"visit-{lead.id}@strang")
    event.add("dtstamp", now)
    event.add("last-modified", as_utc(lead.updated_at))
    event.add("dtstart", as_utc(lead.planned_visit_at))
    event.add("duration", VISIT_LENGTH)
    event.add("summary", lead.company)
    address = ", ".join(
        part for part in (lead.street, f"{lead.postal_code} {lead.city}".strip()) if part
    )
    if address:
        event.add("location", address)
    lines = [line for line in (lead.contact_name, lead.phone, brief) if line]
    event.add("description", "\n".join(lines))
    event.add("url", brief)
    event.add("transp", "OPAQUE")
    return event
