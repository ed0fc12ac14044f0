"""Power cuts while phones push: 25 phones push 5,000 outcomes in 200 batches to a real server
that is SIGKILLed four times; the phones retry whatever was not acknowledged. In the end every
outcome is stored exactly once, and the SQLite file passes its integrity check."""

import os
import sqlite3
import threading
import time
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.core.settings import Settings
from app.outcomes.models import Outcome
from app.sync.models import SyncDevice
from tests.ops.helpers import PUSH, outcome_log, seed_phones
from tests.server import Server, running_server

PHONES = 25
OUTCOMES = int(os.environ.get("STRANG_CRASH_OUTCOMES", "5000"))
BATCH = 25  # eight batches a phone
KILL_AT = (0.15, 0.4, 0.65, 0.85)  # fractions of acknowledged batches


class Progress:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.acknowledged = 0

    def add(self) -> None:
        with self.lock:
            self.acknowledged += 1


class Phone(threading.Thread):
    """Pushes its outbox batch by batch; a batch leaves the outbox only when acknowledged."""

    def __init__(
        self, url: str, token: str, leads: list[uuid.UUID], count: int, progress: Progress
    ):
        super().__init__(daemon=True)
        self.url, self.progress = url, progress
        self.headers = {"Authorization": f"Bearer {token}"}
        self.device = f"phone-{uuid.uuid4().hex[:8]}"
        self.outbox = [outcome_log(leads[n % len(leads)], n + 1) for n in range(count)]
        self.applied = self.duplicates = self.retries = 0
        self.error: str | None = None

    def run(self) -> None:
        with httpx.Client(timeout=httpx.Timeout(120, connect=2)) as http:
            for start in range(0, len(self.outbox), BATCH):
                if not self._deliver(http, self.outbox[start : start + BATCH]):
                    return

    def _deliver(self, http: httpx.Client, batch: list[dict[str, Any]]) -> bool:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                response = http.post(
                    f"{self.url}{PUSH}",
                    headers=self.headers,
                    json={"device_id": self.device, "mutations": batch},
                )
            except httpx.HTTPError:  # the server is down or died mid-request: retry
                self.retries += 1
                time.sleep(0.2)
                continue
            if response.status_code >= 500:
                self.retries += 1
                time.sleep(0.2)
                continue
            if response.status_code != 200:
                self.error = f"{response.status_code} {response.text[:200]}"
                return False
            statuses = [r["status"] for r in response.json()["results"]]
            if set(statuses) - {"applied", "duplicate"}:
                self.error = f"unexpected results {response.text[:300]}"
                return False
            self.applied += statuses.count("applied")
            self.duplicates += statuses.count("duplicate")
            self.progress.add()
            return True
        self.error = "gave up after 300 s of retries"
        return False


def _kill_and_restart(server: Server, progress: Progress, total: int, phones: list[Phone]) -> int:
    kills = 0
    for fraction in KILL_AT:
        while progress.acknowledged < fraction * total and any(p.is_alive() for p in phones):
            time.sleep(0.02)
        if not any(p.is_alive() for p in phones):
            break
        server.kill()
        kills += 1
        time.sleep(0.3)
        server.restart()
    return kills


@pytest.mark.slow
def test_outcomes_survive_sigkill_exactly_once(settings: Settings, db: Session) -> None:
    started = time.monotonic()
    seeded = seed_phones(db, PHONES, leads_each=20)
    progress = Progress()
    total_batches = PHONES * (OUTCOMES // PHONES // BATCH)
    with running_server(settings) as server:
        phones = [
            Phone(server.url, token, leads, OUTCOMES // PHONES, progress) for token, leads in seeded
        ]
        for phone in phones:
            phone.start()
        kills = _kill_and_restart(server, progress, total_batches, phones)
        for phone in phones:
            phone.join(timeout=600)

    errors = [p.error for p in phones if p.error]
    assert not errors, errors[:3]
    assert all(not p.is_alive() for p in phones)
    sent = {m["id"] for p in phones for m in p.outbox}
    db.expire_all()
    stored = [str(i) for i in db.exec(select(Outcome.id))]
    distinct = db.exec(select(func.count(func.distinct(Outcome.id)))).one()
    assert len(sent) == OUTCOMES
    assert len(stored) == OUTCOMES == distinct  # none doubled
    assert set(stored) == sent  # none lost
    applied = sum(p.applied for p in phones)
    duplicates = sum(p.duplicates for p in phones)
    retries = sum(p.retries for p in phones)
    assert applied <= OUTCOMES and applied + duplicates >= OUTCOMES
    # Every device's sequence numbers arrived without a gap.
    devices = list(db.exec(select(SyncDevice).where(col(SyncDevice.device_id).like("phone-%"))))
    assert len(devices) == PHONES
    assert {d.contiguous_through for d in devices} == {OUTCOMES // PHONES}
    if settings.is_sqlite:
        with sqlite3.connect(settings.data_dir / "strang.db") as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert kills >= 3
    print(
        f"\n{settings.database_url.split(':')[0]}: {OUTCOMES} outcomes from {PHONES} phones, "
        f"{kills} SIGKILLs, {retries} retried requests, {applied} applied, "
        f"{duplicates} acknowledged as duplicates after a lost answer, "
        f"{time.monotonic() - started:.1f} s"
    )
