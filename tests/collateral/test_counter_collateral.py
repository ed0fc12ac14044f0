"""Collateral answering an objection: marketing marks it; a visit logging the objection
recommends it on the lead with the reason, on the rep's phone at the next sync, with a notice."""

import threading
import uuid
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlmodel import Session, col, select

from app.auth.models import Role, User
from app.campaigns.models import Campaign
from app.changes.log import hold_for_push
from app.collateral.counters import Objection, recommend_counters
from app.collateral.models import Collateral
from app.core.db import read_locked
from app.core.errors import ServiceUnavailable
from app.core.settings import Settings
from app.leads.models import Lead
from app.leads.service import update_lead
from app.push.messages import coalesce
from app.push.models import PushNotice
from tests.factories import Factory
from tests.sync.helpers import Content, Phone, outcome, push, retract


@pytest.fixture
def content(db: Session) -> Content:
    return Content(db)


def mark(client: TestClient, headers: dict[str, str], item: Collateral, answers: list[str]) -> Any:
    return client.patch(f"/api/v1/collateral/{item.id}", headers=headers, json={"answers": answers})


def amend(outcome_id: str, details: list[str]) -> dict[str, Any]:
    return {
        "type": "outcome.amend",
        "id": str(uuid.uuid4()),
        "outcome_id": outcome_id,
        "details": details,
    }


def reasons(db: Session, lead: Lead) -> dict[str, dict[str, str]]:
    row = db.exec(
        select(Lead).where(Lead.id == lead.id).execution_options(populate_existing=True)
    ).one()
    db.commit()
    return dict(row.recommendation_reasons)


def notices(db: Session, rep: User) -> list[PushNotice]:
    rows = list(db.exec(select(PushNotice).where(col(PushNotice.rep_id) == rep.id)))
    db.commit()
    return [n for n in rows if n.kind == "counter_collateral"]


@pytest.fixture
def shop(
    client: TestClient, factory: Factory, content: Content
) -> tuple[Campaign, Collateral, Collateral, dict[str, str]]:
    """A live campaign with a savings chart marked as answering "price" and a price list
    marketing recommends by hand; marketing's headers."""
    campaign = content.campaign()
    chart = content.collateral(campaign)
    price_list = content.collateral(campaign)
    _, marketing = factory.login_as(Role.marketing)
    assert mark(client, marketing, chart, ["price"]).status_code == 200
    return campaign, chart, price_list, marketing


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.marketing, 200), (Role.admin, 200), (Role.rep, 403), (None, 401)],
)
def test_who_may_mark_what_an_item_answers(
    client: TestClient,
    factory: Factory,
    content: Content,
    role: Role | None,
    status: int,
) -> None:
    item = content.collateral(content.campaign())
    headers = factory.login_as(role)[1] if role else {}
    response = mark(client, headers, item, ["price", "timing", "price"])
    assert response.status_code == status, response.text
    shown = client.get(f"/api/v1/collateral/{item.id}", headers=factory.login_as(Role.admin)[1])
    assert shown.json()["answers"] == (["price", "timing"] if status == 200 else [])


def test_an_unknown_chip_is_refused_by_name_and_changes_nothing(
    client: TestClient, factory: Factory, content: Content
) -> None:
    item = content.collateral(content.campaign())
    _, marketing = factory.login_as(Role.marketing)
    assert mark(client, marketing, item, ["price"]).status_code == 200
    response = mark(client, marketing, item, ["timing", "weather"])
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["params"]) == ("unknown_chip", {"chip": "weather"})
    assert "weather" in body["detail"]
    assert client.get(f"/api/v1/collateral/{item.id}", headers=marketing).json()["answers"] == [
        "price"
    ]
    assert mark(client, marketing, item, [""]).status_code == 422
    assert mark(client, marketing, item, []).json()["answers"] == []


