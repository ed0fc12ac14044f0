"""Marketing sees the shares and may end one; reps and strangers may not."""

import uuid

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

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


def test_marketing_sees_per_item_how_sharing_went(
    client: TestClient, factory: Factory, world: Scene
) -> None:
    opened, unopened = new_token(), new_token()
    both = [world.pdf.id, world.video.id]
    push(client, world.headers, share_create(world.lead.id, both, token=opened))
    push(client, world.headers, share_create(world.lead.id, [world.pdf.id], token=unopened))
    page = client.get(f"/s/{opened}").text
    visit = page.split('data-visit="')[1].split('"')[0]
    reading = [{"collateral_id": str(world.pdf.id), "page": p, "seconds": 30} for p in (1, 2)]
    beacon = client.post(f"/s/{opened}/beacon", json={"visit": visit, "readings": reading})
    assert beacon.status_code == 204
    _, marketing = factory.login_as(Role.marketing)
    assert client.get("/api/v1/shares/insights", headers=world.headers).status_code == 403
    answer = client.get("/api/v1/shares/insights", headers=marketing).json()
    items = {i["collateral_id"]: i for i in answer}
    pdf, video = items[str(world.pdf.id)], items[str(world.video.id)]
    assert (pdf["shared"], pdf["opened"], pdf["median_seconds"], pdf["pages_read"]) == (2, 1, 60, 2)
    assert 0 < pdf["opened_low"] < 0.5 < pdf["opened_high"] <= 1
    assert (video["shared"], video["opened"], video["median_seconds"]) == (1, 1, 0)
    assert str(world.hidden.id) not in items


def test_deleting_a_share_deletes_what_was_measured(
    client: TestClient, db: Session, factory: Factory, world: Scene
) -> None:
    token = new_token()
    create = share_create(world.lead.id, [world.pdf.id], token=token)
    push(client, world.headers, create)
    visit = client.get(f"/s/{token}").text.split('data-visit="')[1].split('"')[0]
    item = {"collateral_id": str(world.pdf.id), "page": 1, "seconds": 5}
    client.post(f"/s/{token}/beacon", json={"visit": visit, "readings": [item]})
    phone = Phone(client, world.headers)
    phone.sync()
    _, marketing = factory.login_as(Role.marketing)
    path = f"/api/v1/shares/{create['share_id']}"
    assert client.delete(path, headers=world.headers).status_code == 403
    assert client.delete(path, headers=marketing).status_code == 204
    counts = [
        db.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
        for table in ("share", "share_visit", "share_reading")
    ]
    db.commit()
    assert counts == [0, 0, 0]
    assert client.get(f"/s/{token}").status_code == 404
    phone.sync()
    assert phone.state["leads"][str(world.lead.id)]["shares"] == []
    assert client.delete(path, headers=marketing).status_code == 404
