"""The push sender: a background thread in every app process.

Every second it
1. fans out: takes the notices of every rep whose oldest notice is older than the coalescing
   window, turns them into one message, writes one `push_delivery` row per subscription of that
   rep and deletes those notices, all in one transaction. Only one process fans out at a time
   (PostgreSQL: a transaction-scoped advisory lock, others skip; SQLite: `BEGIN IMMEDIATE`
   serialises writers), so a notice becomes exactly one delivery per subscription.
2. claims due deliveries: `SELECT ... FOR UPDATE SKIP LOCKED` (PostgreSQL) then an UPDATE that
   sets a claim token and moves `next_attempt_at` a lease ahead, in one transaction, so two
   processes never take the same row. If a process dies while sending, the lease runs out and
   another process sends the row.
3. sends the claimed deliveries with bounded concurrency (a thread pool, pywebpush), then
   settles each: sent rows are deleted, 404/410 delete the subscription, 429/5xx/network errors
   are retried with exponential backoff honouring Retry-After, 400/401/403/413 are logged and
   counted as failed. The settling UPDATE/DELETE only touches rows that still carry our claim
   token. Nothing that goes wrong stops the loop.
"""

import json
import logging
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import requests
from py_vapid import Vapid
from pywebpush import WebPushException, webpush
from sqlalchemy import Engine, delete, func, text, update
from sqlmodel import Session, col, select

from app.auth.models import Role, User
from app.core.observability import PUSH_FAILED, PUSH_SENT
from app.core.settings import Settings
from app.core.time import as_utc, utcnow
from app.push.keys import load_vapid_key, signer
from app.push.messages import coalesce
from app.push.models import PushCounter, PushDelivery, PushNotice, PushSubscription

log = logging.getLogger("strang.push")

TTL_SECONDS = 86400
LEASE_MARGIN_SECONDS = 30.0
BACKOFF_BASE_SECONDS = 5.0
BACKOFF_MAX_SECONDS = 3600.0
RETRY_AFTER_MAX_SECONDS = 6 * 3600.0
MAX_ATTEMPTS = 10
SEND_TIMEOUT_SECONDS = 10.0
FANOUT_LOCK_KEY = 0x5354_5055  # "STPU": the advisory lock of the fan-out step
FANOUT_REPS_PER_TICK = 500
CLAIM_BATCH = 50


@dataclass(frozen=True)
class Claimed:
    id: int
    token: str
    subscription_id: uuid.UUID
    endpoint: str
    p256dh: str
    auth: str
    topic: str
    payload: dict[str, object]
    attempts: int


@dataclass(frozen=True)
class Result:
    """What the push service said: an HTTP status, or None for a network error."""

    status: int | None
    retry_after: str | None = None
    detail: str = ""


SendFn = Callable[[Claimed, Vapid, Settings], Result]


def origin(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


def webpush_send(item: Claimed, vapid: Vapid, settings: Settings) -> Result:
    """One POST to the push service, through pywebpush (aes128gcm, VAPID)."""
    claims: dict[str, str | int] = {"sub": settings.push_subject, "aud": origin(item.endpoint)}
    try:
        response = webpush(
            subscription_info={
                "endpoint": item.endpoint,
                "keys": {"p256dh": item.p256dh, "auth": item.auth},
            },
            data=json.dumps(item.payload, separators=(",", ":")),
            vapid_private_key=vapid,
            vapid_claims=claims,  # a fresh dict per call: pywebpush writes `exp` into it
            ttl=TTL_SECONDS,
            headers={"Urgency": "normal", "Topic": item.topic},
            timeout=SEND_TIMEOUT_SECONDS,
            content_encoding="aes128gcm",
        )
    except WebPushException as exc:
        if exc.response is None:
            return Result(None, detail=exc.message)
        return Result(
            exc.status_code, exc.retry_after, getattr(exc.response, "text", "")[:200] or ""
        )
    except requests.RequestException as exc:
        return Result(None, detail=type(exc).__name__)
    return Result(getattr(response, "status_code", 201))


def retry_delay(attempts: int, retry_after: str | None, now: datetime) -> float:
    """Seconds until the next attempt: exponential backoff, or Retry-After if it says later."""
    delay = min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS)
    if retry_after:
        asked: float | None = None
        try:
            asked = float(retry_after)
        except ValueError:
            try:
                asked = (as_utc(parsedate_to_datetime(retry_after)) - now).total_seconds()
            except (TypeError, ValueError):
                asked = None
        if asked is not None:
            delay = max(delay, min(asked, RETRY_AFTER_MAX_SECONDS))
    return delay


