"""A reason, a note or a follow-up date added after the tap: `outcome.amend` and `lead.plan`,
each applied exactly once, refused with a reason of their own, seen by every phone of the rep."""

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.auth.models import Role
from app.core.settings import Settings
from app.leads.models import Lead
from app.outcomes.models import Outcome
from tests.factories import Factory
from tests.sync.helpers import Content, Phone, outcome, push, retract


def amend(outcome_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "type": "outcome.amend",
        "id": str(fields.pop("id", uuid.uuid4())),
        "outcome_id": outcome_id,
        **fields,
    }


def plan(lead_id: uuid.UUID, day: date | str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "lead.plan",
        "id": str(extra.pop("id", uuid.uuid4())),
        "lead_id": str(lead_id),
        "planned_on": str(day),
        **extra,
    }


def _stored(db: Session) -> list[Outcome]:
    rows = list(db.exec(select(Outcome).execution_options(populate_existing=True)))
    db.commit()
    return rows


def _planned(db: Session, lead: Lead) -> datetime | None:
    row = db.exec(
        select(Lead.planned_visit_at)
        .where(Lead.id == lead.id)
        .execution_options(populate_existing=True)
    ).one()
    db.commit()
    return None if row is None else row.astimezone(UTC)


def _today(settings: Settings) -> date:
    return datetime.now(settings.zone).date()


def test_a_reason_and_a_note_after_the_tap_are_stored_once(
    client: TestClient, factory: Factory, content: Content, db: Session
) -> None:
    rep, headers = factory.login_as(Role.rep)
    lead = content.lead(rep)
    tap = outcome(lead.id, "objection", note="")
    assert push(client, headers, tap)[0]["status"] == "applied"
    reason = amend(tap["id"], details=["price"])
    note = amend(tap["id"], note="Wants a quote by Friday")
    assert [r["status"] for r in push(client, headers, reason, note)] == ["applied"] * 2
    assert [r["status"] for r in push(client, headers, reason, note)] == ["duplicate"] * 2
    [stored] = _stored(db)
    assert (stored.details, stored.note) == (["price"], "Wants a quote by Friday")
    changed = push(client, headers, {**reason, "details": ["timing"]})[0]
    assert (changed["status"], changed["reason"]) == ("rejected", "conflict")
    assert _stored(db)[0].details == ["price"]


def test_an_amendment_behind_its_tap_in_one_batch_is_written_with_it(
    client: TestClient, factory: Factory, content: Content, db: Session
) -> None:
    rep, headers = factory.login_as(Role.rep)
    lead = content.lead(rep)
    tap = outcome(lead.id, "objection")
    results = push(client, headers, tap, amend(tap["id"], details=["competitor", "competitor"]))
    assert [r["status"] for r in results] == ["applied", "applied"]
    assert _stored(db)[0].details == ["competitor"]


def test_amendments_that_cannot_apply_are_refused_each_with_its_reason(
    client: TestClient, factory: Factory, content: Content, db: Session
) -> None:
    rep, headers = factory.login_as(Role.rep)
    other, other_headers = factory.login_as(Role.rep)
    lead, foreign_lead = content.lead(rep), content.lead(other)
    tap, taken_back = outcome(lead.id, "objection"), outcome(lead.id, "won")
    foreign = outcome(foreign_lead.id, "objection")
    push(client, other_headers, foreign)
    push(client, headers, tap, taken_back, retract(taken_back["id"]))
    batch = [
        amend(foreign["id"], details=["price"]),  # another rep's
        amend(taken_back["id"], note="too late"),  # taken back
        amend(tap["id"], details=["weather"]),  # not a chip of "objection"
        amend(str(uuid.uuid4()), details=["price"]),  # no such outcome
        amend(tap["id"], note="x" * 2001),
        amend(tap["id"], note="bad\x00byte"),
        amend(tap["id"], details=["price"], note="Fine"),
    ]
    results = push(client, headers, *batch)
    assert [(r["status"], r["reason"]) for r in results] == [
        ("rejected", "unknown_outcome"),
        ("rejected", "retracted_outcome"),
        ("rejected", "invalid_details"),
        ("rejected", "unknown_outcome"),
        ("rejected", "invalid"),
        ("rejected", "invalid"),
        ("applied", None),
    ]
    assert "note" in results[4]["detail"] and "note" in results[5]["detail"]
    by_id = {str(o.id): o for o in _stored(db)}
    assert (by_id[tap["id"]].details, by_id[tap["id"]].note) == (["price"], "Fine")
    assert by_id[foreign["id"]].details == [] and by_id[taken_back["id"]].note == ""


