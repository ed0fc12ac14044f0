"""What a rep is given, the rep can use: a rep sees a live campaign in their audience, and a
live campaign one of whose leads they hold, whichever way the lead reached them. Outcomes and
signals may quote only what the rep could see; the rest is dropped with a flag."""

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.auth.models import Role, User
from app.campaigns.models import Campaign, CampaignStatus
from app.outcomes.models import OutcomeCollateralFit, OutcomeCollateralView
from app.signals.models import Signal
from tests.factories import Factory
from tests.sync.helpers import Content, Phone, outcome, push

LEADS = "/api/v1/leads"


Undo = Callable[[], None]


class Marketing:
    """The console's ways of giving a lead to a rep; each returns how to take it away again."""

    def __init__(self, client: TestClient, headers: dict[str, str], content: Content) -> None:
        self.client = client
        self.headers = headers
        self.content = content

    def send(self, method: str, url: str, **kwargs: Any) -> Any:
        answer = self.client.request(method, url, headers=self.headers, **kwargs)
        assert answer.status_code in (200, 201, 204), answer.text
        return answer.json() if answer.content else None

    def by_hand(self, campaign: Campaign, to: User, away: User) -> Undo:
        lead = self.content.lead(away, campaign=campaign)
        self.patch(lead.id, rep_id=str(to.id))
        return lambda: self.patch(lead.id, rep_id=str(away.id))

    def in_bulk(self, campaign: Campaign, to: User, away: User) -> Undo:
        ids = [str(self.content.lead(away, campaign=campaign).id) for _ in range(2)]
        self.assign(ids, to)
        return lambda: self.assign(ids, away)

    def by_import(self, campaign: Campaign, to: User, away: User) -> Undo:
        self.csv(campaign, to)
        return lambda: self.csv(campaign, away)  # the same customer number: reassigned

    def created(self, campaign: Campaign, to: User, away: User) -> Undo:
        body = {"company": "Kruse KG", "rep_id": str(to.id), "campaign_id": str(campaign.id)}
        lead_id = self.send("POST", LEADS, json=body)["id"]
        return lambda: self.send("DELETE", f"{LEADS}/{lead_id}")

    def moved_in(self, campaign: Campaign, to: User, away: User) -> Undo:
        lead = self.content.lead(to)  # the rep's own lead, moved into the campaign and out
        self.patch(lead.id, campaign_id=str(campaign.id))
        return lambda: self.patch(lead.id, campaign_id=None)

    def patch(self, lead_id: uuid.UUID, **changes: object) -> None:
        self.send("PATCH", f"{LEADS}/{lead_id}", json=changes)

    def assign(self, ids: list[str], rep: User) -> None:
        self.send("POST", f"{LEADS}/assign", json={"lead_ids": ids, "rep_id": str(rep.id)})

    def csv(self, campaign: Campaign, rep: User) -> None:
        rows = (
            f"Kundennummer;Firma;Außendienst;Kampagne\r\nK-7;Kruse;{rep.email};{campaign.name}\r\n"
        )
        self.send(
            "POST", f"{LEADS}/import", files={"file": ("leads.csv", rows.encode(), "text/csv")}
        )


@pytest.mark.parametrize("way", ["by_hand", "in_bulk", "by_import", "created", "moved_in"])
def test_a_lead_outside_its_campaigns_audience_brings_the_campaign_and_takes_it_away(
    client: TestClient, factory: Factory, content: Content, way: str
) -> None:
    _, headers = factory.login_as(Role.marketing)
    marketing = Marketing(client, headers, content)
    north, north_headers = factory.login_as(Role.rep, region="North", team="Hamburg")
    south = factory.user(Role.rep, region="South", team="Munich")
    campaign = content.campaign(regions=["South"])
    old = content.collateral(campaign)
    item = content.collateral(campaign, replaces=old)
    phone = Phone(client, north_headers)
    phone.sync()
    assert phone.ids("campaigns") == set()

    take_away = getattr(marketing, way)(campaign, north, south)
    phone.sync()
    assert phone.ids("leads")
    assert phone.ids("campaigns") == {str(campaign.id)}
    assert phone.ids("collateral") == {str(item.id)}  # the current version only
    fresh = Phone(client, north_headers)  # a new phone gets the same from its snapshot
    fresh.sync()
    assert fresh.state == phone.state

    take_away()
    phone.sync()
    assert phone.ids("campaigns") == phone.ids("collateral") == set()


