"""Load: 500 simulated reps over loopback for 60 s against a real `strang serve`.

Each rep does the morning pull (every page), downloads the campaign's collateral files, then
pushes an outcome every few seconds (and pulls the delta now and then), like a phone between
visits. Prints throughput, p50/p95/p99 per endpoint, the error count (must be 0) and the peak
resident memory of the server processes (VmHWM from /proc).

    python -m bench.load                          # SQLite, 1 worker
    STRANG_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        python -m bench.load                      # also PostgreSQL, 2 workers
    STRANG_LOAD_REPS=100 STRANG_LOAD_SECONDS=20 python -m bench.load   # a quicker look
"""

import asyncio
import hashlib
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import psycopg
from sqlalchemy.engine import make_url
from sqlmodel import Session

from app.auth.models import AuthSession, Role, User
from app.campaigns.models import Campaign, CampaignStatus
from app.collateral.models import Collateral, CollateralKind
from app.core.db import make_engine
from app.core.migrations import upgrade
from app.core.security import hash_token, new_token
from app.core.settings import Settings
from app.core.storage import LocalBlobStorage
from app.core.time import utcnow
from app.leads.models import Lead
from app.sync.changes import SyncEntity, record_change

ROOT = Path(__file__).resolve().parents[1]
REPS = int(os.environ.get("STRANG_LOAD_REPS", "500"))
SECONDS = float(os.environ.get("STRANG_LOAD_SECONDS", "60"))
LEADS_PER_REP = 8
FILE_SIZES = (150_000, 600_000, 2_000_000)  # a flyer, a brochure, a price list with photos
PUSH_EVERY = (3.0, 9.0)  # seconds between a rep's pushes (uniform)
CODES = ("won", "follow_up", "interested", "objection", "not_reached", "no_interest")


@dataclass
class Rep:
    token: str
    leads: list[uuid.UUID]
    seq: int = 0


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    examples: list[str] = field(default_factory=list)
    bytes: int = 0


def seed(settings: Settings) -> tuple[list[Rep], list[str]]:
    """Reps with a logged-in phone and leads, one live campaign for everyone with three files."""
    engine = make_engine(settings)
    storage = LocalBlobStorage(settings.blob_dir)
    now = utcnow()
    reps = []
    with Session(engine) as session:
        campaign = Campaign(name="Spring offensive", status=CampaignStatus.live, audience_all=True)
        session.add(campaign)
        session.flush()
        record_change(session, SyncEntity.campaign, campaign.id)
        files = []
        for n, size in enumerate(FILE_SIZES):
            data = b"%PDF-1.4\n" + random.randbytes(size)
            sha256 = hashlib.sha256(data).hexdigest()
            source = storage.temp_dir() / f"seed-{n}"
            source.write_bytes(data)
            storage.put(source, sha256)
            item = Collateral(
                campaign_id=campaign.id,
                kind=CollateralKind.pdf,
                title=f"Brochure {n}",
                sha256=sha256,
                size=len(data),
                content_type="application/pdf",
                filename=f"brochure-{n}.pdf",
            )
            session.add(item)
            session.flush()
            record_change(session, SyncEntity.collateral, item.id)
            files.append(sha256)
        for n in range(REPS):
            user = User(
                email=f"load-{n}@example.test", name=f"Rep {n}", role=Role.rep, password_hash="x"
            )
            session.add(user)
            session.flush()
            token = new_token()
            session.add(
                AuthSession(
                    user_id=user.id,
                    token_hash=hash_token(token),
                    created_at=now,
                    last_seen_at=now,
                    expires_at=now + timedelta(days=1),
                )
            )
            leads = [
                Lead(
                    company=f"Firma {n}-{k} GmbH",
                    rep_id=user.id,
                    campaign_id=campaign.id,
                    brief_md="Ask about the **spring offer**.",
                    brief_html="<p>Ask about the <strong>spring offer</strong>.</p>",
                    planned_visit_at=now + timedelta(hours=k),
                )
                for k in range(LEADS_PER_REP)
            ]
            session.add_all(leads)
            session.flush()
            for lead in leads:
                record_change(session, SyncEntity.lead, lead.id, rep_ids=[user.id])
            reps.append(Rep(token, [lead.id for lead in leads]))
        session.commit()
    engine.dispose()
    return reps, files


