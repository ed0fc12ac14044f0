"""The webhook sender: a background thread in every app process.

1. Claim due deliveries, endpoint by endpoint, at most `webhook_per_endpoint` in flight per
   endpoint and `webhook_concurrency` in all: `SELECT ... FOR UPDATE SKIP LOCKED` (PostgreSQL;
   a SQLite writer holds the whole database) then an UPDATE that sets a claim token and moves
   `next_attempt_at` past the send deadline, so two processes never take the same row and a
   dead process's rows come back once their lease runs out.
2. Send each claimed delivery in its own slot, signed, with a total deadline (connect, send
   and the whole answer, enforced even against a server that trickles its answer).
3. Settle each delivery the moment its answer arrives, in its own transaction: 2xx marks it
   delivered; anything else is retried with exponential backoff and jitter (honouring
   Retry-After) until the last attempt, then it is `failed`. Settling only touches rows that
   still carry our claim token.

A slow or dead endpoint holds at most its own few slots until their deadline; every other
endpoint keeps getting its deliveries at once. A kill -9 loses nothing: a delivery answered
2xx was settled on its own, one not answered comes back after its lease (the receiver may see
it twice and de-duplicates by `Strang-Event-Id`)."""

import functools
import logging
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, exists, func, update
from sqlmodel import Session, col, select

from app.core import backoff, outbound
from app.core.sender import SlotSender, lease
from app.core.settings import Settings
from app.core.time import utcnow
from app.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from app.webhooks.signing import SIGNATURE_HEADER, encode_body, endpoint_secret, signature

log = logging.getLogger("strang.webhooks")

PRUNE_EVERY_SECONDS = 600.0
JITTER = 0.2
USER_AGENT = "Strang-Webhooks/1"


@dataclass(frozen=True)
class Claimed:
    id: int
    token: str
    endpoint_id: uuid.UUID
    url: str
    secret_version: int
    event_id: uuid.UUID
    event_type: str
    body: dict[str, object]
    attempts: int


SendFn = Callable[[Claimed, bytes, Settings], outbound.Answer]


def https_send(item: Claimed, master_key: bytes, settings: Settings) -> outbound.Answer:
    body = encode_body(item.body)
    secret = endpoint_secret(master_key, item.endpoint_id, item.secret_version)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Strang-Event-Id": str(item.event_id),
        "Strang-Event-Type": item.event_type,
        "Strang-Delivery-Attempt": str(item.attempts),
        SIGNATURE_HEADER: signature(secret, int(time.time()), body),
    }
    tls = outbound.tls_context(settings.webhook_ca_file)
    return outbound.post(item.url, body, headers, settings.webhook_send_deadline_seconds, tls)


