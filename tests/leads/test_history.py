"""A lead's page in the console: every visit (newest first, with rep, outcome, chips, note and
collateral shown with seconds and pages), the signals about it and the collateral it was shown;
for marketing and admins only."""

import uuid
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth.models import Role
from app.sync.push import push
from tests.factories import Factory
from tests.insights.helpers import World, log, retract


@pytest.fixture
def world(db: Session) -> World:
    return World(db)


def test_marketing_reads_a_leads_whole_history(
    client: TestClient, factory: Factory, world: World
) -> None:
    rep = world.rep("Jürgen Groß", team="Hamburg")
    campaign = world.campaign("Spring")
    chart, flyer = world.collateral(campaign, "Savings chart"), world.collateral(campaign, "Flyer")
    lead = world.lead(rep, campaign=campaign, company="Bäckerei Süß")
    other = world.lead(rep, campaign=campaign, company="Autohaus Nord")
    first = log(lead, "objection", date(2026, 10, 5), details=["price"], note="Zu teuer",
                views=[(chart, 30, [1, 3])])  # fmt: skip
    second = log(lead, "won", date(2026, 10, 9), views=[(chart, 50, [2]), (flyer, 8, [])])
    gone = log(lead, "follow_up", date(2026, 10, 7))
    world.push(rep, [first, second, gone, log(other, "won", date(2026, 10, 6))])
    world.push(rep, [retract(gone["id"])])
    signal = {"type": "signal.send", "id": str(uuid.uuid4()), "kind": "competitor",
              "lead_id": str(lead.id), "text": "Rivale war schon da"}  # fmt: skip
    push(world.db, rep_id=rep.id, device_id="d1", mutations=[signal])
    world.db.commit()
    _, headers = factory.login_as(Role.marketing)
    body = client.get(f"/api/v1/leads/{lead.id}/history", headers=headers).json()
    assert body["company"] == "Bäckerei Süß" and body["visits_total"] == 2
    assert [v["outcome_id"] for v in body["visits"]] == [second["id"], first["id"]]
    latest, earliest = body["visits"]
    assert latest["rep_name"] == "Jürgen Groß" and latest["label"] == "Won"
    assert [(c["title"], c["seconds"]) for c in latest["collateral"]] == [
        ("Flyer", 8),
        ("Savings chart", 50),
    ]
    assert earliest["chips"] == ["price"] and earliest["note"] == "Zu teuer"
    assert earliest["collateral"][0]["pages"] == [1, 3]
    assert [s["text"] for s in body["signals"]] == ["Rivale war schon da"]
    shown = {c["title"]: c for c in body["collateral"]}
    assert shown["Savings chart"]["visits"] == 2 and shown["Savings chart"]["seconds"] == 80
    assert shown["Savings chart"]["pages"] == [1, 2, 3]
    assert shown["Flyer"]["visits"] == 1
    assert [c["title"] for c in body["collateral"]] == ["Savings chart", "Flyer"]


def test_only_marketing_and_admins_read_a_history(
    client: TestClient, factory: Factory, world: World
) -> None:
    owner, owner_headers = factory.login_as(Role.rep)
    _, other_rep = factory.login_as(Role.rep)
    lead = world.lead(owner, campaign=None)
    path = f"/api/v1/leads/{lead.id}/history"
    assert client.get(path).status_code == 401
    assert client.get(path, headers=other_rep).status_code == 403  # another rep's lead
    assert client.get(path, headers=owner_headers).status_code == 403  # the console is not theirs
    for role in (Role.marketing, Role.admin):
        _, headers = factory.login_as(role)
        answer = client.get(path, headers=headers)
        assert answer.status_code == 200 and answer.json()["visits"] == []
    missing = client.get(f"/api/v1/leads/{uuid.uuid4()}/history", headers=headers)
    assert missing.status_code == 404
    assert client.get("/api/v1/leads/not-a-lead/history", headers=headers).status_code == 422
