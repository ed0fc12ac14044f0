import base64
import json
import uuid
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from sqlmodel import Session, select

from app.auth.models import Role
from app.campaigns.models import CampaignStatus
from app.changes.log import SyncChange
from app.core.settings import Settings
from app.core.time import utcnow
from app.leads.models import Lead
from app.leads.service import update_lead
from tests.cli import strang
from tests.factories import Factory
from tests.sync.helpers import Content, Phone, outcome, push

PULL = "/api/v1/sync/pull"


def test_initial_sync_is_paged_and_then_continues_as_a_delta(
    client: TestClient, factory: Factory, content: Content
) -> None:
    rep, headers = factory.login_as(Role.rep)
    campaign = content.campaign()
    item = content.collateral(campaign)
    leads = [content.lead(rep, campaign=campaign, recommended=[str(item.id)]) for _ in range(7)]
    phone = Phone(client, headers)
    requests = phone.sync(limit=3)
    assert requests >= 5
    assert phone.ids("leads") == {str(lead.id) for lead in leads}
    assert phone.ids("campaigns") == {str(campaign.id)}
    assert phone.ids("collateral") == {str(item.id)}
    assert len(phone.ids("outcome_codes")) == 6
    lead = phone.state["leads"][str(leads[0].id)]
    assert lead["brief_html"] == "<p>Visit <strong>soon</strong></p>"
    assert lead["recommended_collateral_ids"] == [str(item.id)]
    # Nothing changed: a tiny answer with the same cursor.
    response = client.get(PULL, headers=headers, params={"cursor": phone.cursor})
    body = response.json()
    assert body["has_more"] is False and body["cursor"] == phone.cursor
    assert len(response.content) < 400
    extra = content.lead(rep)
    phone.sync()
    assert str(extra.id) in phone.ids("leads")


@pytest.mark.parametrize("cursor", ["garbage!!", "eyJ2Ijo5OX0", "", "x" * 300])
def test_unknown_cursor_answers_with_a_full_resync(
    client: TestClient, factory: Factory, content: Content, cursor: str
) -> None:
    rep, headers = factory.login_as(Role.rep)
    lead = content.lead(rep)
    response = client.get(PULL, headers=headers, params={"cursor": cursor})
    assert response.status_code == 200
    body = response.json()
    assert body["reset"] is (cursor != "")
    assert [item["id"] for item in body["changes"]["leads"]] == [str(lead.id)]


def test_cursor_of_another_rep_or_from_the_future_resyncs(
    client: TestClient, factory: Factory, content: Content
) -> None:
    rep, headers = factory.login_as(Role.rep)
    _, other_headers = factory.login_as(Role.rep)
    content.lead(rep)
    phone = Phone(client, headers)
    phone.sync()
    assert client.get(PULL, headers=other_headers, params={"cursor": phone.cursor}).json()["reset"]
    data = json.loads(base64.urlsafe_b64decode(phone.cursor + "=="))  # type: ignore[operator]
    data["c"] += 1000
    future = base64.urlsafe_b64encode(json.dumps(data).encode()).decode()
    assert client.get(PULL, headers=headers, params={"cursor": future}).json()["reset"]


def test_reassignment_moves_the_lead_between_phones(
    client: TestClient, factory: Factory, content: Content
) -> None:
    old_rep, old_headers = factory.login_as(Role.rep)
    new_rep, new_headers = factory.login_as(Role.rep)
    lead = content.lead(old_rep)
    old_phone, new_phone = Phone(client, old_headers), Phone(client, new_headers)
    old_phone.sync()
    new_phone.sync()
    assert str(lead.id) in old_phone.ids("leads") and not new_phone.ids("leads")
    content.reassign(lead, new_rep)
    old_phone.sync()
    new_phone.sync()
    assert not old_phone.ids("leads") and new_phone.ids("leads") == {str(lead.id)}