class WebhookSender(SlotSender):
    name = "webhook-send"

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        master_key: bytes,
        *,
        send: SendFn = https_send,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        super().__init__(settings.webhook_concurrency, settings.webhook_poll_seconds)
        self.engine = engine
        self.settings = settings
        self.master_key = master_key
        self.send = send
        self.clock = clock
        self._last_prune = 0.0
        self._busy: Counter[uuid.UUID] = Counter()  # endpoint -> deliveries in flight here
        self._lock = threading.Lock()

    def housekeeping(self) -> None:
        if time.monotonic() - self._last_prune >= PRUNE_EVERY_SECONDS:
            self._last_prune = time.monotonic()
            self.prune()

    def run_once(self) -> int:
        """Send every due delivery and wait for all of them (tests). Returns the attempts."""
        return self.send_all_due()

    def start_sending(self, pool: ThreadPoolExecutor, free: int) -> set[Future[None]]:
        if free <= 0 or self.stopping:
            return set()
        started = set()
        for item in self.claim(free):
            future = pool.submit(self._deliver, item)
            future.add_done_callback(functools.partial(self._done, item.endpoint_id))
            started.add(future)
        return started

    def _done(self, endpoint_id: uuid.UUID, _: Future[None]) -> None:
        with self._lock:
            self._busy[endpoint_id] -= 1
        self.wake()

    def _deliver(self, item: Claimed) -> None:
        try:
            answer = self.send(item, self.master_key, self.settings)
        except Exception as exc:
            log.exception("webhook send raised; will retry (delivery %s)", item.id)
            answer = outbound.Answer(None, detail=type(exc).__name__)
        try:
            self.settle(item, answer)
        except Exception:  # the lease runs out and the delivery is tried again
            log.exception("webhook settle failed (delivery %s)", item.id)

    def prune(self) -> int:
        """Forget events older than `webhook_keep_days` that wait for no delivery (their
        deliveries go with them: the log shows that many days). Returns how many went."""
        cutoff = self.clock() - timedelta(days=self.settings.webhook_keep_days)
        d = WebhookDelivery
        waiting = exists().where(
            col(d.event_id) == WebhookEvent.id, col(d.status) == DeliveryStatus.pending.value
        )
        with Session(self.engine) as session:
            result = session.execute(
                delete(WebhookEvent).where(col(WebhookEvent.created_at) < cutoff, ~waiting)
            )
            session.commit()
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    # -- 1. claim -------------------------------------------------------------------------
    def claim(self, free: int) -> list[Claimed]:
        now = self.clock()
        token = uuid.uuid4().hex
        cap = self.settings.webhook_per_endpoint
        d = WebhookDelivery
        due = (col(d.status) == DeliveryStatus.pending.value, col(d.next_attempt_at) <= now)
        with Session(self.engine) as session:
            with self._lock:
                full = [e for e, n in self._busy.items() if n >= cap]
            endpoints = list(
                session.exec(
                    select(d.endpoint_id)
                    .join(WebhookEndpoint, col(WebhookEndpoint.id) == d.endpoint_id)
                    .where(*due, col(WebhookEndpoint.active), col(d.endpoint_id).not_in(full))
                    .group_by(col(d.endpoint_id))
                    .order_by(func.min(d.next_attempt_at))
                )
            )
            ids: list[int] = []
            for endpoint_id in endpoints:
                with self._lock:
                    room = min(cap - self._busy[endpoint_id], free - len(ids))
                if room <= 0:
                    continue
                ids += session.exec(
                    select(d.id)
                    .where(*due, col(d.endpoint_id) == endpoint_id)
                    .order_by(col(d.next_attempt_at), col(d.id))
                    .limit(room)
                    .with_for_update(skip_locked=True)
                ).all()  # type: ignore[arg-type]
                if len(ids) >= free:
                    break
            if not ids:
                return []
            session.execute(
                update(d)
                .where(col(d.id).in_(ids))
                .values(
                    claim_token=token,
                    next_attempt_at=now + lease(self.settings.webhook_send_deadline_seconds),
                    attempts=d.attempts + 1,
                    last_attempt_at=now,
                )
            )
            rows = session.exec(
                select(d, WebhookEvent, WebhookEndpoint)
                .join(WebhookEvent, col(WebhookEvent.id) == d.event_id)
                .join(WebhookEndpoint, col(WebhookEndpoint.id) == d.endpoint_id)
                .where(col(d.claim_token) == token)
                .order_by(col(d.id))
            ).all()
            claimed = [
                Claimed(
                    id=delivery.id,
                    token=token,
                    endpoint_id=endpoint.id,
                    url=endpoint.url,
                    secret_version=endpoint.secret_version,
                    event_id=event.id,
                    event_type=event.type,
                    body=dict(event.body),
                    attempts=delivery.attempts,
                )
                for delivery, event, endpoint in rows
                if delivery.id is not None
            ]
            session.commit()
        with self._lock:
            self._busy.update(c.endpoint_id for c in claimed)
        return claimed

    # -- 3. settle ------------------------------------------------------------------------
    def settle(self, item: Claimed, answer: outbound.Answer) -> None:
        """Record one answer, in a transaction of its own, as soon as it arrives."""
        now = self.clock()
        mine = (col(WebhookDelivery.id) == item.id) & (
            col(WebhookDelivery.claim_token) == item.token
        )
        status = answer.status
        values: dict[str, object] = {
            "claim_token": None,
            "last_status_code": status,
            "last_error": "" if status is not None else (answer.detail or "no answer")[:200],
        }
        if status is not None and 200 <= status < 300:
            values |= {"status": DeliveryStatus.delivered.value, "delivered_at": now}
        elif item.attempts >= self.settings.webhook_max_attempts:
            values |= {"status": DeliveryStatus.failed.value}
            log.warning("webhook delivery %s failed after %s attempts", item.id, item.attempts)
        else:
            delay = backoff.retry_delay(
                item.attempts,
                answer.retry_after if status in (429, 503) else None,
                now,
                base=self.settings.webhook_backoff_base_seconds,
                cap=self.settings.webhook_backoff_max_seconds,
                retry_after_cap=self.settings.webhook_backoff_max_seconds,
                jitter=JITTER,
            )
            values |= {"next_attempt_at": now + timedelta(seconds=delay)}
            if status is not None:
                values["last_error"] = f"HTTP {status}: {answer.detail}"[:200]
        with Session(self.engine) as session:
            session.execute(update(WebhookDelivery).where(mine).values(**values))
            session.commit()
