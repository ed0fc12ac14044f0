import json
import uuid

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth.models import Role
from app.push.models import PushDelivery, PushSubscription
from app.push.notices import NoticeKind, notify_reps
from app.push.sender import PushSender
from tests.factories import Factory
from tests.push.conftest import Clock, deliver, rows_of, subscribed_device
from tests.push.push_service import MAX_PLAINTEXT, PushService


def _readyz_push(client: TestClient) -> dict[str, int]:
    response = client.get("/readyz")
    assert response.status_code == 200, response.text
    return response.json()["push"]


def test_one_decryptable_notification_per_rep_and_none_for_others(
    client: TestClient,
    factory: Factory,
    push_service: PushService,
    sender: PushSender,
    clock: Clock,
    db: Session,
) -> None:
    rep_a, phone_a, _ = subscribed_device(client, factory, push_service)
    _, tablet_a, _ = subscribed_device(client, factory, push_service, user=rep_a)
    rep_b, phone_b, _ = subscribed_device(client, factory, push_service)
    _, bystander, _ = subscribed_device(client, factory, push_service)
    marketing, marketing_laptop, _ = subscribed_device(
        client, factory, push_service, Role.marketing
    )
    leads = [uuid.uuid4() for _ in range(3)]
    campaign = uuid.uuid4()
    for lead in leads:  # one transaction, several notices for A
        notify_reps(db, [rep_a.id], kind=NoticeKind.new_leads, target_id=lead, title="New brief")
    notify_reps(
        db,
        [rep_b.id, marketing.id],
        kind=NoticeKind.new_campaign,
        target_id=campaign,
        title="Spring Campaign is live",
        body="Talking points for the spring offer.",
    )
    db.commit()

    assert sender.run_once() == 0  # still inside the coalescing window
    assert deliver(sender, clock) == 3
    expected_a = {
        "type": "new_leads",
        "target_id": None,
        "url": "/",
        "counts": {"new_leads": 3},
        "lang": "en",
        "details": "none",
        "title": "3 new briefs",
        "body": "Open Strang to see what is new.",
    }
    assert push_service.messages(phone_a) == [expected_a]
    assert push_service.messages(tablet_a) == [expected_a]
    assert push_service.messages(phone_b) == [
        {
            "type": "new_campaign",
            "target_id": str(campaign),
            "url": f"/campaign/{campaign}",
            "counts": {"new_campaign": 1},
            "lang": "en",
            "details": "none",
            "title": "New campaign",
            "body": "Open Strang to see it.",
        }
    ]
    assert push_service.messages(bystander) == []
    assert push_service.messages(marketing_laptop) == []  # notifications go to reps
    received = push_service.received[0]
    assert received.headers["ttl"] == "86400"
    assert received.headers["urgency"] == "normal"
    assert received.headers["topic"] in {"new_leads", "new_campaign"}
    assert received.claims["sub"] == "mailto:admin@strang.invalid"
    assert deliver(sender, clock) == 0  # nothing twice
    stats = _readyz_push(client)
    assert stats["sent"] == 3 and stats["failed"] == 0 and stats["subscriptions"] == 5
    assert stats["waiting_notices"] == 0 and stats["waiting_deliveries"] == 0


def test_gone_subscription_is_pruned(
    client: TestClient,
    factory: Factory,
    push_service: PushService,
    sender: PushSender,
    clock: Clock,
    db: Session,
) -> None:
    rep, phone, _ = subscribed_device(client, factory, push_service)
    push_service.answer_next(410)
    notify_reps(db, [rep.id], kind=NoticeKind.new_campaign, target_id=uuid.uuid4(), title="x")
    db.commit()
    deliver(sender, clock)
    assert rows_of(db, PushSubscription) == []
    assert push_service.messages(phone) == []
    assert _readyz_push(client)["pruned"] == 1


def test_too_many_requests_is_retried_after_retry_after(
    client: TestClient,
    factory: Factory,
    push_service: PushService,
    sender: PushSender,
    clock: Clock,
    db: Session,
) -> None:
    rep, phone, _ = subscribed_device(client, factory, push_service)
    push_service.answer_next(429, Retry_After="120")
    notify_reps(db, [rep.id], kind=NoticeKind.new_leads, target_id=uuid.uuid4(), title="A brief")
    db.commit()
    assert deliver(sender, clock) == 1
    assert push_service.messages(phone) == []
    assert deliver(sender, clock, after=60) == 0  # Retry-After (120 s) beats the backoff
    assert deliver(sender, clock, after=61) == 1
    assert [m["title"] for m in push_service.messages(phone)] == ["New brief"]
    stats = _readyz_push(client)
    assert (stats["sent"], stats["failed"], stats["waiting_deliveries"]) == (1, 0, 0)