# ---- the server ----


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(settings: Settings, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("STRANG_")}
    env.update(
        STRANG_ENVIRONMENT="test",
        STRANG_DATA_DIR=str(settings.data_dir),
        STRANG_DATABASE_URL=settings.database_url,
        STRANG_LOG_JSON="true",
    )
    command = [sys.executable, "-m", "app", "serve", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--workers", str(workers)],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # one log line per request would only measure the terminal
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    raise RuntimeError("server did not start")


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children[int(fields[1])].append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def peak_rss_kib(pid: int) -> dict[int, int]:
    """VmHWM (peak resident set) of the server and every process it started, in KiB."""
    peaks = {}
    for proc in _descendants(pid):
        try:
            for line in Path(f"/proc/{proc}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks[proc] = int(line.split()[1])
        except OSError:
            continue
    return peaks


# ---- the phones ----


async def timed(stats: Stats, label: str, call: Awaitable[httpx.Response]) -> httpx.Response | None:
    started = time.perf_counter()
    try:
        response = await call
    except httpx.HTTPError as exc:
        stats.errors[label] += 1
        if len(stats.examples) < 5:
            stats.examples.append(f"{label}: {type(exc).__name__} {exc}")
        return None
    stats.latencies[label].append(time.perf_counter() - started)
    if response.status_code >= 400:
        stats.errors[label] += 1
        if len(stats.examples) < 5:
            stats.examples.append(f"{label}: {response.status_code} {response.text[:200]}")
        return None
    stats.bytes += len(response.content)
    return response


async def pull_all(http: httpx.AsyncClient, rep: Rep, stats: Stats, cursor: str | None) -> str:
    while True:
        params = {"cursor": cursor} if cursor else {}
        response = await timed(
            stats, "GET /sync/pull", http.get("/api/v1/sync/pull", params=params)
        )
        if response is None:
            return cursor or ""
        body = response.json()
        cursor = body["cursor"]
        if not body["has_more"]:
            return str(cursor)


async def phone(
    url: str, rep: Rep, files: list[str], stats: Stats, until: float, start_delay: float
) -> None:
    await asyncio.sleep(start_delay)  # phones wake up over the first seconds, not all at once
    headers = {"Authorization": f"Bearer {rep.token}"}
    limits = httpx.Limits(max_connections=2)
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60, limits=limits) as http:
        cursor = await pull_all(http, rep, stats, None)  # the morning pull
        for sha256 in random.sample(files, k=2):
            await timed(stats, "GET /files/{sha256}", http.get(f"/api/v1/files/{sha256}"))
        device = f"load-{uuid.uuid4().hex[:8]}"
        while time.monotonic() < until:
            await asyncio.sleep(random.uniform(*PUSH_EVERY))
            if time.monotonic() >= until:
                break
            rep.seq += 1
            mutation = {
                "type": "outcome.log",
                "id": str(uuid.uuid4()),
                "seq": rep.seq,
                "lead_id": str(random.choice(rep.leads)),
                "code": random.choice(CODES),
                "occurred_at": datetime.now(UTC).isoformat(),
                "details": [],
                "note": "",
            }
            body = {"device_id": device, "mutations": [mutation]}
            await timed(stats, "POST /sync/push", http.post("/api/v1/sync/push", json=body))
            if random.random() < 0.25:  # now and then the phone pulls what changed
                cursor = await pull_all(http, rep, stats, cursor)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def report(name: str, stats: Stats, elapsed: float, peaks: dict[int, int]) -> bool:
    total = sum(len(v) for v in stats.latencies.values())
    errors = sum(stats.errors.values())
    print(f"\n== {name}: {REPS} reps, {elapsed:.0f} s ==")
    print(f"requests: {total} ok, {total / elapsed:.1f}/s, {stats.bytes / elapsed / 1e6:.1f} MB/s")
    print(f"{'endpoint':24} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for label in sorted(set(stats.latencies) | set(stats.errors)):
        values = stats.latencies.get(label, [])
        print(
            f"{label:24} {len(values):7d} {percentile(values, 0.5) * 1000:8.1f} "
            f"{percentile(values, 0.95) * 1000:8.1f} {percentile(values, 0.99) * 1000:8.1f} "
            f"{stats.errors.get(label, 0):7d}"
        )
    if stats.latencies:
        everything = [v for values in stats.latencies.values() for v in values]
        print(f"{'all':24} {len(everything):7d} {statistics.median(everything) * 1000:8.1f}")
    print(f"errors: {errors}" + (f" (e.g. {stats.examples})" if errors else ""))
    rss = ", ".join(f"{kib / 1024:.0f} MiB" for kib in sorted(peaks.values(), reverse=True))
    print(f"peak server RSS (VmHWM per process): {rss}; total {sum(peaks.values()) / 1024:.0f} MiB")
    return errors == 0


async def drive(url: str, reps: list[Rep], files: list[str], stats: Stats) -> float:
    started = time.monotonic()
    until = started + SECONDS
    ramp = min(10.0, SECONDS / 4)
    await asyncio.gather(
        *(phone(url, rep, files, stats, until, ramp * n / len(reps)) for n, rep in enumerate(reps))
    )
    return time.monotonic() - started


def run(name: str, settings: Settings, workers: int) -> bool:
    upgrade(settings)
    reps, files = seed(settings)
    process, url = start_server(settings, workers)
    try:
        stats = Stats()
        elapsed = asyncio.run(drive(url, reps, files, stats))
        peaks = peak_rss_kib(process.pid)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    return report(f"{name}, {workers} worker(s)", stats, elapsed, peaks)


def _settings(folder: Path, database_url: str = "") -> Settings:
    return Settings(
        _env_file=None,
        environment="test",
        data_dir=folder,
        database_url=database_url,
    )


def main() -> bool:
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        ok = run("SQLite", _settings(Path(folder) / "sqlite"), workers=1) and ok
        pg_url = os.environ.get("STRANG_BENCH_POSTGRES_URL", "")
        if pg_url:
            admin = make_url(pg_url).set(drivername="postgresql").render_as_string(False)
            name = f"strang_load_{uuid.uuid4().hex[:10]}"
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            try:
                url = make_url(pg_url).set(drivername="postgresql+psycopg", database=name)
                settings = _settings(Path(folder) / "pg", url.render_as_string(False))
                ok = run("PostgreSQL", settings, workers=2) and ok
            finally:
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return ok


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
