"""What marketing does reaches the affected reps' phones as one notification each."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth.models import Role
from app.campaigns.models import CampaignStatus
from app.push.sender import PushSender
from tests.campaigns.factories import campaign, lead
from tests.factories import Factory
from tests.push.conftest import Clock, deliver, subscribed_device
from tests.push.push_service import PushService


def test_csv_import_of_500_leads_sends_one_notification_per_rep(
    client: TestClient,
    factory: Factory,
    push_service: PushService,
    sender: PushSender,
    clock: Clock,
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    anna, annas_phone, _ = subscribed_device(client, factory, push_service)
    ben, bens_phone, _ = subscribed_device(client, factory, push_service)
    _, bystander, _ = subscribed_device(client, factory, push_service)
    lines = ["external_ref,company,rep"] + [
        f"R{i},Company {i},{(anna if i % 2 else ben).email}" for i in range(500)
    ]
    files = {"file": ("leads.csv", "\n".join(lines).encode(), "text/csv")}
    answer = client.post("/api/v1/leads/import", files=files, headers=marketing)
    assert answer.status_code == 200, answer.text
    assert answer.json()["created"] == 500

    assert deliver(sender, clock) == 2
    assert [m["title"] for m in push_service.messages(annas_phone)] == ["250 new briefs"]
    assert [m["title"] for m in push_service.messages(bens_phone)] == ["250 new briefs"]
    assert push_service.messages(bystander) == []


def test_campaign_going_live_tells_its_audience_and_the_reps_holding_its_leads_only(
    client: TestClient,
    factory: Factory,
    push_service: PushService,
    sender: PushSender,
    clock: Clock,
    db: Session,
) -> None:
    _, marketing = factory.login_as(Role.marketing)
    north = factory.user(region="North")
    south = factory.user(region="South", team="Munich")
    _, north_phone, _ = subscribed_device(client, factory, push_service, user=north)
    _, south_phone, _ = subscribed_device(client, factory, push_service, user=south)
    east = factory.user(region="East")
    _, east_phone, _ = subscribed_device(client, factory, push_service, user=east)
    spring = campaign(
        db,
        name="Spring",
        status=CampaignStatus.draft,
        audience_all=False,
        audience_regions=["North"],
    )
    lead(db, east, campaign_id=spring.id)  # given a lead of it: sees it too
    answer = client.patch(
        f"/api/v1/campaigns/{spring.id}", json={"status": "live"}, headers=marketing
    )
    assert answer.status_code == 200, answer.text

    deliver(sender, clock)
    assert push_service.messages(north_phone) == [
        {
            "type": "new_campaign",
            "target_id": str(spring.id),
            "url": f"/campaign/{spring.id}",
            "counts": {"new_campaign": 1},
            "lang": "en",
            "details": "none",
            "title": "New campaign",  # no campaign name on a lock screen
            "body": "Open Strang to see it.",
        }
    ]
    assert push_service.messages(east_phone) == push_service.messages(north_phone)
    assert push_service.messages(south_phone) == []
