"""Marketing sees the shares and may end one; reps and strangers may not."""

import uuid

from fastapi.testclient import TestClient

from app.auth.models import Role
from tests.factories import Factory
from tests.shares.helpers import Scene, new_token, share_create
from tests.sync.helpers import Phone, push


def test_marketing_revokes_a_share_and_the_reps_phone_learns_it(
    client: TestClient, factory: Factory, world: Scene
) -> None:
    token = new_token()
    create = share_create(world.lead.id, [world.pdf.id], token=token)
    push(client, world.headers, create)
    phone = Phone(client, world.headers)
    phone.sync()
    _, marketing = factory.login_as(Role.marketing)
    _, admin = factory.login_as(Role.admin)
    listed = client.get("/api/v1/shares", headers=marketing).json()
    assert [(s["id"], s["rep_name"], s["status"]) for s in listed] == [
        (create["share_id"], "Rita Rep", "active")
    ]
    assert "token" not in listed[0] and "token_hash" not in listed[0]

    path = f"/api/v1/shares/{create['share_id']}/revoke"
    assert client.post(path).status_code == 401
    assert client.post(path, headers=world.headers).status_code == 403
    assert client.get(f"/s/{token}").status_code == 200
    revoked = client.post(path, headers=marketing)
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert client.post(path, headers=admin).json()["status"] == "revoked"  # again: no change
    assert client.get(f"/s/{token}").status_code == 410
    phone.sync()
    assert phone.state["leads"][str(world.lead.id)]["shares"][0]["status"] == "revoked"
    missing = client.post(f"/api/v1/shares/{uuid.uuid4()}/revoke", headers=marketing)
    assert missing.status_code == 404