def test_a_follow_up_date_plans_the_next_visit_keeping_its_time_of_day(
    client: TestClient, factory: Factory, content: Content, db: Session, settings: Settings
) -> None:
    rep, headers = factory.login_as(Role.rep)
    fresh, planned = content.lead(rep), content.lead(rep)
    earlier = datetime.combine(_today(settings), time(14, 30), tzinfo=settings.zone)
    planned.planned_visit_at = earlier
    db.add(planned)
    db.commit()
    tomorrow = _today(settings) + timedelta(days=1)
    results = push(client, headers, plan(fresh.id, tomorrow), plan(planned.id, tomorrow))
    assert [r["status"] for r in results] == ["applied", "applied"]
    nine = datetime.combine(tomorrow, time(9), tzinfo=settings.zone).astimezone(UTC)
    assert _planned(db, fresh) == nine
    half_past_two = datetime.combine(tomorrow, time(14, 30), tzinfo=settings.zone)
    assert _planned(db, planned) == half_past_two.astimezone(UTC)
    again = push(client, headers, plan(fresh.id, tomorrow, id=results[0]["id"]))
    assert again[0]["status"] == "duplicate"


def test_follow_up_dates_in_the_past_or_out_of_range_or_of_others_are_refused(
    client: TestClient, factory: Factory, content: Content, db: Session, settings: Settings
) -> None:
    rep, headers = factory.login_as(Role.rep)
    other = factory.user(Role.rep)
    lead, foreign = content.lead(rep), content.lead(other)
    yesterday = _today(settings) - timedelta(days=1)
    results = push(
        client,
        headers,
        plan(lead.id, yesterday),
        plan(lead.id, "2100-01-01"),
        plan(lead.id, "1999-12-31"),
        plan(lead.id, "tomorrow"),
        plan(foreign.id, _today(settings) + timedelta(days=1)),
        plan(uuid.uuid4(), _today(settings) + timedelta(days=1)),
        plan(lead.id, _today(settings)),  # today is still fine
    )
    assert [r["reason"] for r in results] == [
        "past_date",
        "invalid",
        "invalid",
        "invalid",
        "unknown_lead",
        "unknown_lead",
        None,
    ]
    assert _planned(db, foreign) is None
    assert _planned(db, lead) == datetime.combine(
        _today(settings), time(9), tzinfo=settings.zone
    ).astimezone(UTC)


def test_every_phone_of_the_rep_sees_the_amended_note_and_the_planned_visit(
    client: TestClient, factory: Factory, content: Content, settings: Settings
) -> None:
    rep, headers = factory.login_as(Role.rep)
    lead = content.lead(rep)
    other_phone = Phone(client, headers)
    tap = outcome(lead.id, "follow_up")
    push(client, headers, tap)
    other_phone.sync()
    next_week = _today(settings) + timedelta(days=7)
    push(
        client,
        headers,
        amend(tap["id"], note="Call back about the offer"),
        plan(lead.id, next_week),
    )
    other_phone.sync()
    seen = other_phone.state["leads"][str(lead.id)]
    assert [h["note_excerpt"] for h in seen["history"]] == ["Call back about the offer"]
    at = datetime.fromisoformat(seen["planned_visit_at"]).astimezone(settings.zone)
    assert (at.date(), at.time()) == (next_week, time(9))
