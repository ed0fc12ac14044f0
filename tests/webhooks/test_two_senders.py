"""Two senders (two app processes) working the same outbox at once: every delivery is sent
exactly once (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: one writer at a time)."""

import threading

from sqlalchemy import Engine
from sqlmodel import Session

from app.core.settings import Settings
from app.webhooks.events import EventType, emit_many, subscribers
from app.webhooks.models import WebhookDelivery
from app.webhooks.sender import WebhookSender
from app.webhooks.signing import load_master_key
from tests.push.conftest import rows_of
from tests.webhooks.conftest import register
from tests.webhooks.receiver import Receiver


def test_two_senders_never_send_the_same_delivery_twice(
    client: object,
    db: Session,
    engine: Engine,
    settings: Settings,
    admin: dict[str, str],
    receiver: Receiver,
) -> None:
    settings.webhook_per_endpoint = 4
    settings.webhook_send_deadline_seconds = 10.0  # a busy machine: no answer cut short
    hooks = [receiver.hook() for _ in range(3)]
    for hook in hooks:
        register(client, admin, hook, ["signal.sent"])  # type: ignore[arg-type]
    endpoints = subscribers(db, EventType.signal_sent)
    emit_many(db, EventType.signal_sent, [{"n": i} for i in range(40)], endpoints)
    db.commit()
    key = load_master_key(engine)
    senders = [WebhookSender(engine, settings, key) for _ in range(2)]
    attempts = [0, 0]

    def work(i: int) -> None:
        for _ in range(20):  # until nothing is due (a retry waits out its backoff)
            attempts[i] += senders[i].run_once()
            with Session(engine) as session:
                if all(d.status != "pending" for d in rows_of(session, WebhookDelivery)):
                    return
            receiver.closing.wait(0.3)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(attempts) >= 120  # 40 events x 3 endpoints
    for hook in hooks:
        ids = hook.event_ids()
        assert len(ids) == len(set(ids)) == 40
    assert all(d.status == "delivered" for d in rows_of(db, WebhookDelivery))
