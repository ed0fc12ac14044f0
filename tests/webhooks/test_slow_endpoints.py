"""A slow or dead CRM endpoint holds only its own slots: one that never answers and one that
trickles its answer a header line at a time both end at the send deadline, while a healthy
endpoint gets every event at once. A kill -9 of the real server in the middle of sending
loses no event, and re-sends only what the receiver had not answered (same event id)."""

import time
import uuid
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from app.auth.models import Role
from app.core.settings import Settings
from app.webhooks.models import WebhookDelivery
from app.webhooks.sender import WebhookSender
from app.webhooks.signing import load_master_key
from tests.factories import Factory
from tests.push.conftest import rows_of
from tests.server import running_server
from tests.tls import Authority
from tests.webhooks.conftest import register
from tests.webhooks.receiver import Hook, Receiver


def _wait(condition: Callable[[], object], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _assign_leads(client: TestClient, factory: Factory, n: int) -> float:
    """n new leads (one lead.assigned event each, per endpoint); returns when they committed."""
    rep = factory.user(Role.rep)
    rep_id, marketing = str(rep.id), factory.login_as(Role.marketing)[1]
    for i in range(n):
        body = {"company": f"Firma {i}", "rep_id": rep_id}
        assert client.post("/api/v1/leads", headers=marketing, json=body).status_code == 201
    return time.monotonic()


def _delays(receiver: Receiver, hook: Hook, since: float) -> list[float]:
    with receiver.lock:
        return [r.at - since for r in hook.received]


def test_a_hanging_and_a_trickling_endpoint_do_not_hold_up_a_healthy_one(
    client: TestClient,
    db: Session,
    engine: Engine,
    settings: Settings,
    factory: Factory,
    admin: dict[str, str],
    receiver: Receiver,
) -> None:
    settings.webhook_send_deadline_seconds = 3.0
    settings.webhook_backoff_base_seconds = 60.0  # no retry within this test
    healthy, hang, trickle = receiver.hook(), receiver.hook(), receiver.hook()
    ids = [register(client, admin, hook, ["lead.assigned"]) for hook in (healthy, hang, trickle)]
    bad = {uuid.UUID(i) for i in ids[1:]}
    hang.mode, trickle.mode = "hang", "trickle"
    sender = WebhookSender(engine, settings, load_master_key(engine))
    sender.start()
    try:
        committed = _assign_leads(client, factory, 4)
        assert _wait(lambda: len(healthy.received) == 4, 10)
        # the healthy endpoint had everything while the bad ones were still being sent to
        assert hang.unanswered == trickle.unanswered == 2  # two slots each, no more
        claimed = [d.endpoint_id for d in rows_of(db, WebhookDelivery) if d.claim_token]
        assert sorted(e in bad for e in claimed)[-4:] == [True] * 4
        delays = _delays(receiver, healthy, committed)
        print(
            f"\nhealthy endpoint beside a hanging and a trickling one: {len(delays)} events, "
            f"delay after the last commit max {max(delays):.3f} s"
        )
        assert max(delays) < settings.webhook_send_deadline_seconds
        # the bad ones end at the deadline (the trickle too, though bytes keep coming)
        assert _wait(
            lambda: sum(d.last_error == "deadline" for d in rows_of(db, WebhookDelivery)) == 4,
            settings.webhook_send_deadline_seconds + 20,  # patience: a busy machine is slow
        )
    finally:
        sender.stop()
    waiting = [d for d in rows_of(db, WebhookDelivery) if d.status == "pending"]
    assert len(waiting) == 8 and {d.endpoint_id for d in waiting} == bad  # none given up
    tried = [d for d in waiting if d.attempts]
    assert tried and all(d.claim_token is None and d.last_status_code is None for d in tried)
    assert len(receiver.events(healthy)) == 4 and hang.received == trickle.received == []


@pytest.mark.timeout(180)
def test_kill_9_while_sending_loses_no_event_and_resends_only_what_was_not_answered(
    client: TestClient,
    db: Session,
    settings: Settings,
    factory: Factory,
    admin: dict[str, str],
    receiver: Receiver,
    authority: Authority,
) -> None:
    healthy = [receiver.hook() for _ in range(4)]
    slow = receiver.hook()
    for hook in [*healthy, slow]:
        register(client, admin, hook, ["lead.assigned"])
    slow.mode = "hang"
    env = {
        "STRANG_WEBHOOK_SENDER_ENABLED": "true",
        "STRANG_WEBHOOK_CA_FILE": str(authority.ca_file),
        # long enough that a busy machine never cuts a healthy answer short (a resend)
        "STRANG_WEBHOOK_SEND_DEADLINE_SECONDS": "5",
        "STRANG_WEBHOOK_POLL_SECONDS": "0.1",
        "STRANG_WEBHOOK_BACKOFF_BASE_SECONDS": "0.2",
    }
    with running_server(settings, **env) as server:
        _assign_leads(client, factory, 3)
        assert _wait(lambda: all(len(h.received) == 3 for h in healthy), 20)
        assert _wait(lambda: slow.unanswered == 2, 10)
        # each answered delivery is on record on its own, while the slow ones are in flight
        assert _wait(
            lambda: sum(d.status == "delivered" for d in rows_of(db, WebhookDelivery)) == 12, 10
        )
        server.kill()
        slow.mode = ""  # the CRM recovers meanwhile
        server.restart()
        assert _wait(lambda: len(slow.received) == 3, 60)  # once the dead claims ran out
        time.sleep(1.0)  # room for a duplicate to show up
        server.stop()

    for hook in healthy:
        ids = hook.event_ids()
        assert len(ids) == len(set(ids)) == 3  # each event once: answered before the kill
    assert len(set(slow.event_ids())) == 3 == len(slow.received)
    assert slow.tries == slow.unanswered + 3 == 5  # only the unanswered two went twice
    # one event reaches every endpoint under the same id, so a receiver can de-duplicate
    assert set(slow.event_ids()) == set(healthy[0].event_ids())
    assert all(d.status == "delivered" for d in rows_of(db, WebhookDelivery))
