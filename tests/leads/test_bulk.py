"""Bulk work on leads: one action on the listed leads or on every lead matching the list's
filter, across pages, in one request; the confirmation's count guards against acting on a
selection that changed meanwhile."""

import uuid
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select

from app.auth.models import Role, User
from app.leads.models import Lead
from app.outcomes.models import Outcome
from app.push.models import PushNotice
from tests.factories import Factory
from tests.sync.helpers import Content, Phone

BULK = "/api/v1/leads/bulk"
LIST = "/api/v1/leads"


def many_leads(
    client: TestClient, marketing: dict[str, str], rep: User, n: int, *, region: str
) -> None:
    """As marketing brings them: a spreadsheet through the CSV import."""
    rows = "".join(f"{region} Firma {i:05d};{rep.email};{region}\r\n" for i in range(n))
    sheet = ("company;rep;region\r\n" + rows).encode()
    files = {"file": ("leads.csv", sheet, "text/csv")}
    answer = client.post("/api/v1/leads/import", files=files, headers=marketing)
    assert answer.status_code == 200 and answer.json()["created"] == n, answer.text


def count(db: Session, *conditions: object, table: type = Lead) -> int:
    n = db.exec(select(func.count()).select_from(table).where(*conditions)).one()  # type: ignore[arg-type]
    db.commit()
    return int(n)


def test_assigning_all_10000_matching_leads_takes_one_request(
    client: TestClient, factory: Factory, db: Session
) -> None:
    anna, ben = factory.user(Role.rep), factory.user(Role.rep)
    marketing = factory.auth(factory.user(Role.marketing))
    many_leads(client, marketing, anna, 10_000, region="North")
    many_leads(client, marketing, anna, 30, region="South")
    page = client.get(LIST, params={"region": "North", "limit": 50}, headers=marketing).json()
    assert page["total"] == 10_000 and len(page["items"]) == 50  # the console's first page

    answer = client.post(
        BULK,
        json={
            "action": "assign",
            "matching": {"region": "North"},
            "expected_count": page["total"],
            "rep_id": str(ben.id),
        },
        headers=marketing,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"action": "assign", "changed": 10_000, "unchanged": 0}
    assert count(db, col(Lead.rep_id) == ben.id) == 10_000
    assert count(db, col(Lead.rep_id) == anna.id, col(Lead.region) == "South") == 30
    # one row per lead, sent as one coalesced notification
    assert count(db, col(PushNotice.rep_id) == ben.id, table=PushNotice) == 10_000


def test_a_selection_that_changed_since_the_confirmation_changes_nothing(
    client: TestClient, factory: Factory, db: Session
) -> None:
    anna, ben = factory.user(Role.rep), factory.user(Role.rep)
    marketing = factory.auth(factory.user(Role.marketing))
    many_leads(client, marketing, anna, 12, region="North")
    body = {"action": "delete", "matching": {"region": "North"}, "expected_count": 11}
    answer = client.post(BULK, json=body, headers=marketing)
    assert answer.status_code == 409
    assert answer.json()["code"] == "selection_changed"
    assert answer.json()["params"] == {"count": 12, "expected": 11}
    assert count(db, col(Lead.region) == "North") == 12
    listed = {"action": "assign", "lead_ids": [str(uuid.uuid4())], "expected_count": 1}
    unknown = client.post(BULK, json=listed | {"rep_id": str(ben.id)}, headers=marketing)
    assert unknown.status_code == 400 and "lead_ids" in unknown.json()["detail"]


def test_moving_and_deleting_by_filter_reach_the_phone_and_keep_history(
    client: TestClient, factory: Factory, db: Session
) -> None:
    content = Content(db)
    anna, headers = factory.login_as(Role.rep)
    marketing = factory.auth(factory.user(Role.marketing))
    spring, summer = content.campaign(), content.campaign()
    leads = [content.lead(anna, campaign=spring) for _ in range(3)]
    phone = Phone(client, headers)
    phone.sync()
    visit = {"type": "outcome.log", "id": str(uuid.uuid4()), "lead_id": str(leads[0].id)}
    visit |= {"code": "won", "occurred_at": datetime.now(UTC).isoformat()}
    pushed = client.post(
        "/api/v1/sync/push", json={"device_id": "phone", "mutations": [visit]}, headers=headers
    )
    assert pushed.json()["results"][0]["status"] == "applied", pushed.text

    move = {"action": "move", "matching": {"campaign_id": str(spring.id)}, "expected_count": 3}
    answer = client.post(BULK, json=move | {"campaign_id": str(summer.id)}, headers=marketing)
    assert answer.json() == {"action": "move", "changed": 3, "unchanged": 0}
    phone.sync()
    assert {lead["campaign_id"] for lead in phone.state["leads"].values()} == {str(summer.id)}

    gone = [str(lead.id) for lead in leads[:2]]
    answer = client.post(
        BULK, json={"action": "delete", "lead_ids": gone, "expected_count": 2}, headers=marketing
    )
    assert answer.json() == {"action": "delete", "changed": 2, "unchanged": 0}
    phone.sync()
    assert phone.ids("leads") == {str(leads[2].id)}
    assert count(db, col(Outcome.lead_id) == leads[0].id, table=Outcome) == 1


def test_bad_bulk_requests_name_the_problem_and_change_nothing(
    client: TestClient, factory: Factory, db: Session
) -> None:
    anna = factory.user(Role.rep)
    marketing = factory.auth(factory.user(Role.marketing))
    many_leads(client, marketing, anna, 2, region="North")
    ids = [str(i) for i in db.exec(select(Lead.id))]
    db.commit()
    cases = [
        ({"action": "assign", "lead_ids": ids, "expected_count": 2}, "rep_id"),
        ({"action": "move", "lead_ids": ids, "expected_count": 2}, "campaign_id"),
        ({"action": "delete", "expected_count": 2}, "lead_ids or matching"),
        (
            {"action": "delete", "lead_ids": ids, "matching": {}, "expected_count": 2},
            "lead_ids or matching",
        ),
        ({"action": "explode", "lead_ids": ids, "expected_count": 2}, "action"),
        ({"action": "delete", "matching": {"region": "N\u0000"}, "expected_count": 2}, "region"),
    ]
    for body, named in cases:
        answer = client.post(BULK, json=body, headers=marketing)
        assert answer.status_code == 422, (body, answer.text)
        assert named in answer.text, (body, answer.text)
    unknown = {"action": "move", "lead_ids": ids, "expected_count": 2}
    answer = client.post(BULK, json=unknown | {"campaign_id": str(uuid.uuid4())}, headers=marketing)
    assert answer.status_code == 400 and "campaign_id" in answer.json()["detail"]
    assert count(db, col(Lead.region) == "North", col(Lead.campaign_id).is_(None)) == 2
