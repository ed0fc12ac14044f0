"""The push sender: a background thread in every app process.

1. Fan out (twice a second): take the notices of every rep whose oldest notice is older
   than the coalescing window, turn them into one message per subscription (in the phone's
   language, neutral words), write one `push_delivery` row each and delete those notices, all
   in one transaction. Only one process fans out at a time (PostgreSQL: a transaction-scoped
   advisory lock, others skip; SQLite: `BEGIN IMMEDIATE` serialises writers).
2. Claim due deliveries, only as many as there are free sending slots: `SELECT ... FOR UPDATE
   SKIP LOCKED` (PostgreSQL) then an UPDATE that sets a claim token and moves
   `next_attempt_at` past the send deadline, so two processes never take the same row and a
   dead process's rows come back once their lease runs out.
3. Send each claimed delivery in its own slot, with a total deadline (`wire.post`), and
   settle it the moment its answer arrives, in its own transaction: 201 marks it sent,
   404/410 delete the subscription, 429/5xx/network errors/deadline retry with exponential
   backoff honouring Retry-After, 400/401/403/413 are logged and counted as failed. A slow
   push service holds only its own slot; the loop keeps fanning out and sending to others,
   and one push service gets at most three quarters of the slots, so even a whole service
   that hangs leaves room for the others.
   Settling only touches rows that still carry our claim token. Nothing stops the loop.
"""

import logging
import threading
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta

from py_vapid import Vapid
from sqlalchemy import Engine, delete, func, or_, text, update
from sqlmodel import Session, col, select

from app.auth.models import Role, User
from app.core.observability import PUSH_FAILED, PUSH_SENT
from app.core.sender import SlotSender, lease
from app.core.settings import Settings
from app.core.time import utcnow
from app.push.delivery import Claimed, Result, SendFn, origin, webpush_send
from app.push.keys import load_vapid_key, signer
from app.push.messages import coalesce
from app.push.models import PushCounter, PushDelivery, PushNotice, PushSubscription
from app.push.retry import retry_delay
from app.push.words import lang_of

log = logging.getLogger("strang.push")

RECEIPT_SECONDS = 86400  # how long a sent delivery is kept
MAX_ATTEMPTS = 10
FANOUT_EVERY_SECONDS = 0.5
TICK_SECONDS = 0.5  # the loop looks for due notices at least this often
FANOUT_LOCK_KEY = 0x5354_5055  # "STPU": the advisory lock of the fan-out step
FANOUT_REPS_PER_TICK = 500


def bump(session: Session, **by: int) -> None:
    for name, value in by.items():
        if value:
            session.execute(
                update(PushCounter)
                .where(col(PushCounter.name) == name)
                .values(value=PushCounter.value + value)
            )


