import uuid

from fastapi.testclient import TestClient

from app.auth.models import Role
from tests.factories import Factory
from tests.sync.helpers import push


def test_only_marketing_and_admin_read_and_acknowledge_signals(
    client: TestClient, factory: Factory
) -> None:
    _, rep_headers = factory.login_as(Role.rep, name="Lena Fischer")
    signal_id = str(uuid.uuid4())
    push(
        client,
        rep_headers,
        {"type": "signal.send", "id": signal_id, "kind": "price_pressure", "text": "Too dear"},
    )
    assert client.get("/api/v1/signals", headers=rep_headers).status_code == 403
    ack = f"/api/v1/signals/{signal_id}/acknowledge"
    assert client.post(ack, headers=rep_headers, json={}).status_code == 403
    for role in (Role.marketing, Role.admin):
        _, headers = factory.login_as(role)
        inbox = client.get("/api/v1/signals", headers=headers).json()
        assert inbox[0]["rep"]["name"] == "Lena Fischer" and inbox[0]["kind"] == "price_pressure"
    assert client.post(ack, headers=headers, json={"reply": "x" * 2001}).status_code == 422
    assert client.post(ack, headers=headers, json={}).json()["status"] == "acknowledged"
    missing = f"/api/v1/signals/{uuid.uuid4()}/acknowledge"
    assert client.post(missing, headers=headers, json={}).status_code == 404
    done = client.get("/api/v1/signals", headers=headers, params={"status": "acknowledged"})
    assert [s["id"] for s in done.json()] == [signal_id]