def test_a_visit_logging_the_objection_recommends_the_answer_with_the_reason(
    client: TestClient,
    factory: Factory,
    content: Content,
    db: Session,
    settings: Settings,
    shop: tuple[Campaign, Collateral, Collateral, dict[str, str]],
) -> None:
    campaign, chart, price_list, marketing = shop
    elsewhere = content.collateral(content.campaign())  # answers price, in another campaign
    assert mark(client, marketing, elsewhere, ["price"]).status_code == 200
    rep, headers = factory.login_as(Role.rep)
    lead = content.lead(rep, campaign=campaign, recommended=[str(price_list.id)])
    quiet = content.lead(rep, campaign=campaign)
    phone = Phone(client, headers)
    phone.sync()
    assert phone.state["leads"][str(lead.id)]["recommendation_reasons"] == []

    said_at = datetime(2026, 12, 3, 10, tzinfo=UTC)
    said = {"details": ["timing", "price"], "occurred_at": said_at.isoformat()}
    tap = outcome(lead.id, "objection", **said)
    other = outcome(quiet.id, "objection", details=["timing"])
    assert [r["status"] for r in push(client, headers, tap, other)] == ["applied", "applied"]

    day = said_at.astimezone(settings.zone).date().isoformat()
    assert reasons(db, lead) == {str(chart.id): {"objection": "price", "said_on": day}}
    assert reasons(db, quiet) == {}
    lead_row = db.get(Lead, lead.id)
    assert lead_row is not None and lead_row.recommended_collateral_ids == [str(price_list.id)]
    db.commit()

    phone.sync()
    synced = phone.state["leads"][str(lead.id)]
    assert synced["recommended_collateral_ids"] == [str(price_list.id)]
    assert synced["recommendation_reasons"] == [
        {"collateral_id": str(chart.id), "objection": "price", "said_on": day}
    ]
    assert str(chart.id) in phone.ids("collateral")

    [notice] = notices(db, rep)
    assert notice.target_id == str(lead.id)
    assert lead.company not in notice.title + notice.body and "price" not in notice.title
    _, payload = coalesce([notice], lang="de", details="none")
    assert (payload["title"], payload["url"]) == (
        "Material für einen Lead empfohlen",
        f"/lead/{lead.id}",
    )

    # The phone sends the batch again (no answer came back): nothing is doubled.
    assert [r["status"] for r in push(client, headers, tap, other)] == ["duplicate"] * 2
    assert len(notices(db, rep)) == 1
    assert list(reasons(db, lead)) == [str(chart.id)]


def test_an_amendment_adding_the_chip_recommends_the_answer(
    client: TestClient,
    factory: Factory,
    content: Content,
    db: Session,
    shop: tuple[Campaign, Collateral, Collateral, dict[str, str]],
) -> None:
    campaign, chart, _, _ = shop
    rep, headers = factory.login_as(Role.rep)
    lead = content.lead(rep, campaign=campaign)
    tap = outcome(lead.id, "objection")
    push(client, headers, tap)
    assert reasons(db, lead) == {} and notices(db, rep) == []
    assert push(client, headers, amend(tap["id"], ["price"]))[0]["status"] == "applied"
    assert reasons(db, lead)[str(chart.id)]["objection"] == "price"
    assert len(notices(db, rep)) == 1
    # Amended again with the same chip: the same reason, no second notice.
    push(client, headers, amend(tap["id"], ["price", "timing"]))
    assert len(notices(db, rep)) == 1


def test_a_taken_back_visit_recommends_nothing_and_an_older_visit_keeps_the_newer_reason(
    client: TestClient,
    factory: Factory,
    content: Content,
    db: Session,
    settings: Settings,
    shop: tuple[Campaign, Collateral, Collateral, dict[str, str]],
) -> None:
    campaign, chart, _, marketing = shop
    assert mark(client, marketing, chart, ["price", "competitor"]).status_code == 200
    rep, headers = factory.login_as(Role.rep)
    lead = content.lead(rep, campaign=campaign)
    taken_back = outcome(lead.id, "objection", details=["price"])
    push(client, headers, taken_back, retract(taken_back["id"]))
    assert reasons(db, lead) == {}
    newer = datetime(2026, 12, 4, 10, tzinfo=UTC)
    older = datetime(2026, 12, 1, 10, tzinfo=UTC)
    push(client, headers, outcome(lead.id, "objection", details=["competitor"],
                                  occurred_at=newer.isoformat()))  # fmt: skip
    push(client, headers, outcome(lead.id, "objection", details=["price"],
                                  occurred_at=older.isoformat()))  # fmt: skip
    day = newer.astimezone(settings.zone).date().isoformat()
    assert reasons(db, lead) == {str(chart.id): {"objection": "competitor", "said_on": day}}


