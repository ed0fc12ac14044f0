import uuid

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.auth.models import Role
from app.campaigns.models import Campaign, CampaignStatus
from app.campaigns.service import campaigns_visible_to, is_campaign_visible
from app.changes.log import SyncChange, SyncEntity
from tests.campaigns.factories import campaign, lead, pdf_bytes, upload
from tests.factories import Factory
from tests.sync.helpers import outcome, push

BODY = {
    "name": "Frühjahrsaktion 2027",
    "key_message": "Save 20% on service contracts",
    "talking_points_md": "- **Fast** delivery\n- <script>alert(1)</script>",
    "starts_on": "2027-03-01",
    "ends_on": "2027-04-30",
    "audience_all": False,
    "audience_regions": ["North"],
    "audience_teams": ["Munich"],
}


def test_marketing_creates_reads_updates_campaigns(client: TestClient, factory: Factory) -> None:
    _, marketing = factory.login_as(Role.marketing)
    factory.user(Role.rep, region="North", team="Munich")  # the audience names real reps
    created = client.post("/api/v1/campaigns", json=BODY, headers=marketing)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["status"] == "draft"
    assert "<strong>Fast</strong>" in body["talking_points_html"]
    assert "<script" not in body["talking_points_html"]
    campaign_id = body["id"]
    live = client.patch(
        f"/api/v1/campaigns/{campaign_id}", json={"status": "live"}, headers=marketing
    )
    assert live.json()["status"] == "live"
    back = client.patch(
        f"/api/v1/campaigns/{campaign_id}", json={"status": "draft"}, headers=marketing
    )
    assert back.status_code == 409
    assert "status" in back.json()["detail"]
    listed = client.get("/api/v1/campaigns", headers=marketing).json()
    assert [c["id"] for c in listed] == [campaign_id]


def test_bad_campaign_input_names_the_field(client: TestClient, factory: Factory) -> None:
    _, marketing = factory.login_as(Role.admin)
    bad = client.post(
        "/api/v1/campaigns", json={**BODY, "ends_on": "2027-01-01"}, headers=marketing
    )
    assert bad.status_code == 422
    assert "ends_on" in bad.text
    assert client.post("/api/v1/campaigns", json={"name": ""}, headers=marketing).status_code == 422
    assert client.get("/api/v1/campaigns", headers=marketing).json() == []


def test_reps_and_strangers_cannot_touch_campaigns(
    client: TestClient, factory: Factory, db: Session
) -> None:
    _, rep = factory.login_as(Role.rep)
    row = campaign(db)
    assert client.get("/api/v1/campaigns", headers=rep).status_code == 403
    assert client.post("/api/v1/campaigns", json=BODY, headers=rep).status_code == 403
    assert client.get(f"/api/v1/campaigns/{row.id}", headers=rep).status_code == 403
    assert client.patch(f"/api/v1/campaigns/{row.id}", json={}, headers=rep).status_code == 403
    assert client.delete(f"/api/v1/campaigns/{row.id}", headers=rep).status_code == 403
    assert client.get("/api/v1/campaigns").status_code == 401
    assert client.get(f"/api/v1/campaigns/{uuid.uuid4()}").status_code == 401


def test_audience_decides_which_reps_see_a_live_campaign(db: Session, factory: Factory) -> None:
    north = factory.user(region="North", team="Berlin")
    south = factory.user(region="South", team="Munich")
    west = factory.user(region="West", team="Cologne")
    everyone = campaign(db, name="All")
    by_region = campaign(db, name="North", audience_all=False, audience_regions=["North"])
    by_team = campaign(db, name="Munich", audience_all=False, audience_teams=["Munich"])
    campaign(db, name="Draft", status=CampaignStatus.draft)
    campaign(db, name="Gone", status=CampaignStatus.archived)

    def names(rep_user: object) -> set[str]:
        return {c.name for c in db.exec(campaigns_visible_to(db, rep_user))}  # type: ignore[arg-type]

    assert names(north) == {"All", "North"}
    assert names(south) == {"All", "Munich"}
    assert names(west) == {"All"}
    assert is_campaign_visible(db, by_team, south)
    assert not is_campaign_visible(db, by_region, south)
    assert is_campaign_visible(db, everyone, west)


def test_every_campaign_write_is_recorded_for_sync(
    client: TestClient, factory: Factory, db: Session
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    factory.user(Role.rep, region="North", team="Munich")
    campaign_id = client.post("/api/v1/campaigns", json=BODY, headers=marketing).json()["id"]
    client.patch(f"/api/v1/campaigns/{campaign_id}", json={"name": "X"}, headers=marketing)
    changes = db.exec(select(SyncChange).where(SyncChange.entity == SyncEntity.campaign)).all()
    assert [c.entity_id for c in changes] == [campaign_id, campaign_id]
    assert all(c.rep_id is None for c in changes)


def test_deleting_a_campaign_removes_its_collateral_and_keeps_its_leads(
    client: TestClient, factory: Factory, db: Session
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    rep = factory.user()
    row = campaign(db)
    item = upload(client, marketing, row.id, pdf_bytes()).json()
    kept = lead(db, rep, campaign_id=row.id)
    answer = client.delete(f"/api/v1/campaigns/{row.id}", headers=marketing)
    assert answer.status_code == 200
    assert answer.json()["result"] == "deleted"
    assert client.get(f"/api/v1/campaigns/{row.id}", headers=marketing).status_code == 404
    assert client.get(f"/api/v1/collateral/{item['id']}", headers=marketing).status_code == 404
    assert client.get(f"/api/v1/leads/{kept.id}", headers=marketing).json()["campaign_id"] is None
    lead_changes = db.exec(select(SyncChange).where(SyncChange.entity == SyncEntity.lead)).all()
    assert [(c.entity_id, c.rep_id) for c in lead_changes] == [(str(kept.id), rep.id)]


def test_a_campaign_with_outcomes_is_archived_instead_of_deleted(
    client: TestClient, factory: Factory, db: Session
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    rep = factory.user()
    row = campaign(db)
    visited = lead(db, rep, campaign_id=row.id)
    [logged] = push(client, factory.auth(rep), outcome(visited.id, "won"))
    assert logged["status"] == "applied"
    answer = client.delete(f"/api/v1/campaigns/{row.id}", headers=marketing)
    assert answer.status_code == 200
    assert answer.json()["result"] == "archived"
    assert "archived" in answer.json()["detail"]
    db.expire_all()
    assert db.get(Campaign, row.id).status == CampaignStatus.archived  # type: ignore[union-attr]
