"""Two app processes, one database: every notification arrives exactly once."""

import threading
import time
import uuid
from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.db import make_engine
from app.core.settings import Settings
from app.core.time import utcnow
from app.push.models import PushDelivery, PushNotice
from app.push.notices import NoticeKind, notify_reps
from app.push.sender import PushSender
from tests.factories import Factory
from tests.push.conftest import device_in_db, rows_of
from tests.push.push_service import PushService

REPS = 24
WAVES = 4


class FastClock:
    """Moves a quarter second per reading, so coalescing windows and retry backoffs pass
    quickly (while claims, which hold for minutes, never run out)."""

    def __init__(self) -> None:
        self.now = utcnow()
        self.lock = threading.Lock()

    def __call__(self) -> datetime:
        with self.lock:
            self.now += timedelta(seconds=0.25)
            return self.now


def test_two_senders_on_one_database_deliver_each_notification_once(
    client: TestClient,
    factory: Factory,
    push_service: PushService,
    settings: Settings,
    db: Session,
) -> None:
    reps = [factory.user() for _ in range(REPS)]
    devices = [(rep, device_in_db(db, push_service, rep)) for rep in reps]
    push_service.answer_next(500, times=4)  # some retries in the mix
    push_service.answer_next(429, times=2, Retry_After="3")
    clock = FastClock()
    engines = [make_engine(settings), make_engine(settings)]
    senders = [PushSender(engine, settings, clock=clock, workers=4) for engine in engines]
    start, stop = threading.Barrier(len(senders) + 1), threading.Event()
    errors: list[BaseException] = []

    def work(sender: PushSender) -> None:
        start.wait()
        while not stop.is_set():
            try:
                sender.run_once()
            except BaseException as exc:  # the test wants to see it
                errors.append(exc)
            time.sleep(0.005)

    threads = [threading.Thread(target=work, args=(s,)) for s in senders]
    for thread in threads:
        thread.start()
    start.wait()
    per_wave = REPS // WAVES
    for wave in range(WAVES):  # publishing while both senders run
        for i, (rep, _) in enumerate(devices[wave * per_wave : (wave + 1) * per_wave]):
            for _ in range(1 + i % 3):
                notify_reps(
                    db, [rep.id], kind=NoticeKind.new_leads, target_id=uuid.uuid4(), title="B"
                )
        db.commit()
        time.sleep(0.05)
    deadline = time.monotonic() + 60
    while len(push_service.received) < REPS and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # room for a duplicate to show up
    stop.set()
    for thread in threads:
        thread.join(30)
    for engine in engines:
        engine.dispose()

    assert errors == []
    for i, (_, device) in enumerate(devices):
        messages = push_service.messages(device)
        n = 1 + i % per_wave % 3
        expected = "New brief" if n == 1 else f"{n} new briefs"
        assert [m["title"] for m in messages] == [expected], (i, messages)
    assert push_service.requests == REPS + 6
    assert rows_of(db, PushNotice) == []
    assert all(d.sent_at is not None for d in rows_of(db, PushDelivery))  # receipts only
    assert client.get("/readyz").json()["push"]["sent"] == REPS