def test_the_reason_follows_the_item_to_its_new_version(
    client: TestClient,
    factory: Factory,
    content: Content,
    shop: tuple[Campaign, Collateral, Collateral, dict[str, str]],
) -> None:
    campaign, chart, _, _ = shop
    rep, headers = factory.login_as(Role.rep)
    lead = content.lead(rep, campaign=campaign)
    push(client, headers, outcome(lead.id, "objection", details=["price"]))
    newer = content.collateral(campaign, replaces=chart)
    phone = Phone(client, headers)
    phone.sync()
    [reason] = phone.state["leads"][str(lead.id)]["recommendation_reasons"]
    assert reason["collateral_id"] == str(newer.id)


def test_two_reps_naming_one_lead_at_once_both_keep_their_reasons(
    client: TestClient,
    content: Content,
    factory: Factory,
    engine: Engine,
    backend: str,
    shop: tuple[Campaign, Collateral, Collateral, dict[str, str]],
) -> None:
    """A visit its old rep logs late and one by its new rep, in pushes running side by side
    (PostgreSQL runs pushes of different reps at once): the second is told to come back while
    the first holds the lead, and sent again it adds its reason instead of writing over the
    first's."""
    if backend != "postgres":
        pytest.skip("SQLite runs one writer at a time")
    campaign, chart, _, marketing = shop
    timing = content.collateral(campaign)
    assert mark(client, marketing, timing, ["timing"]).status_code == 200
    lead = content.lead(factory.user(role=Role.rep), campaign=campaign)

    with Session(engine) as first, Session(engine) as second:
        _recommend(first, lead, "price")  # not committed yet
        second.execute(text("SET LOCAL lock_timeout = '5s'"))  # a wait fails here, not hangs
        with pytest.raises(ServiceUnavailable):
            _recommend(second, lead, "timing")
        second.rollback()
        first.commit()
        _recommend(second, lead, "timing")  # the phone's next try
        second.commit()
    with Session(engine) as check:
        stored = check.get(Lead, lead.id)
        assert stored is not None
        assert sorted(stored.recommendation_reasons) == sorted([str(chart.id), str(timing.id)])


def test_a_push_meeting_a_lead_marketing_is_editing_comes_back_instead_of_deadlocking(
    content: Content,
    factory: Factory,
    engine: Engine,
    backend: str,
    shop: tuple[Campaign, Collateral, Collateral, dict[str, str]],
) -> None:
    """Marketing's edit locks the lead, then waits for the writers' lock; a push holds that
    lock (shared) from its start. Waiting for the lead there closed a circle that PostgreSQL
    broke after a second by failing one of them: the push is told to come back instead, and
    the edit goes through."""
    if backend != "postgres":
        pytest.skip("SQLite runs one writer at a time")
    campaign, *_ = shop
    rep = factory.user(role=Role.rep)
    lead = content.lead(rep, campaign=campaign)
    with Session(engine) as edit, Session(engine) as push:
        edit.execute(text("SET LOCAL lock_timeout = '5s'"))  # a circle fails here, not hangs
        row = edit.get(Lead, lead.id)
        assert row is not None
        read_locked(edit, row, "gone")
        hold_for_push(push, rep.id)
        answers: list[str] = []

        def recommend() -> None:
            try:
                _recommend(push, lead, "price")
                answers.append("applied")
            except ServiceUnavailable:
                answers.append("come back")
            finally:
                push.rollback()

        pushing = threading.Thread(target=recommend)
        pushing.start()
        pushing.join(0.5)
        update_lead(edit, lead=row, changes={"company": "Renamed GmbH"})  # the writers' lock
        edit.commit()
        pushing.join(10)
    assert answers == ["come back"]


def _recommend(session: Session, lead: Lead, chip: str) -> None:
    said = datetime(2026, 12, 3, 10, tzinfo=UTC)
    objection = Objection(lead.id, [chip], said)
    recommend_counters(session, [objection], now=said, zone=ZoneInfo("UTC"))