class PushSender(SlotSender):
    name = "push-send"

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        *,
        send: SendFn = webpush_send,
        clock: Callable[[], datetime] = utcnow,
        workers: int | None = None,
    ) -> None:
        super().__init__(workers or settings.push_concurrency, TICK_SECONDS)
        self.engine = engine
        self.settings = settings
        self.send = send
        self.clock = clock
        self._last_fan_out = 0.0
        # slots one push service may hold: a quarter of them stay free for the others
        self.per_origin = max(1, self.workers - max(1, self.workers // 4))
        self._busy: Counter[str] = Counter()  # deliveries in flight, by push service
        self._busy_lock = threading.Lock()

    def housekeeping(self) -> None:
        now = self.clock().timestamp()
        if now - self._last_fan_out >= FANOUT_EVERY_SECONDS:
            self._last_fan_out = now
            self.fan_out()

    def run_once(self) -> int:
        """Fan out due notices, then send every due delivery and wait for all of them (for
        tests and the CLI). Returns the number of send attempts made."""
        self.fan_out()
        return self.send_all_due()

    def start_sending(self, pool: ThreadPoolExecutor, free: int) -> set[Future[None]]:
        """Claim and start up to `free` deliveries. One push service gets at most
        `per_origin` slots, so when a whole service is slow the others still have some."""
        if free <= 0 or self.stopping:
            return set()
        with self._busy_lock:
            full = frozenset(o for o, n in self._busy.items() if n >= self.per_origin)
        batch = self.claim(free, full)
        if not batch:
            return set()
        vapid = signer(load_vapid_key(self.engine))
        started, later = set(), []
        for item in batch:
            with self._busy_lock:
                if self._busy[origin(item.endpoint)] >= self.per_origin:
                    later.append(item)
                    continue
                self._busy[origin(item.endpoint)] += 1
            future = pool.submit(self._deliver, item, vapid)
            future.add_done_callback(self.wake)
            started.add(future)
        self.release(later)
        return started

    def _deliver(self, item: Claimed, vapid: Vapid) -> None:
        try:
            result = self.send(item, vapid, self.settings)
        except Exception as exc:
            log.exception("push send raised; will retry (subscription %s)", item.subscription_id)
            result = Result(None, detail=type(exc).__name__)
        finally:
            with self._busy_lock:
                self._busy[origin(item.endpoint)] -= 1
                self._busy += Counter()  # drops origins with nothing in flight
        try:
            self.settle(item, result)
        except Exception:  # the lease runs out and the delivery is tried again
            log.exception("push settle failed (subscription %s)", item.subscription_id)

    def release(self, items: list[Claimed]) -> None:
        """Give claimed deliveries back unsent (their push service has no free slot)."""
        if not items:
            return
        with Session(self.engine) as session:
            for item in items:
                mine = (col(PushDelivery.id) == item.id) & (
                    col(PushDelivery.claim_token) == item.token
                )
                self._update(
                    session,
                    mine,
                    claim_token=None,
                    next_attempt_at=self.clock(),
                    attempts=PushDelivery.attempts - 1,
                )
            session.commit()

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
                self._forget_receipts(session, now)
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
                select(
                    PushSubscription.id,
                    PushSubscription.user_id,
                    PushSubscription.lang,
                    User.language,
                )
                .join(User, col(User.id) == PushSubscription.user_id)
                .where(
                    col(PushSubscription.user_id).in_(due_reps),
                    User.role == Role.rep,
                    col(User.is_active).is_(True),
                )
            ).all()
            rows = []
            for subscription_id, rep_id, phone_lang, user_lang in subscriptions:
                topic, payload = coalesce(
                    by_rep[rep_id],
                    lang=lang_of(user_lang, phone_lang),
                    details=self.settings.push_details,
                )
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

    @staticmethod
    def _forget_receipts(session: Session, now: datetime) -> None:
        session.execute(
            delete(PushDelivery).where(
                col(PushDelivery.sent_at).is_not(None), col(PushDelivery.next_attempt_at) <= now
            )
        )
        session.commit()

    # -- 2. claim -------------------------------------------------------------------------
    def claim(self, limit: int, skip_origins: frozenset[str] = frozenset()) -> list[Claimed]:
        """Up to `limit` due deliveries, none to a push service in `skip_origins`."""
        now = self.clock()
        token = uuid.uuid4().hex
        due = select(PushDelivery.id).where(
            col(PushDelivery.next_attempt_at) <= now, col(PushDelivery.sent_at).is_(None)
        )
        if skip_origins:
            endpoint = col(PushSubscription.endpoint)
            busy = [endpoint.startswith(f"{o}/", autoescape=True) for o in sorted(skip_origins)]
            due = due.join(
                PushSubscription, col(PushSubscription.id) == PushDelivery.subscription_id
            ).where(~or_(*busy))
        with Session(self.engine) as session:
            ids = list(
                session.exec(
                    due.order_by(col(PushDelivery.next_attempt_at), col(PushDelivery.id))
                    .limit(limit)
                    .with_for_update(of=PushDelivery, skip_locked=True)
                )
            )
            if not ids:
                return []
            session.execute(
                update(PushDelivery)
                .where(col(PushDelivery.id).in_(ids))
                .values(
                    claim_token=token,
                    next_attempt_at=now + lease(self.settings.push_send_deadline_seconds),
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
    def settle(self, item: Claimed, result: Result) -> None:
        """Record one answer, in a transaction of its own, as soon as it arrives."""
        now = self.clock()
        sent = failed = pruned = 0
        mine = (col(PushDelivery.id) == item.id) & (col(PushDelivery.claim_token) == item.token)
        where = f"subscription {item.subscription_id} at {origin(item.endpoint)}"
        status = result.status
        with Session(self.engine) as session:
            if status is not None and 200 <= status < 300:
                receipt = now + timedelta(seconds=RECEIPT_SECONDS)
                sent = self._update(
                    session, mine, sent_at=now, claim_token=None, next_attempt_at=receipt
                )
            elif status in (404, 410):
                if self._delete(session, mine):
                    gone = col(PushSubscription.id) == item.subscription_id
                    session.execute(delete(PushSubscription).where(gone))
                    pruned = 1
                    log.info("push subscription gone (%s), pruned: %s", status, where)
            elif status in (400, 401, 403):
                failed = self._delete(session, mine)
                log.warning(
                    "push refused with %s, a VAPID problem (subscription kept): %s %s",
                    status,
                    where,
                    result.detail,
                )
            elif status == 413:
                failed = self._delete(session, mine)
                log.error("push payload too large (a bug): %s %s", where, result.detail)
            elif status is None or status == 429 or status >= 500:
                if item.attempts >= MAX_ATTEMPTS:
                    failed = self._delete(session, mine)
                    log.warning("push given up after %s attempts: %s", item.attempts, where)
                else:
                    delay = retry_delay(item.attempts, result.retry_after, now)
                    later = now + timedelta(seconds=delay)
                    self._update(session, mine, claim_token=None, next_attempt_at=later)
                    shown = status or result.detail
                    log.info("push answered %s, retry in %.0f s: %s", shown, delay, where)
            else:
                failed = self._delete(session, mine)
                log.warning("push answered %s, dropped: %s %s", status, where, result.detail)
            bump(session, sent=sent, failed=failed, pruned=pruned)
            session.commit()
        PUSH_SENT.inc(sent)
        PUSH_FAILED.labels("dropped").inc(failed)  # refused, given up or unexpected answer

    @staticmethod
    def _update(session: Session, mine: object, **values: object) -> int:
        result = session.execute(update(PushDelivery).where(mine).values(**values))  # type: ignore[arg-type]
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    @staticmethod
    def _delete(session: Session, mine: object) -> int:
        result = session.execute(delete(PushDelivery).where(mine))  # type: ignore[arg-type]
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
