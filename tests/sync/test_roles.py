from fastapi.testclient import TestClient

from app.auth.models import Role
from tests.factories import Factory
from tests.sync.helpers import Content, Phone, outcome


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
