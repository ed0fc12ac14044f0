"""Bulk assign: many leads to one rep in one request, all or none."""

import uuid

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.auth.models import Role
from app.leads.models import Lead
from app.push.models import PushNotice
from tests.factories import Factory
from tests.sync.helpers import Content, Phone

ASSIGN = "/api/v1/leads/assign"


def _reps_of(db: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    rows = db.exec(select(Lead.id, Lead.rep_id).where(col(Lead.id).in_(ids))).all()
    db.commit()
    return dict(rows)


def test_leads_move_in_one_request_and_both_phones_follow(
    client: TestClient, factory: Factory, db: Session
) -> None:
    content = Content(db)
    anna, anna_headers = factory.login_as(Role.rep)
    ben, ben_headers = factory.login_as(Role.rep)
    marketing = factory.auth(factory.user(Role.marketing))
    moving = [content.lead(anna).id for _ in range(2)]
    staying = content.lead(anna).id
    bens = content.lead(ben).id
    anna_phone, ben_phone = Phone(client, anna_headers), Phone(client, ben_headers)
    anna_phone.sync()
    ben_phone.sync()
    answer = client.post(
        ASSIGN, json={"lead_ids": [*map(str, moving), str(bens)], "rep_id": str(ben.id)},
        headers=marketing,
    )  # fmt: skip
    assert answer.status_code == 200
    assert answer.json() == {"assigned": 2, "unchanged": 1}
    anna_phone.sync()
    ben_phone.sync()
    assert anna_phone.ids("leads") == {str(staying)}
    assert ben_phone.ids("leads") == {str(bens), *map(str, moving)}
    notices = db.exec(select(PushNotice).where(PushNotice.rep_id == ben.id)).all()
    assert len(notices) == 2  # sent as one coalesced notification
    db.commit()


def test_an_unknown_lead_or_a_non_rep_changes_nothing(
    client: TestClient, factory: Factory, db: Session
) -> None:
    content = Content(db)
    anna, ben = factory.user(Role.rep), factory.user(Role.rep)
    marketing_user = factory.user(Role.marketing)
    marketing = factory.auth(marketing_user)
    lead = content.lead(anna).id
    unknown = uuid.uuid4()
    answer = client.post(
        ASSIGN, json={"lead_ids": [str(lead), str(unknown)], "rep_id": str(ben.id)},
        headers=marketing,
    )  # fmt: skip
    assert answer.status_code == 400 and str(unknown) in answer.json()["detail"]
    assert "lead_ids" in answer.json()["detail"]
    answer = client.post(
        ASSIGN, json={"lead_ids": [str(lead)], "rep_id": str(marketing_user.id)}, headers=marketing
    )
    assert answer.status_code == 400 and "rep_id" in answer.json()["detail"]
    assert _reps_of(db, [lead]) == {lead: anna.id}
    empty = client.post(ASSIGN, json={"lead_ids": [], "rep_id": str(ben.id)}, headers=marketing)
    assert empty.status_code == 422