def test_a_reassignment_from_a_stale_read_still_reaches_the_rep_in_between(
    client: TestClient, factory: Factory, content: Content, engine: Engine
) -> None:
    """Two marketers reassign the same lead, the second from what it loaded before the first
    committed (PostgreSQL's read-committed race, made deterministic): the rep in between
    must lose the lead, not keep it for ever."""
    first, _ = factory.login_as(Role.rep)
    middle, middle_headers = factory.login_as(Role.rep)
    last, last_headers = factory.login_as(Role.rep)
    lead = content.lead(first)
    with Session(engine, expire_on_commit=False) as stale:
        loaded = stale.get(Lead, lead.id)
        assert loaded is not None
        stale.commit()
        content.reassign(lead, middle)
        middle_phone = Phone(client, middle_headers)
        middle_phone.sync()
        assert middle_phone.ids("leads") == {str(lead.id)}
        update_lead(stale, lead=loaded, changes={"rep_id": last.id})
        stale.commit()
    middle_phone.sync()
    last_phone = Phone(client, last_headers)
    last_phone.sync()
    assert not middle_phone.ids("leads") and last_phone.ids("leads") == {str(lead.id)}


def test_archiving_a_campaign_removes_it_and_its_collateral(
    client: TestClient, factory: Factory, content: Content
) -> None:
    _, headers = factory.login_as(Role.rep)
    campaign = content.campaign()
    item = content.collateral(campaign)
    phone = Phone(client, headers)
    phone.sync()
    assert phone.ids("collateral") == {str(item.id)}
    content.update_campaign(campaign, status=CampaignStatus.archived)
    phone.sync()
    assert not phone.ids("campaigns") and not phone.ids("collateral")
    content.update_campaign(campaign, status=CampaignStatus.live)
    phone.sync()
    assert phone.ids("collateral") == {str(item.id)}


def test_audience_change_moves_a_campaign_between_regions(
    client: TestClient, factory: Factory, content: Content
) -> None:
    _, north = factory.login_as(Role.rep, region="North", team="Hamburg")
    _, south = factory.login_as(Role.rep, region="South", team="Munich")
    campaign = content.campaign(regions=["North"])
    north_phone, south_phone = Phone(client, north), Phone(client, south)
    north_phone.sync()
    south_phone.sync()
    assert north_phone.ids("campaigns") == {str(campaign.id)} and not south_phone.ids("campaigns")
    content.update_campaign(campaign, audience_regions=["South"])
    north_phone.sync()
    south_phone.sync()
    assert not north_phone.ids("campaigns") and south_phone.ids("campaigns") == {str(campaign.id)}


def test_a_rep_moved_to_another_region_or_team_gets_that_audience(
    client: TestClient, factory: Factory, content: Content
) -> None:
    rep, headers = factory.login_as(Role.rep, region="North", team="Hamburg")
    admin = factory.auth(factory.user(Role.admin))
    north = content.campaign(regions=["North"])
    south = content.campaign(regions=["South"])
    north_doc, south_doc = content.collateral(north), content.collateral(south)
    phone = Phone(client, headers)
    phone.sync()
    assert phone.ids("campaigns") == {str(north.id)}
    assert phone.ids("collateral") == {str(north_doc.id)}
    moved = client.patch(f"/api/v1/users/{rep.id}", json={"region": "South"}, headers=admin)
    assert moved.status_code == 200
    phone.sync()
    assert phone.ids("campaigns") == {str(south.id)}
    assert phone.ids("collateral") == {str(south_doc.id)}
    client.patch(f"/api/v1/users/{rep.id}", json={"team": "Bremen"}, headers=admin)
    phone.sync()  # a change that moves nothing keeps the phone as it is
    assert phone.ids("campaigns") == {str(south.id)}