def test_a_rep_keeps_a_campaign_narrowed_away_while_holding_its_lead(
    client: TestClient, factory: Factory, content: Content
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    holder, holder_headers = factory.login_as(Role.rep, region="North")
    _, other_headers = factory.login_as(Role.rep, region="North")
    factory.user(Role.rep, region="South")
    campaign = content.campaign()
    item = content.collateral(campaign)
    content.lead(holder, campaign=campaign)
    phones = [Phone(client, holder_headers), Phone(client, other_headers)]
    for phone in phones:
        phone.sync()
        assert phone.ids("campaigns") == {str(campaign.id)}
    narrowed = client.patch(
        f"/api/v1/campaigns/{campaign.id}",
        json={"audience_all": False, "audience_regions": ["South"]},
        headers=marketing,
    )
    assert narrowed.status_code == 200, narrowed.text
    holding, other = phones
    holding.sync()
    other.sync()
    assert holding.ids("campaigns") == {str(campaign.id)}
    assert holding.ids("collateral") == {str(item.id)}
    assert other.ids("campaigns") == other.ids("collateral") == set()
    content.update_campaign(campaign, status=CampaignStatus.archived)  # archived: gone for all
    holding.sync()
    assert holding.ids("campaigns") == holding.ids("collateral") == set()


def test_outcome_quoting_collateral_the_rep_could_not_see_is_kept_without_it(
    client: TestClient, factory: Factory, content: Content, db: Session
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    rep, headers = factory.login_as(Role.rep, region="North")
    south = factory.user(Role.rep, region="South")
    mine = content.campaign(regions=["North"])
    old = content.collateral(mine)
    current = content.collateral(mine, replaces=old)  # the phone may still quote `old`
    elsewhere = content.campaign(regions=["South"])
    foreign = content.collateral(elsewhere)
    draft = content.campaign(live=False)
    unseen = content.collateral(draft)
    lead = content.lead(rep, campaign=mine)
    given = content.lead(rep, campaign=content.campaign(regions=["South"]))
    given_item = content.collateral(db.get(Campaign, given.campaign_id))  # type: ignore[arg-type]
    gone = content.lead(rep, campaign=content.campaign(regions=["South"]))
    gone_item = content.collateral(db.get(Campaign, gone.campaign_id))  # type: ignore[arg-type]
    content.reassign(gone, south)  # an unsent outcome about it may still arrive

    def viewed(*items: object) -> list[dict[str, object]]:
        return [{"collateral_id": str(i.id), "seconds": 20, "pages": [1]} for i in items]  # type: ignore[attr-defined]

    quoting = outcome(
        lead.id,
        "won",
        collateral_viewed=[
            *viewed(old, current, foreign, unseen),
            {"collateral_id": str(uuid.uuid4()), "seconds": 5},  # no such item
        ],
        collateral_fit=[
            {"collateral_id": str(current.id), "fit": "up"},
            {"collateral_id": str(foreign.id), "fit": "down"},
        ],
    )
    clean = outcome(given.id, "won", collateral_viewed=viewed(given_item, current))
    late = outcome(gone.id, "won", collateral_viewed=viewed(gone_item))
    results = push(client, headers, quoting, clean, late)
    assert [r["status"] for r in results] == ["applied"] * 3
    assert results[0]["flags"] == ["collateral_dropped"]
    assert results[1]["flags"] == []
    assert results[2]["flags"] == ["reassigned"]  # the lead's own campaign may be quoted
    views = db.exec(select(OutcomeCollateralView.outcome_id, OutcomeCollateralView.collateral_id))
    assert {(str(o), c) for o, c in views} == {
        (quoting["id"], old.id),
        (quoting["id"], current.id),
        (clean["id"], given_item.id),
        (clean["id"], current.id),
        (late["id"], gone_item.id),
    }
    fits = db.exec(select(OutcomeCollateralFit.collateral_id, OutcomeCollateralFit.fit)).all()
    assert fits == [(current.id, "up")]
    db.commit()
    figures = client.get("/api/v1/insights/collateral", headers=marketing).json()
    counted = {item["collateral_id"]: item["viewed_visits"] for item in figures["items"]}
    assert str(foreign.id) not in counted and str(unseen.id) not in counted
    assert counted[str(current.id)] == 2 and counted[str(old.id)] == 1
    assert str(foreign.id) in {item["collateral_id"] for item in figures["dead_stock"]}


def test_a_signal_naming_a_campaign_the_rep_could_not_see_is_kept_without_it(
    client: TestClient, factory: Factory, content: Content, db: Session
) -> None:
    rep, headers = factory.login_as(Role.rep, region="North")
    mine = content.campaign(regions=["North"])
    elsewhere = content.campaign(regions=["South"])
    archived = content.campaign(regions=["North"])
    content.update_campaign(archived, status=CampaignStatus.archived)  # seen before: kept
    lead = content.lead(rep, campaign=mine)

    def signal(**extra: object) -> dict[str, object]:
        return {"type": "signal.send", "id": str(uuid.uuid4()), "kind": "competitor", **extra}

    sent = [
        signal(campaign_id=str(elsewhere.id), text="seen at Kruse"),
        signal(campaign_id=str(elsewhere.id), lead_id=str(lead.id), text="from a lead"),
        signal(campaign_id=str(mine.id), text="mine"),
        signal(campaign_id=str(archived.id), text="archived"),
        signal(campaign_id=str(uuid.uuid4()), text="unknown"),
    ]
    results = push(client, headers, *sent)
    assert [(r["status"], r["flags"]) for r in results[:4]] == [
        ("applied", ["campaign_dropped"]),
        ("applied", ["campaign_dropped"]),
        ("applied", []),
        ("applied", []),
    ]
    assert (results[4]["status"], results[4]["reason"]) == ("rejected", "unknown_campaign")
    stored = {s.text: s.campaign_id for s in db.exec(select(Signal))}
    assert stored == {
        "seen at Kruse": None,
        "from a lead": mine.id,  # the lead's own campaign instead
        "mine": mine.id,
        "archived": archived.id,
    }
