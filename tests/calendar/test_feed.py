"""The visit calendar: a private, revocable .ics feed of a rep's planned visits, read by two
independent iCalendar parsers the way calendar apps would."""

from datetime import UTC, datetime, timedelta

import icalendar
import vobject
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.auth.models import Role
from app.calendar.models import CalendarFeed
from tests.factories import Factory

FEED = "/api/v1/calendar/feed"


def _soon(days: int, hour: int = 9) -> datetime:
    base = datetime.now(UTC).replace(hour=hour, minute=30, second=0, microsecond=0)
    return base + timedelta(days=days)


def _feed_path(client: TestClient, headers: dict[str, str]) -> str:
    response = client.post(FEED, headers=headers)
    assert response.status_code == 201, response.text
    url = response.json()["url"]
    assert url.startswith("http://") and url.endswith(".ics")
    return "/" + url.split("/", 3)[3]


def _lead(client: TestClient, marketing: dict[str, str], rep_id: object, **fields: object) -> str:
    body = {"company": "Zahnarztpraxis Dr. Müller", "rep_id": str(rep_id), **fields}
    response = client.post("/api/v1/leads", json=body, headers=marketing)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _events(text: str) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(text).walk("VEVENT"))


def test_the_feed_holds_the_reps_planned_visits_for_both_parsers(
    client: TestClient, factory: Factory
) -> None:
    rep, headers = factory.login_as(Role.rep, name="Rita Rep")
    other, _ = factory.login_as(Role.rep)
    _, marketing = factory.login_as(Role.marketing)
    when = _soon(2)
    lead_id = _lead(
        client, marketing, rep.id,
        planned_visit_at=when.isoformat(), street="Hauptstraße 1, Hinterhaus; 2. OG",
        postal_code="20095", city="Hamburg", phone="+49 40 123", contact_name="Dr. Anna Müller",
    )  # fmt: skip
    _lead(client, marketing, rep.id)  # no visit planned: not in the calendar
    _lead(client, marketing, other.id, planned_visit_at=when.isoformat())  # someone else's

    response = client.get(_feed_path(client, headers))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert response.headers["cache-control"].startswith("private")

    [event] = _events(response.text)
    assert str(event["uid"]) == f"visit-{lead_id}@strang"
    assert event.decoded("dtstart") == when
    assert event.decoded("duration") == timedelta(minutes=45)
    assert str(event["summary"]) == "Zahnarztpraxis Dr. Müller"
    assert str(event["location"]) == "Hauptstraße 1, Hinterhaus; 2. OG, 20095 Hamburg"
    description = str(event["description"])
    assert "+49 40 123" in description and "Dr. Anna Müller" in description
    assert f"/lead/{lead_id}" in description and str(event["url"]).endswith(f"/lead/{lead_id}")

    second = vobject.readOne(response.text)  # an independent parser reads the same
    [vevent] = second.vevent_list
    assert vevent.uid.value == f"visit-{lead_id}@strang"
    assert vevent.dtstart.value == when
    assert vevent.location.value == "Hauptstraße 1, Hinterhaus; 2. OG, 20095 Hamburg"
    assert all(len(line.encode()) <= 75 for line in response.text.split("\r\n"))


def test_a_moved_visit_moves_at_the_next_refresh(client: TestClient, factory: Factory) -> None:
    rep, headers = factory.login_as(Role.rep)
    _, marketing = factory.login_as(Role.marketing)
    lead_id = _lead(client, marketing, rep.id, planned_visit_at=_soon(1).isoformat())
    path = _feed_path(client, headers)
    assert _events(client.get(path).text)[0].decoded("dtstart") == _soon(1)

    moved = client.patch(
        f"/api/v1/leads/{lead_id}",
        json={"planned_visit_at": _soon(5, hour=14).isoformat()},
        headers=marketing,
    )
    assert moved.status_code == 200, moved.text
    [event] = _events(client.get(path).text)
    assert event.decoded("dtstart") == _soon(5, hour=14)
    assert str(event["uid"]) == f"visit-{lead_id}@strang"


def test_a_new_link_replaces_the_old_and_turning_off_ends_it(
    client: TestClient, factory: Factory, db: Session
) -> None:
    _, headers = factory.login_as(Role.rep)
    first = _feed_path(client, headers)
    assert client.get(first).status_code == 200
    state = client.get(FEED, headers=headers).json()
    assert state["active"] is True and state["last_read_at"] is not None

    second = _feed_path(client, headers)
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    assert client.head(second).status_code == 200

    token = second.removeprefix("/calendar/").removesuffix(".ics")
    stored = db.exec(select(CalendarFeed)).all()
    db.commit()
    assert len(stored) == 1 and token not in stored[0].token_hash

    assert client.delete(FEED, headers=headers).status_code == 204
    assert client.get(second).status_code == 404
    assert client.get(FEED, headers=headers).json() == {
        "active": False,
        "created_at": None,
        "last_read_at": None,
    }


def test_a_deactivated_reps_feed_stops(client: TestClient, factory: Factory, db: Session) -> None:
    rep, headers = factory.login_as(Role.rep)
    path = _feed_path(client, headers)
    rep.is_active = False
    db.add(rep)
    db.commit()
    assert client.get(path).status_code == 404


def test_only_reps_have_a_feed_and_strange_tokens_are_unknown(
    client: TestClient, factory: Factory
) -> None:
    assert client.post(FEED).status_code == 401
    for role in (Role.marketing, Role.admin):
        _, headers = factory.login_as(role)
        assert client.post(FEED, headers=headers).status_code == 403
        assert client.get(FEED, headers=headers).status_code == 403
    for token in ("x", "a" * 43, "a" * 5000, "é-ü"):
        response = client.get(f"/calendar/{token}.ics")
        assert response.status_code == 404, token
        assert response.json()["detail"]
    assert client.get("/calendar/%00.ics").status_code == 422  # NUL is refused everywhere
