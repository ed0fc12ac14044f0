"""A busy server sheds pushes and pulls instead of queueing them: more phones push (pull) at
once than it can serve within its queue limit, so some are told at once to come back (503 +
Retry-After). Those changed nothing; the phones keep the batch and send it again, and in the
end every outcome is stored exactly once and every phone has its data."""

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from sqlalchemy import func, update
from sqlmodel import Session, col, select

from app.auth.models import AuthSession
from app.auth.service import TOUCH_EVERY
from app.core.settings import Settings
from app.core.time import utcnow
from app.main import create_app
from app.outcomes.models import Outcome
from tests.ops.helpers import PUSH, outcome_log, seed_phones
from tests.server import running_server

PHONES = 24
BATCH = 50
PULLERS = 48  # three times the sessions a process hands out at once


class Phone(threading.Thread):
    def __init__(self, url: str, token: str, lead: Any, start: threading.Event) -> None:
        super().__init__(daemon=True)
        self.url, self.start_together = url, start
        self.headers = {"Authorization": f"Bearer {token}"}
        self.device = f"busy-{id(self)}"
        self.batch = [outcome_log(lead, n + 1) for n in range(BATCH)]
        # status, Retry-After, sent, answered
        self.answers: list[tuple[int, str | None, float, float]] = []

    def run(self) -> None:
        self.start_together.wait()
        with httpx.Client(timeout=120) as http:
            for _ in range(100):
                sent = time.monotonic()
                response = http.post(
                    f"{self.url}{PUSH}",
                    headers=self.headers,
                    json={"device_id": self.device, "mutations": self.batch},
                )
                answered = time.monotonic()
                retry_after = response.headers.get("Retry-After")
                self.answers.append((response.status_code, retry_after, sent, answered))
                if response.status_code != 503:
                    return
                time.sleep(0.05)  # a phone would wait Retry-After; here: sooner, to keep it short


def test_a_busy_server_turns_pushes_away_at_once_and_loses_nothing(
    settings: Settings, db: Session
) -> None:
    seeded = seed_phones(db, PHONES, leads_each=1)
    start = threading.Event()
    # a queue limit well below one push's turn: any push that finds others waiting is shed
    with running_server(settings, STRANG_WRITE_QUEUE_SECONDS="0.001") as server:
        warm = seed_phones(db, 1, leads_each=1)[0]
        httpx.post(
            f"{server.url}{PUSH}",
            headers={"Authorization": f"Bearer {warm[0]}"},
            json={"device_id": "warm", "mutations": [outcome_log(warm[1][0], 1)]},
            timeout=60,
        ).raise_for_status()  # the server has measured how long a push holds its turn
        phones = [Phone(server.url, token, leads[0], start) for token, leads in seeded]
        for phone in phones:
            phone.start()
        start.set()
        for phone in phones:
            phone.join(timeout=300)

    answers = [a for p in phones for a in p.answers]
    shed = [a for a in answers if a[0] == 503]
    served = [a for a in answers if a[0] == 200]
    assert {status for status, *_ in answers} <= {200, 503}
    assert len(served) == PHONES  # every phone got through in the end
    assert shed, "24 phones pushing 50 outcomes at once: some pushes must have been shed"
    assert all(retry and int(retry) >= 1 for _, retry, *_ in shed)
    # shed at once, not after queueing: a refusal took less time than the slowest served push
    slowest_served = max(answered - sent for _, _, sent, answered in served)
    assert min(answered - sent for _, _, sent, answered in shed) < slowest_served
    db.expire_all()
    sent_ids = [uuid.UUID(m["id"]) for p in phones for m in p.batch]
    stored = db.exec(
        select(func.count()).select_from(Outcome).where(col(Outcome.id).in_(sent_ids))
    ).one()
    assert stored == PHONES * BATCH  # none lost, none doubled


def test_a_busy_server_turns_pulls_away_at_once_and_every_phone_gets_its_data(
    settings: Settings, db: Session
) -> None:
    """The pulls let in are held in their sessions (each must renew its login, whose rows a
    writer holds for a moment), so the sessions are all taken however fast this machine is."""
    seeded = seed_phones(db, PULLERS, leads_each=10)
    with running_server(settings, STRANG_WRITE_QUEUE_SECONDS="0.001") as server:
        start = threading.Event()
        start.set()
        refused = threading.Event()
        first = _pull_until_served(server.url, seeded[0][0], start, refused)  # measured
        start.clear()
        stale = utcnow() - 2 * TOUCH_EVERY  # every pull now renews its login
        db.execute(update(AuthSession).values(last_seen_at=stale))
        db.commit()
        with ThreadPoolExecutor(PULLERS) as pool, Session(db.get_bind()) as writer:
            writer.execute(update(AuthSession).values(expires_at=AuthSession.expires_at))
            pulls = [
                pool.submit(_pull_until_served, server.url, token, start, refused)
                for token, _ in seeded
            ]
            start.set()
            # the first pulls wait for the writer, the others are turned away
            refused.wait(timeout=60)
            writer.commit()
            results = [pull.result(timeout=300) for pull in pulls]
    answers = [a for phone in results for a in phone]
    shed = [a for a in answers if a[0] == 503]
    assert len(results) == PULLERS and first[-1][0] == 200
    assert {status for status, *_ in answers} <= {200, 503}
    assert shed, f"{PULLERS} phones pulling at once: some pulls must have been shed"
    assert all(retry and int(retry) >= 1 for _, retry, _ in shed)
    # every phone ends with its own ten leads
    assert all(phone[-1] == (200, None, 10) for phone in results)


def _pull_until_served(
    url: str, token: str, start: threading.Event, refused: threading.Event
) -> list[tuple[int, str | None, int]]:
    """(status, Retry-After, leads received) per try, until a pull is served."""
    start.wait(timeout=60)
    answers = []
    with httpx.Client(timeout=120) as http:
        for _ in range(200):
            response = http.get(
                f"{url}/api/v1/sync/pull", headers={"Authorization": f"Bearer {token}"}
            )
            leads = len(response.json()["changes"]["leads"]) if response.status_code == 200 else 0
            answers.append((response.status_code, response.headers.get("Retry-After"), leads))
            if response.status_code != 503:
                break
            refused.set()
            time.sleep(0.05)  # a phone would wait Retry-After; here: sooner, to keep it short
    return answers


def test_shedding_is_documented_on_the_push_and_the_pull() -> None:
    paths = create_app().openapi()["paths"]
    assert "503" in paths["/api/v1/sync/push"]["post"]["responses"]
    assert "503" in paths["/api/v1/sync/pull"]["get"]["responses"]