def test_a_new_collateral_version_replaces_the_old_one_on_the_phone(
    client: TestClient, factory: Factory, content: Content
) -> None:
    rep, headers = factory.login_as(Role.rep)
    campaign = content.campaign()
    old = content.collateral(campaign)
    lead = content.lead(rep, campaign=campaign, recommended=[str(old.id)])
    phone = Phone(client, headers)
    phone.sync()
    new = content.collateral(campaign, replaces=old)
    phone.sync()
    assert phone.ids("collateral") == {str(new.id)}
    assert phone.state["collateral"][str(new.id)]["replaces_id"] == str(old.id)
    fresh = Phone(client, headers)
    fresh.sync()
    assert fresh.state["leads"][str(lead.id)]["recommended_collateral_ids"] == [str(new.id)]


def test_lead_carries_the_history_of_earlier_outcomes_by_anyone(
    client: TestClient, factory: Factory, content: Content
) -> None:
    first, first_headers = factory.login_as(Role.rep, name="Jonas Becker")
    second, second_headers = factory.login_as(Role.rep)
    lead = content.lead(first)
    push(client, first_headers, outcome(lead.id, "objection", details=["price"], note="n" * 500))
    content.reassign(lead, second)
    phone = Phone(client, second_headers)
    phone.sync()
    history = phone.state["leads"][str(lead.id)]["history"]
    assert [(h["code"], h["rep_name"]) for h in history] == [("objection", "Jonas Becker")]
    assert len(history[0]["note_excerpt"]) <= 140
    push(client, second_headers, outcome(lead.id, "won"))
    phone.sync()
    assert [h["code"] for h in phone.state["leads"][str(lead.id)]["history"]] == [
        "won",
        "objection",
    ]


def test_signal_acknowledgement_reaches_the_reps_phone(
    client: TestClient, factory: Factory, content: Content
) -> None:
    _, headers = factory.login_as(Role.rep)
    _, marketing = factory.login_as(Role.marketing)
    signal_id = str(uuid.uuid4())
    send = {"type": "signal.send", "id": signal_id, "kind": "need_material", "text": "Flyer?"}
    push(client, headers, send)
    phone = Phone(client, headers)
    phone.sync()
    assert phone.state["signals"][signal_id]["status"] == "open"
    inbox = client.get("/api/v1/signals", headers=marketing, params={"status": "open"}).json()
    assert [s["id"] for s in inbox] == [signal_id]
    answer = client.post(
        f"/api/v1/signals/{signal_id}/acknowledge", headers=marketing, json={"reply": "Coming"}
    )
    assert answer.status_code == 200 and answer.json()["status"] == "acknowledged"
    phone.sync()
    assert phone.state["signals"][signal_id]["reply"] == "Coming"
    assert client.get("/api/v1/signals", headers=marketing, params={"status": "open"}).json() == []


def test_a_phone_behind_the_pruned_change_log_gets_a_full_resync(
    client: TestClient, factory: Factory, content: Content, settings: Settings, db: Session
) -> None:
    _, headers = factory.login_as(Role.rep)
    old = content.campaign()
    stale, current = Phone(client, headers), Phone(client, headers)
    stale.sync()
    new = content.campaign()
    current.sync()  # has seen everything so far
    db.execute(update(SyncChange).values(at=utcnow() - timedelta(days=200)))
    db.commit()
    pruned = strang(settings, "sync", "prune", "--days", "180")
    assert pruned.exit_code == 0 and "Pruned" in pruned.stdout
    assert db.exec(select(SyncChange)).all() == []
    db.commit()
    answer = client.get("/api/v1/sync/pull", params={"cursor": stale.cursor}, headers=headers)
    assert answer.json()["reset"] is True
    assert {c["id"] for c in answer.json()["changes"]["campaigns"]} == {str(old.id), str(new.id)}
    answer = client.get("/api/v1/sync/pull", params={"cursor": current.cursor}, headers=headers)
    assert answer.json()["reset"] is False and answer.json()["has_more"] is False
    later = content.campaign()  # the log goes on above the horizon
    current.sync()
    assert current.ids("campaigns") == {str(old.id), str(new.id), str(later.id)}