def test_server_errors_and_network_errors_are_retried_with_backoff(
    client: TestClient,
    factory: Factory,
    push_service: PushService,
    sender: PushSender,
    clock: Clock,
    db: Session,
) -> None:
    rep, phone, _ = subscribed_device(client, factory, push_service)
    push_service.answer_next(500, times=2)
    notify_reps(db, [rep.id], kind=NoticeKind.new_leads, target_id=uuid.uuid4(), title="A brief")
    db.commit()
    assert deliver(sender, clock) == 1  # 500
    assert deliver(sender, clock, after=4) == 0  # backoff: 5 s after the first attempt
    assert deliver(sender, clock, after=1) == 1  # 500 again
    assert deliver(sender, clock, after=9) == 0  # then 10 s
    assert deliver(sender, clock, after=1) == 1
    assert len(push_service.messages(phone)) == 1
    assert push_service.requests == 3

    # a push service that cannot be reached at all: retried, the loop carries on
    db.add(
        PushSubscription(
            endpoint="http://127.0.0.1:9/push/closed",
            p256dh=phone.p256dh,
            auth=phone.subscription()["keys"]["auth"],
            user_id=rep.id,
            auth_session_id=rows_of(db, PushSubscription)[0].auth_session_id,
        )
    )
    notify_reps(db, [rep.id], kind=NoticeKind.new_leads, target_id=uuid.uuid4(), title="B")
    db.commit()
    assert deliver(sender, clock) == 2
    (waiting,) = [d for d in rows_of(db, PushDelivery) if d.sent_at is None]
    assert waiting.attempts == 1 and waiting.claim_token is None
    assert [m["title"] for m in push_service.messages(phone)] == ["New brief", "New brief"]


def test_vapid_refusal_keeps_the_subscription_and_counts_as_failed(
    client: TestClient,
    factory: Factory,
    push_service: PushService,
    sender: PushSender,
    clock: Clock,
    db: Session,
) -> None:
    rep, _, _ = subscribed_device(client, factory, push_service)
    push_service.answer_next(401)
    notify_reps(db, [rep.id], kind=NoticeKind.new_leads, target_id=uuid.uuid4(), title="x")
    db.commit()
    assert deliver(sender, clock) == 1
    assert len(rows_of(db, PushSubscription)) == 1
    stats = _readyz_push(client)
    assert (stats["failed"], stats["pruned"], stats["waiting_deliveries"]) == (1, 0, 0)
    assert deliver(sender, clock, after=3600) == 0  # not retried


def test_five_hundred_notices_for_one_rep_make_one_notification(
    client: TestClient,
    factory: Factory,
    push_service: PushService,
    sender: PushSender,
    clock: Clock,
    db: Session,
) -> None:
    rep, phone, _ = subscribed_device(client, factory, push_service)
    for _ in range(500):
        notify_reps(
            db, [rep.id], kind=NoticeKind.new_leads, target_id=uuid.uuid4(), title="x" * 500
        )
    db.commit()
    assert deliver(sender, clock) == 1
    messages = push_service.messages(phone)
    assert [m["title"] for m in messages] == ["500 new briefs"]
    assert len(json.dumps(messages[0]).encode()) < MAX_PLAINTEXT


def test_notices_for_one_thing_keep_its_screen_and_name_nothing(
    client: TestClient,
    factory: Factory,
    push_service: PushService,
    sender: PushSender,
    clock: Clock,
    db: Session,
) -> None:
    rep, phone, _ = subscribed_device(client, factory, push_service)
    campaign, signal = uuid.uuid4(), uuid.uuid4()
    for _ in range(3):  # three files added to one campaign
        notify_reps(
            db,
            [rep.id],
            kind=NoticeKind.new_collateral,
            target_id=campaign,
            title="New collateral in Spring Campaign",
            body="Price sheet",
        )
    db.commit()
    deliver(sender, clock)
    notify_reps(
        db,
        [rep.id],
        kind=NoticeKind.signal_answered,
        target_id=signal,
        title="Marketing answered your signal",
    )
    notify_reps(db, [rep.id], kind=NoticeKind.new_leads, target_id=uuid.uuid4(), title="1 brief")
    db.commit()
    deliver(sender, clock)
    first, second = push_service.messages(phone)
    assert first["title"] == "New material in a campaign"  # neither campaign nor file named
    assert first["url"] == f"/campaign/{campaign}" and first["target_id"] == str(campaign)
    assert second["type"] == "updates" and second["title"] == "2 updates for you"
    assert second["body"] == "Marketing replied to your signal; New brief"
    assert second["counts"] == {"signal_answered": 1, "new_leads": 1}


def test_sender_thread_runs_in_the_app_lifespan(
    app: object, settings: object, factory: Factory, push_service: PushService, db: Session
) -> None:
    import time

    from fastapi import FastAPI

    assert isinstance(app, FastAPI)
    app.state.settings.push_sender_enabled = True
    app.state.settings.push_coalesce_seconds = 0
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        factory.client = client
        rep, phone, _ = subscribed_device(client, factory, push_service)
        notify_reps(db, [rep.id], kind=NoticeKind.new_campaign, target_id=uuid.uuid4(), title="Go")
        db.commit()
        deadline = time.monotonic() + 10
        while not push_service.messages(phone) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [m["title"] for m in push_service.messages(phone)] == ["New campaign"]
