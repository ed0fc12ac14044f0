"""Events reach a real HTTPS receiver (its own CA), signed so the README's few lines verify
them: one per change made through the real API and sync push, retried with backoff while the
receiver fails, given up after the last attempt and resent from the log."""

import uuid
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from sqlmodel import Session, col

from app.auth.models import Role
from app.core.settings import Settings
from app.core.time import utcnow
from app.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEvent
from app.webhooks.sender import WebhookSender
from app.webhooks.signing import load_master_key
from tests.factories import Factory
from tests.push.conftest import rows_of
from tests.sync.helpers import outcome, push, retract
from tests.webhooks.conftest import register
from tests.webhooks.receiver import Receiver

API = "/api/v1/webhooks"


def _send_all(sender: WebhookSender, receiver: Receiver, db: Session, rounds: int = 30) -> None:
    """Run the sender until nothing is pending (waiting out backoff on the real clock)."""
    for _ in range(rounds):
        sender.run_once()
        pending = [d for d in rows_of(db, WebhookDelivery) if d.status == "pending"]
        if not pending:
            return
        receiver.closing.wait(0.25)


def test_every_event_type_reaches_the_crm_signed_and_verifiable(
    client: TestClient,
    factory: Factory,
    db: Session,
    admin: dict[str, str],
    receiver: Receiver,
    sender: WebhookSender,
) -> None:
    crm, leads_only = receiver.hook(), receiver.hook()
    register(client, admin, crm)
    register(client, admin, leads_only, ["lead.assigned"])
    rep = factory.user(Role.rep, email="lena@example.test", name="Lena Fischer")
    other_rep = factory.user(Role.rep)
    rep_headers = factory.auth(rep)
    marketing = factory.login_as(Role.marketing)[1]

    created = client.post(
        "/api/v1/leads",
        headers=marketing,
        json={"company": "Bäckerei Sommer", "rep_id": str(rep.id), "external_ref": "CRM-42"},
    )
    assert created.status_code == 201, created.text
    lead_id = created.json()["id"]
    logged = outcome(lead_id, "won", note="Signed for 12 months")
    signal_id = str(uuid.uuid4())
    signal = {"type": "signal.send", "id": signal_id, "kind": "competitor", "text": "Rival"}
    assert [r["status"] for r in push(client, rep_headers, logged, signal)] == ["applied"] * 2
    assert push(client, rep_headers, retract(logged["id"]))[0]["status"] == "applied"
    ack = client.post(
        f"/api/v1/signals/{signal_id}/acknowledge", headers=marketing, json={"reply": "Thanks"}
    )
    assert ack.status_code == 200, ack.text
    moved = client.post(
        "/api/v1/leads/assign",
        headers=marketing,
        json={"lead_ids": [lead_id], "rep_id": str(other_rep.id)},
    )
    assert moved.status_code == 200, moved.text

    _send_all(sender, receiver, db)
    events = receiver.events(crm)
    by_type: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        by_type.setdefault(event["type"], []).append(event)
    assert sorted(by_type) == [
        "lead.assigned",
        "outcome.logged",
        "outcome.retracted",
        "signal.acknowledged",
        "signal.sent",
    ]
    assert {t: len(v) for t, v in by_type.items()}["lead.assigned"] == 2
    won = by_type["outcome.logged"][0]["data"]
    assert won["outcome_id"] == logged["id"] and won["code"] == "won"
    assert won["note"] == "Signed for 12 months"
    assert won["lead"] == {
        "id": lead_id,
        "external_ref": "CRM-42",
        "company": "Bäckerei Sommer",
        "campaign_id": None,
    }
    assert won["rep"] == {"id": str(rep.id), "email": "lena@example.test", "name": "Lena Fischer"}
    undone = by_type["outcome.retracted"][0]["data"]
    assert undone["outcome_id"] == logged["id"] and undone["retracted_at"] is not None
    assert by_type["signal.sent"][0]["data"]["text"] == "Rival"
    answered = by_type["signal.acknowledged"][0]["data"]
    assert answered["signal_id"] == signal_id and answered["reply"] == "Thanks"
    assert answered["acknowledged_by"]["email"].startswith("marketing-")
    assigned = [e["data"]["rep"]["id"] for e in by_type["lead.assigned"]]
    assert assigned == [str(rep.id), str(other_rep.id)]
    # the leads-only endpoint got exactly those two, signed with its own secret
    assert [e["type"] for e in receiver.events(leads_only)] == ["lead.assigned"] * 2
    for hook in (crm, leads_only):
        assert hook.refused == []
        for got in hook.received:
            assert got.headers["Strang-Event-Id"] == got.event["id"]
            assert got.headers["Strang-Event-Type"] == got.event["type"]
            assert set(got.event) == {"id", "type", "created_at", "data"}
            assert hook.secret not in str(got.event) and "whsec_" not in str(got.event)
    assert len({e["id"] for e in events}) == len(events) == 6
    assert all(d.status == DeliveryStatus.delivered for d in rows_of(db, WebhookDelivery))


