"""Marketing sees, per share, the lead's next visit after the share, and per item how those
visits went for opened and unopened shares, with n and Wilson intervals."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from app.auth.models import Role
from app.leads.models import Lead
from app.shares.models import Share, ShareVisit
from tests.factories import Factory
from tests.shares.helpers import Scene, new_token, share_create
from tests.sync.helpers import Content, outcome, push, retract

MADE = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)


def _share(
    client: TestClient, db: Session, world: Scene, lead: Lead, *, opened_at: datetime | None = None
) -> str:
    """A share of the PDF made three days ago, opened by the customer at `opened_at`."""
    token = new_token()
    create = share_create(lead.id, [world.pdf.id], token=token)
    push(client, world.headers, create)
    share_id = uuid.UUID(create["share_id"])
    db.execute(update(Share).where(col(Share.id) == share_id).values(created_at=MADE))
    db.commit()
    if opened_at is not None:
        assert client.get(f"/s/{token}").status_code == 200
        visits = update(ShareVisit).where(col(ShareVisit.share_id) == share_id)
        db.execute(visits.values(opened_at=opened_at))
        db.commit()
    return str(share_id)


def _visit(client: TestClient, world: Scene, lead: Lead, code: str, at: datetime) -> str:
    logged = outcome(lead.id, code, occurred_at=at.isoformat())
    push(client, world.headers, logged)
    return str(logged["id"])


def _three_shares(client: TestClient, db: Session, world: Scene) -> dict[str, Any]:
    content = Content(db)
    won_lead, lost_lead, quiet_lead = (
        content.lead(world.rep, campaign=world.campaign) for _ in "abc"
    )
    day = timedelta(days=1)
    opened = _share(client, db, world, won_lead, opened_at=MADE + timedelta(hours=2))
    unopened = _share(client, db, world, lost_lead)
    waiting = _share(client, db, world, quiet_lead, opened_at=MADE + timedelta(hours=1))
    # Before the share: never its next visit.
    _visit(client, world, lost_lead, "won", MADE - day)
    _visit(client, world, quiet_lead, "won", MADE - timedelta(minutes=1))
    # Taken back: as if it never happened.
    taken_back = _visit(client, world, lost_lead, "won", MADE + timedelta(hours=3))
    push(client, world.headers, retract(taken_back))
    won = _visit(client, world, won_lead, "won", MADE + day)
    _visit(client, world, won_lead, "no_interest", MADE + 2 * day)  # not the next one
    lost = _visit(client, world, lost_lead, "no_interest", MADE + day)
    return {
        "opened": opened,
        "unopened": unopened,
        "waiting": waiting,
        "won": won,
        "lost": lost,
        "companies": {opened: won_lead.company, unopened: lost_lead.company},
    }


def test_each_share_shows_the_leads_next_visit_after_it(
    client: TestClient, db: Session, factory: Factory, world: Scene
) -> None:
    made = _three_shares(client, db, world)
    _, marketing = factory.login_as(Role.marketing)
    listed = client.get("/api/v1/shares", headers=marketing)
    assert listed.status_code == 200
    shares = {s["id"]: s for s in listed.json()}
    won, lost = shares[made["opened"]]["next_visit"], shares[made["unopened"]]["next_visit"]
    assert (won["outcome_id"], won["code"], won["won"]) == (made["won"], "won", True)
    assert won["rep_id"] == str(world.rep.id) and won["rep_name"] == "Rita Rep"
    assert datetime.fromisoformat(won["occurred_at"]) == MADE + timedelta(days=1)
    assert (lost["outcome_id"], lost["code"], lost["won"]) == (made["lost"], "no_interest", False)
    assert shares[made["waiting"]]["next_visit"] is None
    assert shares[made["opened"]]["lead_company"] == made["companies"][made["opened"]]

    revoked = client.post(f"/api/v1/shares/{made['opened']}/revoke", headers=marketing).json()
    assert revoked["status"] == "revoked" and revoked["next_visit"]["code"] == "won"


def test_per_item_next_visits_opened_and_not_opened(
    client: TestClient, db: Session, factory: Factory, world: Scene
) -> None:
    _three_shares(client, db, world)
    _, marketing = factory.login_as(Role.marketing)
    answer = client.get("/api/v1/shares/insights", headers=marketing)
    assert answer.status_code == 200
    pdf = next(i for i in answer.json() if i["collateral_id"] == str(world.pdf.id))
    assert (pdf["shared"], pdf["opened"], pdf["awaiting_next_visit"]) == (3, 2, 1)
    every, read, unread = pdf["next_visit"], pdf["next_visit_opened"], pdf["next_visit_not_opened"]
    assert (every["visits"], every["won"], every["rate"]) == (2, 1, 0.5)
    assert (read["visits"], read["won"], read["rate"]) == (1, 1, 1.0)
    assert (unread["visits"], unread["won"], unread["rate"]) == (1, 0, 0.0)
    # Wilson at 1 of 1 and 0 of 1: wide, inside [0, 1], never a point.
    assert 0.2 < read["low"] < 0.3 and read["high"] == 1.0
    assert unread["low"] == 0.0 and 0.7 < unread["high"] < 0.8
    assert every["too_few"] and read["too_few"] and unread["too_few"]
    assert pdf["opened_verdict"] == "too_few" and pdf["opened_difference_low"] is None
    assert pdf["opened_difference"] == 1.0


def test_reading_after_the_next_visit_does_not_count_as_opened(
    client: TestClient, db: Session, factory: Factory, world: Scene
) -> None:
    lead = Content(db).lead(world.rep, campaign=world.campaign)
    _share(client, db, world, lead, opened_at=MADE + timedelta(days=2))
    _visit(client, world, lead, "won", MADE + timedelta(days=1))
    _, marketing = factory.login_as(Role.marketing)
    pdf = client.get("/api/v1/shares/insights", headers=marketing).json()[0]
    assert pdf["opened"] == 1  # it was opened ...
    assert pdf["next_visit_opened"]["visits"] == 0  # ... but only after the visit
    assert (pdf["next_visit_not_opened"]["visits"], pdf["next_visit_not_opened"]["won"]) == (1, 1)


def test_enough_shares_give_an_interval_and_a_verdict(
    client: TestClient, db: Session, factory: Factory, world: Scene
) -> None:
    content = Content(db)
    for i in range(20):
        lead = content.lead(world.rep, campaign=world.campaign)
        read = i < 10
        _share(client, db, world, lead, opened_at=MADE + timedelta(hours=1) if read else None)
        won = i < 9 if read else i == 10
        _visit(client, world, lead, "won" if won else "no_interest", MADE + timedelta(days=1))
    _, marketing = factory.login_as(Role.marketing)
    pdf = client.get("/api/v1/shares/insights", headers=marketing).json()[0]
    assert pdf["next_visit_opened"]["visits"] == 10 and not pdf["next_visit_opened"]["too_few"]
    assert (pdf["next_visit_opened"]["won"], pdf["next_visit_not_opened"]["won"]) == (9, 1)
    assert abs(pdf["opened_difference"] - 0.8) < 1e-9
    assert 0 < pdf["opened_difference_low"] < 0.8 < pdf["opened_difference_high"] <= 1
    assert pdf["opened_verdict"] == "above"


def test_the_period_and_campaign_filters_apply(
    client: TestClient, db: Session, factory: Factory, world: Scene
) -> None:
    made = _three_shares(client, db, world)
    _, marketing = factory.login_as(Role.marketing)

    def ids(query: dict[str, str]) -> set[str]:
        answer = client.get("/api/v1/shares", headers=marketing, params=query)
        assert answer.status_code == 200, answer.text
        return {s["id"] for s in answer.json()}

    def shared(query: dict[str, str]) -> int:
        answer = client.get("/api/v1/shares/insights", headers=marketing, params=query)
        assert answer.status_code == 200, answer.text
        return sum(i["shared"] for i in answer.json())

    every = {made["opened"], made["unopened"], made["waiting"]}
    day = MADE.date()
    assert ids({}) == every and shared({}) == 3
    assert ids({"from": day.isoformat(), "to": day.isoformat()}) == every
    assert shared({"from": day.isoformat(), "to": day.isoformat()}) == 3
    later = (day + timedelta(days=1)).isoformat()
    assert ids({"from": later}) == set() and shared({"from": later}) == 0
    earlier = (day - timedelta(days=1)).isoformat()
    assert ids({"to": earlier}) == set() and shared({"to": earlier}) == 0
    assert ids({"campaign_id": str(world.campaign.id)}) == every
    other = str(uuid.uuid4())
    assert ids({"campaign_id": other}) == set() and shared({"campaign_id": other}) == 0

    backwards = client.get(
        "/api/v1/shares", headers=marketing, params={"from": later, "to": earlier}
    )
    assert backwards.status_code == 400 and "from" in backwards.text
    nonsense = client.get("/api/v1/shares/insights", headers=marketing, params={"from": "May"})
    assert nonsense.status_code in (400, 422) and "from" in nonsense.text


def test_marketing_and_admins_only(client: TestClient, factory: Factory, world: Scene) -> None:
    _, marketing = factory.login_as(Role.marketing)
    _, admin = factory.login_as(Role.admin)
    for path in ("/api/v1/shares", "/api/v1/shares/insights"):
        assert client.get(path).status_code == 401
        assert client.get(path, headers=world.headers).status_code == 403
        assert client.get(path, headers=marketing).status_code == 200
        assert client.get(path, headers=admin).status_code == 200


def test_the_list_costs_the_same_queries_for_one_share_or_many(
    client: TestClient, db: Session, engine: Engine, factory: Factory, world: Scene
) -> None:
    content = Content(db)
    _, marketing = factory.login_as(Role.marketing)

    def statements(path: str) -> int:
        seen: list[str] = []

        def count(*args: object) -> None:
            seen.append(str(args[2]))

        event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get(path, headers=marketing).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(seen)

    lead = content.lead(world.rep, campaign=world.campaign)
    _share(client, db, world, lead, opened_at=MADE + timedelta(hours=1))
    _visit(client, world, lead, "won", MADE + timedelta(days=1))
    one = statements("/api/v1/shares"), statements("/api/v1/shares/insights")
    for _ in range(12):
        lead = content.lead(world.rep, campaign=world.campaign)
        _share(client, db, world, lead, opened_at=MADE + timedelta(hours=1))
        _visit(client, world, lead, "won", MADE + timedelta(days=1))
    many = statements("/api/v1/shares"), statements("/api/v1/shares/insights")
    assert many == one
