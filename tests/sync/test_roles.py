from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session, select

from app.auth.models import AuthSession, Role
from app.core.time import utcnow
from app.outcomes.models import Outcome
from tests.factories import Factory
from tests.sync.helpers import Content, Phone, outcome

PUSH = "/api/v1/sync/push"


def test_only_reps_push_and_pull(client: TestClient, factory: Factory, content: Content) -> None:
    rep = factory.user(Role.rep)
    lead = content.lead(rep)
    body = {"device_id": "d", "mutations": [outcome(lead.id)]}
    assert client.get("/api/v1/sync/pull").status_code == 401
    assert client.post("/api/v1/sync/push", json=body).status_code == 401
    for role in (Role.marketing, Role.admin):
        _, headers = factory.login_as(role)
        assert client.get("/api/v1/sync/pull", headers=headers).status_code == 403
        assert client.post("/api/v1/sync/push", headers=headers, json=body).status_code == 403


def test_a_rep_never_receives_another_reps_lead(
    client: TestClient, factory: Factory, content: Content
) -> None:
    rep, headers = factory.login_as(Role.rep)
    other = factory.user(Role.rep)
    mine = content.lead(rep)
    content.lead(other)
    phone = Phone(client, headers)
    phone.sync()
    assert phone.ids("leads") == {str(mine.id)}


def test_a_push_slides_its_session_and_one_whose_session_ended_stores_nothing(
    client: TestClient, factory: Factory, content: Content, db: Session
) -> None:
    """The push signs its rep in inside its own write turn (app.auth.deps.rep_in_turn): the
    session's sliding expiry is written with the push, and an ended session, a deactivated
    rep or a marketer's session is refused before anything is stored."""
    rep, headers = factory.login_as(Role.rep)
    lead_id = content.lead(rep).id
    db.execute(
        update(AuthSession).values(
            last_seen_at=utcnow() - timedelta(days=2), expires_at=utcnow() + timedelta(days=3)
        )
    )
    db.commit()
    body = {"device_id": "d", "mutations": [outcome(lead_id)]}
    assert client.post(PUSH, json=body, headers=headers).status_code == 200
    db.expire_all()
    slid = db.scalars(select(AuthSession).where(AuthSession.user_id == rep.id)).one()
    assert slid.expires_at > utcnow() + timedelta(days=29)
    db.execute(update(AuthSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    ended = client.post(PUSH, json={**body, "mutations": [outcome(lead_id)]}, headers=headers)
    assert ended.status_code == 401 and ended.json()["code"] == "session_ended"
    _, marketing = factory.login_as(Role.marketing)
    refused = client.post(PUSH, json={**body, "mutations": [outcome(lead_id)]}, headers=marketing)
    assert refused.status_code == 403 and refused.json()["code"] == "role_forbidden"
    assert len(db.scalars(select(Outcome)).all()) == 1
    db.commit()
