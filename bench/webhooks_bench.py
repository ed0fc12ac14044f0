"""Webhooks: how long a healthy CRM endpoint waits for its events while other endpoints are
dead, and how many deliveries per second one process sends.

A real HTTPS receiver with its own CA (tests/tls.py, tests/webhooks/receiver.py) and the real
sender thread on SQLite. Events are committed in batches of 5 every 0.5 s (10 a second); the
delay of an event is the time from its batch's commit to its arrival at the receiver.

1. baseline: one healthy endpoint alone;
2. beside a dead one: the same, plus one endpoint that never answers and one that trickles its
   answer a header line every 0.5 s (both hold their slots until the 10 s send deadline);
3. throughput: 1,000 events to one healthy endpoint at once (4 in flight per endpoint).

    python -m bench.webhooks_bench
"""

import argparse
import logging
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlmodel import Session

from app.core.db import make_engine
from app.core.migrations import upgrade
from app.core.settings import Settings
from app.webhooks.events import EventType, emit_many
from app.webhooks.models import WebhookEndpoint
from app.webhooks.sender import WebhookSender
from app.webhooks.signing import endpoint_secret, load_master_key
from tests.tls import make_authority
from tests.webhooks.receiver import Hook, Receiver

BATCHES, PER_BATCH, PAUSE = 40, 5, 0.5  # 10 events a second
TARGET_P95_SECONDS = 1.0


def _endpoint(engine: object, hook: Hook, key: bytes) -> uuid.UUID:
    with Session(engine) as session:  # type: ignore[arg-type]
        row = WebhookEndpoint(url=hook.url, event_types=[EventType.lead_assigned.value])
        session.add(row)
        session.commit()
        hook.secret = endpoint_secret(key, row.id, row.secret_version)
        return row.id


def _run(settings: Settings, receiver: Receiver, bad: list[str], batches: int) -> list[float]:
    engine = make_engine(settings)
    key = load_master_key(engine)
    healthy = receiver.hook()
    ids = [_endpoint(engine, healthy, key)]
    for mode in bad:
        hook = receiver.hook()
        hook.mode = mode
        ids.append(_endpoint(engine, hook, key))
    sender = WebhookSender(engine, settings, key)
    sender.start()
    committed: dict[int, float] = {}
    try:
        for batch in range(batches):
            with Session(engine) as session:
                datas = [{"batch": batch, "n": n} for n in range(PER_BATCH)]
                emit_many(session, EventType.lead_assigned, datas, ids)
                session.commit()
            committed[batch] = time.monotonic()
            time.sleep(PAUSE)
        deadline = time.monotonic() + 30
        while len(healthy.received) < batches * PER_BATCH and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        sender.stop(timeout=1)
        engine.dispose()
    return [r.at - committed[r.event["data"]["batch"]] for r in healthy.received]


def _throughput(settings: Settings, receiver: Receiver, n: int = 1000) -> float:
    engine = make_engine(settings)
    key = load_master_key(engine)
    hook = receiver.hook()
    ids = [_endpoint(engine, hook, key)]
    with Session(engine) as session:
        emit_many(session, EventType.lead_assigned, [{"n": i} for i in range(n)], ids)
        session.commit()
    sender = WebhookSender(engine, settings, key)
    start = time.monotonic()
    sender.start()
    try:
        while len(hook.received) < n and time.monotonic() - start < 120:
            time.sleep(0.02)
    finally:
        sender.stop(timeout=1)
        engine.dispose()
    return len(hook.received) / (time.monotonic() - start)


def _show(name: str, delays: list[float]) -> float:
    ordered = sorted(delays)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    print(
        f"{name:<34} n={len(delays):4d}  median {statistics.median(delays) * 1000:6.0f} ms"
        f"  p95 {p95 * 1000:6.0f} ms  max {ordered[-1] * 1000:6.0f} ms"
    )
    return p95


def main(argv: list[str] | None = None) -> bool:
    parser = argparse.ArgumentParser(prog="python -m bench.webhooks_bench")
    parser.add_argument("--batches", type=int, default=BATCHES, help="batches of 5 events")
    parser.add_argument("--events", type=int, default=1000, help="events for the throughput")
    options = parser.parse_args(argv or [])
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        authority = make_authority(root / "ca")
        receiver = Receiver(authority).start()
        try:
            results = []
            for name, bad in (
                ("healthy endpoint alone", []),
                ("beside hang + trickle", ["hang", "trickle"]),
            ):
                settings = Settings(  # type: ignore[call-arg]
                    _env_file=None,
                    environment="test",
                    data_dir=root / name.replace(" ", "-"),
                    webhook_ca_file=str(authority.ca_file),
                )
                settings.data_dir.mkdir(parents=True)
                upgrade(settings)
                results.append(_show(name, _run(settings, receiver, bad, options.batches)))
            settings.webhook_per_endpoint = 4
            rate = _throughput(settings, receiver, options.events)
            print(f"{'throughput, one endpoint, 4 slots':<34} {rate:6.0f} deliveries/s")
        finally:
            # the dead endpoints' last sends end after the data folder is gone: not news
            logging.getLogger("strang.webhooks").setLevel(logging.CRITICAL)
            receiver.close()
    ok = results[-1] <= TARGET_P95_SECONDS
    print(f"healthy p95 beside dead endpoints <= {TARGET_P95_SECONDS} s: {'yes' if ok else 'NO'}")
    return ok


if __name__ == "__main__":
    sys.exit(0 if main(sys.argv[1:]) else 1)