def bump(session: Session, **by: int) -> None:
    for name, value in by.items():
        if value:
            session.execute(
                update(PushCounter)
                .where(col(PushCounter.name) == name)
                .values(value=PushCounter.value + value)
            )


class PushSender:
    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        *,
        send: SendFn = webpush_send,
        clock: Callable[[], datetime] = utcnow,
        workers: int = 8,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.send = send
        self.clock = clock
        self.workers = workers
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- the loop -------------------------------------------------------------------------
    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="push-sender", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 15.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # never let the loop die; the next tick tries again
                log.exception("push sender tick failed")
            self._stop.wait(1.0)

    def run_once(self) -> int:
        """One tick: fan out due notices, then send every due delivery. Returns the number of
        send attempts made."""
        self.fan_out()
        vapid: Vapid | None = None
        attempts = 0
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            while not self._stop.is_set():
                batch = self.claim()
                if not batch:
                    break
                vapid = vapid or signer(load_vapid_key(self.engine))
                results = list(pool.map(self._send_safely, batch, [vapid] * len(batch)))
                self.settle(list(zip(batch, results, strict=True)))
                attempts += len(batch)
        return attempts

    def _send_safely(self, item: Claimed, vapid: Vapid) -> Result:
        try:
            return self.send(item, vapid, self.settings)
        except Exception as exc:
            log.exception("push send raised; will retry (subscription %s)", item.subscription_id)
            return Result(None, detail=type(exc).__name__)

    def lease(self, batch: int) -> timedelta:
        """How long a claim holds: long enough to send the whole batch even if every request
        runs into the timeout, so a slow push service never makes another process resend."""
        rounds = -(-batch // self.workers)
        return timedelta(seconds=rounds * SEND_TIMEOUT_SECONDS * 2 + LEASE_MARGIN_SECONDS)

    # -- 1. notices -> deliveries ---------------------------------------------------------
    def fan_out(self) -> int:
        """Turn due notices into deliveries. Returns how many reps got a message."""
        now = self.clock()
        cutoff = now - timedelta(seconds=self.settings.push_coalesce_seconds)
        with Session(self.engine) as session:
            if session.get_bind().dialect.name == "postgresql":
                locked = session.execute(
                    text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": FANOUT_LOCK_KEY}
                ).scalar()
                if not locked:
                    return 0  # another process is fanning out right now
            due_reps = list(
                session.exec(
                    select(PushNotice.rep_id)
                    .group_by(col(PushNotice.rep_id))
                    .having(func.min(PushNotice.created_at) <= cutoff)
                    .limit(FANOUT_REPS_PER_TICK)
                )
            )
            if not due_reps:
                return 0
            notices = session.exec(
                select(PushNotice)
                .where(col(PushNotice.rep_id).in_(due_reps))
                .order_by(col(PushNotice.id))
            )
            by_rep: dict[uuid.UUID, list[PushNotice]] = defaultdict(list)
            for notice in notices:
                by_rep[notice.rep_id].append(notice)
            subscriptions = session.exec(
                select(PushSubscription.id, PushSubscription.user_id)
                .join(User, col(User.id) == PushSubscription.user_id)
                .where(
                    col(PushSubscription.user_id).in_(due_reps),
                    User.role == Role.rep,
                    col(User.is_active).is_(True),
                )
            ).all()
            rows = []
            for subscription_id, rep_id in subscriptions:
                topic, payload = coalesce(by_rep[rep_id])
                rows.append(
                    PushDelivery(
                        subscription_id=subscription_id,
                        topic=topic,
                        payload=payload,
                        next_attempt_at=now,
                        created_at=now,
                    )
                )
            session.add_all(rows)
            ids = [n.id for group in by_rep.values() for n in group]
            session.execute(delete(PushNotice).where(col(PushNotice.id).in_(ids)))
            session.commit()
            return len(by_rep)

    # -- 2. claim -------------------------------------------------------------------------
    def claim(self, limit: int = CLAIM_BATCH) -> list[Claimed]:
        now = self.clock()
        token = uuid.uuid4().hex
        with Session(self.engine) as session:
            ids = list(
                session.exec(
                    select(PushDelivery.id)
                    .where(col(PushDelivery.next_attempt_at) <= now)
                    .order_by(col(PushDelivery.next_attempt_at), col(PushDelivery.id))
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                )
            )
            if not ids:
                return []
            session.execute(
                update(PushDelivery)
                .where(col(PushDelivery.id).in_(ids))
                .values(
                    claim_token=token,
                    next_attempt_at=now + self.lease(limit),
                    attempts=PushDelivery.attempts + 1,
                )
            )
            rows = session.exec(
                select(PushDelivery, PushSubscription)
                .join(PushSubscription, col(PushSubscription.id) == PushDelivery.subscription_id)
                .where(col(PushDelivery.claim_token) == token)
                .order_by(col(PushDelivery.id))
            ).all()
            claimed = [
                Claimed(
                    id=d.id,
                    token=token,
                    subscription_id=s.id,
                    endpoint=s.endpoint,
                    p256dh=s.p256dh,
                    auth=s.auth,
                    topic=d.topic,
                    payload=dict(d.payload),
                    attempts=d.attempts,
                )
                for d, s in rows
                if d.id is not None
            ]
            session.commit()
        return claimed

    # -- 3. settle ------------------------------------------------------------------------
    def settle(self, outcomes: list[tuple[Claimed, Result]]) -> None:
        now = self.clock()
        sent = failed = pruned = 0
        with Session(self.engine) as session:
            for item, result in outcomes:
                mine = (col(PushDelivery.id) == item.id) & (
                    col(PushDelivery.claim_token) == item.token
                )
                where = f"subscription {item.subscription_id} at {origin(item.endpoint)}"
                status = result.status
                if status is not None and 200 <= status < 300:
                    sent += self._delete(session, mine)
                elif status in (404, 410):
                    if self._delete(session, mine):
                        gone = col(PushSubscription.id) == item.subscription_id
                        session.execute(delete(PushSubscription).where(gone))
                        pruned += 1
                        log.info("push subscription gone (%s), pruned: %s", status, where)
                elif status in (400, 401, 403):
                    failed += self._delete(session, mine)
                    log.warning(
                        "push refused with %s, a VAPID problem (subscription kept): %s %s",
                        status,
                        where,
                        result.detail,
                    )
                elif status == 413:
                    failed += self._delete(session, mine)
                    log.error("push payload too large (a bug): %s", where)
                elif status is None or status == 429 or status >= 500:
                    if item.attempts >= MAX_ATTEMPTS:
                        failed += self._delete(session, mine)
                        log.warning("push given up after %s attempts: %s", item.attempts, where)
                        continue
                    delay = retry_delay(item.attempts, result.retry_after, now)
                    session.execute(
                        update(PushDelivery)
                        .where(mine)
                        .values(claim_token=None, next_attempt_at=now + timedelta(seconds=delay))
                    )
                    log.info("push answered %s, retry in %.0f s: %s", status, delay, where)
                else:
                    failed += self._delete(session, mine)
                    log.warning("push answered %s, dropped: %s %s", status, where, result.detail)
            bump(session, sent=sent, failed=failed, pruned=pruned)
            session.commit()
        PUSH_SENT.inc(sent)
        PUSH_FAILED.labels("dropped").inc(failed)  # refused, given up or unexpected answer

    @staticmethod
    def _delete(session: Session, mine: object) -> int:
        result = session.execute(delete(PushDelivery).where(mine))  # type: ignore[arg-type]
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
