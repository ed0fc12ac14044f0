"""A share is made by the rep's phone through the push, exactly once, with only the token's
hash kept and only items the rep may see; the rep's pull carries it with its reading."""

import hashlib
import uuid

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth.models import Role
from tests.factories import Factory
from tests.shares.helpers import Scene, new_token, share_create, share_revoke, stored
from tests.sync.helpers import Phone, push


def test_a_share_is_made_once_under_retries_and_keeps_only_the_tokens_hash(
    client: TestClient, db: Session, world: Scene
) -> None:
    token = new_token()
    mutation = share_create(world.lead.id, [world.pdf.id, world.video.id], token=token)
    assert push(client, world.headers, mutation)[0]["status"] == "applied"
    for _ in range(3):  # the phone did not hear the answer and sends it again
        assert push(client, world.headers, mutation)[0]["status"] == "duplicate"
    assert push(client, world.headers, mutation, device="d2")[0]["status"] == "duplicate"

    shares = stored(db)
    assert len(shares) == 1
    share = shares[0]
    assert share.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(share.model_dump())
    assert share.collateral_ids == [str(world.pdf.id), str(world.video.id)]
    assert share.campaign_id == world.campaign.id
    days = (share.expires_at - share.created_at).days
    assert days == 30

    page = client.get(f"/s/{token}")
    assert page.status_code == 200


def test_the_same_id_with_other_content_is_a_conflict_and_writes_nothing(
    client: TestClient, db: Session, world: Scene
) -> None:
    mutation = share_create(world.lead.id, [world.pdf.id])
    assert push(client, world.headers, mutation)[0]["status"] == "applied"
    changed = {**mutation, "token": new_token()}
    result = push(client, world.headers, changed)[0]
    assert (result["status"], result["reason"]) == ("rejected", "conflict")
    assert len(stored(db)) == 1


def test_tokens_are_unique_and_must_hold_128_bits(
    client: TestClient, db: Session, world: Scene
) -> None:
    token = new_token()
    first = push(client, world.headers, share_create(world.lead.id, [world.pdf.id], token=token))
    again = push(client, world.headers, share_create(world.lead.id, [world.pdf.id], token=token))
    short = push(client, world.headers, share_create(world.lead.id, [world.pdf.id], token="abc"))
    assert first[0]["status"] == "applied"
    assert (again[0]["status"], again[0]["reason"]) == ("rejected", "token_taken")
    assert (short[0]["status"], short[0]["reason"]) == ("rejected", "invalid")
    assert "token" in short[0]["detail"]
    assert len(stored(db)) == 1


def test_only_items_the_rep_may_see_and_only_own_leads(
    client: TestClient, db: Session, factory: Factory, world: Scene
) -> None:
    mixed = push(
        client, world.headers, share_create(world.lead.id, [world.pdf.id, world.hidden.id])
    )
    assert mixed[0]["status"] == "applied" and mixed[0]["flags"] == ["collateral_dropped"]
    only_hidden = push(client, world.headers, share_create(world.lead.id, [world.hidden.id]))
    assert (only_hidden[0]["status"], only_hidden[0]["reason"]) == (
        "rejected",
        "unknown_collateral",
    )
    _, stranger = factory.login_as(Role.rep)
    foreign = push(client, stranger, share_create(world.lead.id, [world.pdf.id]))
    assert (foreign[0]["status"], foreign[0]["reason"]) == ("rejected", "unknown_lead")
    shares = stored(db)
    assert [s.collateral_ids for s in shares] == [[str(world.pdf.id)]]


def test_the_rep_revokes_by_mutation_and_the_link_answers_410(
    client: TestClient, factory: Factory, world: Scene
) -> None:
    token = new_token()
    create = share_create(world.lead.id, [world.pdf.id], token=token)
    push(client, world.headers, create)
    _, stranger = factory.login_as(Role.rep)
    foreign = push(client, stranger, share_revoke(create["share_id"]))
    assert foreign[0]["reason"] == "unknown_share"
    assert client.get(f"/s/{token}").status_code == 200

    assert push(client, world.headers, share_revoke(create["share_id"]))[0]["status"] == "applied"
    gone = client.get(f"/s/{token}")
    assert gone.status_code == 410
    assert "no longer available" in gone.text
    assert client.get(f"/s/{token}/files/{world.pdf.id}").status_code == 410


def test_created_and_revoked_in_one_batch_from_an_offline_phone(
    client: TestClient, world: Scene
) -> None:
    token = new_token()
    create = share_create(world.lead.id, [world.pdf.id], token=token)
    results = push(client, world.headers, create, share_revoke(create["share_id"]))
    assert [r["status"] for r in results] == ["applied", "applied"]
    assert client.get(f"/s/{token}").status_code == 410


def test_the_reps_pull_carries_the_share_with_its_state(client: TestClient, world: Scene) -> None:
    phone = Phone(client, world.headers)
    phone.sync()
    create = share_create(world.lead.id, [world.pdf.id])
    push(client, world.headers, create)
    phone.sync()
    shares = phone.state["leads"][str(world.lead.id)]["shares"]
    assert [(s["id"], s["status"], s["visits"]) for s in shares] == [
        (create["share_id"], "active", 0)
    ]
    push(client, world.headers, share_revoke(create["share_id"]))
    phone.sync()
    assert phone.state["leads"][str(world.lead.id)]["shares"][0]["status"] == "revoked"


def test_an_unknown_share_id_is_refused(client: TestClient, world: Scene) -> None:
    result = push(client, world.headers, share_revoke(uuid.uuid4()))[0]
    assert (result["status"], result["reason"]) == ("rejected", "unknown_share")
