from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient
from httpx import Response
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


def test_pushes_and_pulls_slide_their_session_and_an_ended_one_stores_nothing(
    client: TestClient, factory: Factory, content: Content, db: Session
) -> None:
    """Pushes and pulls sign their rep in on the thread that runs them
    (app.auth.deps.signed_in_rep; a push inside its own write turn): each slides the session's
    expiry, and an ended session or a marketer's is refused before anything is stored."""
    rep, headers = factory.login_as(Role.rep)
    lead_id = content.lead(rep).id

    def slides(call: Callable[[], Response]) -> bool:
        old = {
            "last_seen_at": utcnow() - timedelta(days=2),
            "expires_at": utcnow() + timedelta(days=3),
        }
        db.execute(update(AuthSession).values(**old))
        db.commit()
        assert call().status_code == 200
        db.expire_all()
        expires = db.scalars(select(AuthSession.expires_at).where(AuthSession.user_id == rep.id))
        slid = expires.one() > utcnow() + timedelta(days=29)
        db.commit()
        return slid

    def push(with_headers: dict[str, str] = headers) -> Response:
        body = {"device_id": "d", "mutations": [outcome(lead_id)]}
        return client.post(PUSH, json=body, headers=with_headers)

    def pull() -> Response:
        return client.get("/api/v1/sync/pull", headers=headers)

    assert slides(push) and slides(pull)
    db.execute(update(AuthSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    for ended in (push(), pull()):
        assert ended.status_code == 401 and ended.json()["code"] == "session_ended"
    refused = push(factory.login_as(Role.marketing)[1])
    assert refused.status_code == 403 and refused.json()["code"] == "role_forbidden"
    assert len(db.scalars(select(Outcome)).all()) == 1
    db.commit()