def test_a_receiver_with_an_old_or_wrong_secret_refuses_the_request(
    client: TestClient,
    db: Session,
    factory: Factory,
    admin: dict[str, str],
    receiver: Receiver,
    sender: WebhookSender,
) -> None:
    hook = receiver.hook()
    webhook_id = register(client, admin, hook, ["lead.assigned"])
    old_secret = hook.secret
    rotated = client.post(f"{API}/{webhook_id}/rotate-secret", headers=admin).json()["secret"]
    rep = factory.user(Role.rep)
    marketing = factory.login_as(Role.marketing)[1]
    client.post("/api/v1/leads", headers=marketing, json={"company": "A", "rep_id": str(rep.id)})
    sender.run_once()
    assert hook.received == [] and len(hook.refused) == 1  # signed with the new secret
    log = client.get(f"{API}/{webhook_id}/deliveries", headers=admin).json()
    assert log["items"][0]["last_status_code"] == 401
    assert log["items"][0]["last_error"].startswith("HTTP 401")
    hook.secret = rotated
    _send_all(sender, receiver, db)
    assert [e["type"] for e in receiver.events(hook)] == ["lead.assigned"]
    assert receiver.verify(old_secret, hook.received[0].headers["Strang-Signature"], b"{}") is False


class FrozenClock:
    """The sender's now, moved only by the test: "not due yet" does not depend on speed."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now


def test_failures_are_retried_with_growing_backoff_then_delivered(
    client: TestClient,
    db: Session,
    engine: Engine,
    settings: Settings,
    factory: Factory,
    admin: dict[str, str],
    receiver: Receiver,
) -> None:
    hook = receiver.hook()
    webhook_id = register(client, admin, hook, ["lead.assigned"])
    hook.fail_next = 3
    rep = factory.user(Role.rep)
    marketing = factory.login_as(Role.marketing)[1]
    client.post("/api/v1/leads", headers=marketing, json={"company": "A", "rep_id": str(rep.id)})
    clock = FrozenClock()
    sender = WebhookSender(engine, settings, load_master_key(engine), clock=clock)
    waits = []
    for attempt in range(1, 4):
        sender.run_once()
        (delivery,) = rows_of(db, WebhookDelivery)
        assert delivery.status == "pending" and delivery.attempts == attempt
        assert delivery.last_status_code == 500 and delivery.claim_token is None
        assert delivery.last_attempt_at == clock.now
        waits.append(delivery.next_attempt_at - clock.now)
        clock.now += waits[-1] - timedelta(milliseconds=1)
        assert sender.run_once() == 0  # not due yet: nothing is sent before the backoff ends
        clock.now += timedelta(milliseconds=1)
    # base 0.2 s doubling (+-20 %), capped at 1 s: 0.16-0.24, 0.32-0.48, 0.64-0.96
    assert waits[0] < waits[1] < waits[2] <= timedelta(seconds=1)
    sender.run_once()
    assert [e["type"] for e in receiver.events(hook)] == ["lead.assigned"]
    assert hook.tries == 4
    log = client.get(f"{API}/{webhook_id}/deliveries", headers=admin).json()
    (entry,) = log["items"]
    assert entry["status"] == "delivered" and entry["attempts"] == 4
    assert entry["last_status_code"] == 200 and entry["next_attempt_at"] is None
    assert entry["event_type"] == "lead.assigned" and entry["delivered_at"] is not None


def test_given_up_after_the_last_attempt_and_resent_from_the_log(
    client: TestClient,
    db: Session,
    factory: Factory,
    admin: dict[str, str],
    receiver: Receiver,
    sender: WebhookSender,
) -> None:
    sender.settings.webhook_max_attempts = 2
    hook = receiver.hook()
    webhook_id = register(client, admin, hook, ["lead.assigned"])
    hook.fail_next = 100
    rep = factory.user(Role.rep)
    marketing = factory.login_as(Role.marketing)[1]
    client.post("/api/v1/leads", headers=marketing, json={"company": "A", "rep_id": str(rep.id)})
    _send_all(sender, receiver, db)
    assert hook.tries == 2
    listed = client.get(API, headers=admin).json()[0]
    assert listed["failed"] == 1 and listed["pending"] == 0
    failed = client.get(f"{API}/{webhook_id}/deliveries?status=failed", headers=admin).json()
    (entry,) = failed["items"]
    assert entry["status"] == "failed" and entry["attempts"] == 2
    hook.fail_next = 0
    resent = client.post(f"{API}/{webhook_id}/deliveries/{entry['id']}/resend", headers=admin)
    assert resent.status_code == 200, resent.text
    assert resent.json()["status"] == "pending" and resent.json()["attempts"] == 0
    sender.run_once()
    assert [e["type"] for e in receiver.events(hook)] == ["lead.assigned"]
    again = client.post(f"{API}/{webhook_id}/deliveries/{entry['id']}/resend", headers=admin)
    assert again.status_code == 200  # a delivered one may be sent again, same event id
    sender.run_once()
    ids = hook.event_ids()
    assert len(ids) == 2 and ids[0] == ids[1]


def test_nothing_is_written_without_a_subscriber_and_paused_endpoints_get_nothing(
    client: TestClient,
    db: Session,
    factory: Factory,
    admin: dict[str, str],
    receiver: Receiver,
    sender: WebhookSender,
) -> None:
    hook = receiver.hook()
    webhook_id = register(client, admin, hook, ["outcome.logged"])
    rep = factory.user(Role.rep)
    rep_id, rep_headers = str(rep.id), factory.auth(rep)
    marketing = factory.login_as(Role.marketing)[1]
    client.post("/api/v1/leads", headers=marketing, json={"company": "A", "rep_id": rep_id})
    assert rows_of(db, WebhookDelivery) == []  # nobody subscribed to lead.assigned
    client.patch(f"{API}/{webhook_id}", headers=admin, json={"active": False})
    lead = client.post(
        "/api/v1/leads", headers=marketing, json={"company": "B", "rep_id": rep_id}
    ).json()
    push(client, rep_headers, outcome(lead["id"]))
    assert rows_of(db, WebhookDelivery) == []
    assert sender.run_once() == 0 and hook.tries == 0
    # what was waiting when the endpoint was paused waits until it is active again
    client.patch(f"{API}/{webhook_id}", headers=admin, json={"active": True})
    push(client, rep_headers, outcome(lead["id"]))
    client.patch(f"{API}/{webhook_id}", headers=admin, json={"active": False})
    assert sender.run_once() == 0 and hook.tries == 0
    client.patch(f"{API}/{webhook_id}", headers=admin, json={"active": True})
    sender.run_once()
    assert [e["type"] for e in receiver.events(hook)] == ["outcome.logged"]


def _company(event: WebhookEvent) -> str:
    data: Any = event.body["data"]
    return str(data["lead"]["company"])


def test_old_events_are_forgotten_once_nothing_waits_for_them(
    client: TestClient,
    db: Session,
    factory: Factory,
    admin: dict[str, str],
    receiver: Receiver,
    sender: WebhookSender,
) -> None:
    hook = receiver.hook()
    webhook_id = register(client, admin, hook, ["lead.assigned"])
    rep_id = str(factory.user(Role.rep).id)
    marketing = factory.login_as(Role.marketing)[1]
    for company in ("Old delivered", "Old waiting", "Fresh"):
        client.post("/api/v1/leads", headers=marketing, json={"company": company, "rep_id": rep_id})
    sender.run_once()
    old = utcnow() - timedelta(days=31)
    events = {_company(e): e for e in rows_of(db, WebhookEvent)}
    for name in ("Old delivered", "Old waiting"):
        db.execute(
            update(WebhookEvent)
            .where(col(WebhookEvent.id) == events[name].id)
            .values(created_at=old)
        )
    db.execute(
        update(WebhookDelivery)
        .where(col(WebhookDelivery.event_id) == events["Old waiting"].id)
        .values(status="pending", next_attempt_at=utcnow() + timedelta(hours=1))
    )
    db.commit()
    assert sender.prune() == 1
    kept = {_company(e) for e in rows_of(db, WebhookEvent)}
    assert kept == {"Old waiting", "Fresh"}
    log = client.get(f"{API}/{webhook_id}/deliveries", headers=admin).json()
    assert log["total"] == 2


def test_a_csv_import_tells_the_crm_of_each_new_or_reassigned_lead(
    client: TestClient,
    db: Session,
    factory: Factory,
    admin: dict[str, str],
    receiver: Receiver,
    sender: WebhookSender,
) -> None:
    hook = receiver.hook()
    register(client, admin, hook, ["lead.assigned"])
    marketing = factory.login_as(Role.marketing)[1]
    jonas, mia = factory.user(email="jonas@example.test"), factory.user(email="mia@example.test")
    jonas_id, mia_id = str(jonas.id), str(mia.id)

    def upload(text: str) -> None:
        files = {"file": ("leads.csv", text.encode(), "text/csv")}
        answer = client.post("/api/v1/leads/import", files=files, headers=marketing)
        assert answer.status_code == 200, answer.text

    upload(
        "Kundennummer;Firma;Außendienst\r\nK-1;Alpha;jonas@example.test\r\nK-2;Beta;jonas@example.test\r\n"
    )
    upload(
        "Kundennummer;Firma;Außendienst\r\nK-1;Alpha;mia@example.test\r\nK-2;Beta;jonas@example.test\r\n"
    )
    _send_all(sender, receiver, db)
    got = [
        (e["data"]["lead"]["external_ref"], e["data"]["rep"]["id"]) for e in receiver.events(hook)
    ]
    assert sorted(got) == sorted([("K-1", jonas_id), ("K-1", mia_id), ("K-2", jonas_id)])
