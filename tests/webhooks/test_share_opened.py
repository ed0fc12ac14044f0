"""A customer's first opening of a shared link tells the CRM once: which share, which items,
which lead and rep, the device class, and nothing about the customer's browser or address."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.settings import Settings
from app.webhooks.sender import WebhookSender
from tests.factories import Factory
from tests.shares.helpers import new_token, scene, share_create
from tests.sync.helpers import push
from tests.webhooks.conftest import register
from tests.webhooks.receiver import Receiver
from tests.webhooks.test_delivery import _send_all

PHONE_AGENT = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Mobile/15E148"


def test_the_first_opening_of_a_shared_link_reaches_the_crm_once(
    client: TestClient,
    factory: Factory,
    db: Session,
    settings: Settings,
    admin: dict[str, str],
    receiver: Receiver,
    sender: WebhookSender,
) -> None:
    world = scene(db, settings, factory)
    crm = receiver.hook()
    register(client, admin, crm, ["share.opened"])
    token = new_token()
    mutation = share_create(world.lead.id, [world.pdf.id], token=token)
    assert push(client, world.headers, mutation)[0]["status"] == "applied"

    for _ in range(3):  # the customer comes back: still one event
        assert client.get(f"/s/{token}", headers={"User-Agent": PHONE_AGENT}).status_code == 200
    _send_all(sender, receiver, db)

    [event] = receiver.events(crm)
    assert event["type"] == "share.opened"
    data = event["data"]
    assert data["share_id"] == mutation["share_id"]
    assert data["collateral_ids"] == [str(world.pdf.id)]
    assert data["device"] == "phone"
    assert data["lead"]["id"] == str(world.lead.id)
    assert data["rep"]["email"] == world.rep.email
    assert set(data) == {"share_id", "collateral_ids", "opened_at", "device", "lead", "rep"}
    assert "iPhone" not in str(event) and "testclient" not in str(event)
