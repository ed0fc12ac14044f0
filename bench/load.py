"""Load: 500 simulated reps over loopback against a real `strang serve`.

Each rep does the morning pull (every page), downloads two of the campaign's collateral files,
then pushes an outcome every 3-9 s (and pulls the delta after a quarter of them), like a phone
between visits. The phones wake up spread evenly over the ramp (a real morning spreads the
first pulls over many minutes; 60 s is already a crowded morning), then every phone keeps
working for `--seconds` more: the last `--seconds` of the run have all reps active at once.

Prints throughput, p50/p95/p99 per endpoint, every error classified (client side: status or
exception; server side: status per route and exceptions from the server's JSON log), the peak
resident memory of the server processes (VmHWM from /proc) and the load average before and
after. Exits non-zero when any request failed.

    python -m bench.load                              # SQLite 1 worker; PostgreSQL 2 workers too
                                                      # when STRANG_BENCH_POSTGRES_URL is set
    python -m bench.load --reps 200 --seconds 20 --ramp 20 --only sqlite   # a quicker look
    python -m bench.load --keep-logs /tmp/load-logs   # keep the servers' logs for reading
    python -m bench.load --day --reps 2000            # a realistic day (below)

`--day`: the phones have their files already (no downloads); after its morning pull each one
pushes one outcome every 30-90 s and pulls what changed every 3 minutes, as a rep between
visits. The steady pushes and pulls are judged against issue 16's target, p99 <= 100 ms (the
morning pulls are listed apart: a snapshot of every page is another request). The server's
CPU per answered request is printed: the app's processes (workers and roller) only, not
PostgreSQL's own.
"""

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import psycopg
from sqlalchemy.engine import make_url
from sqlmodel import Session

from app.auth.models import Role, User
from app.auth.service import start_session
from app.campaigns.models import Campaign, CampaignStatus
from app.changes.log import SyncEntity, record_change
from app.collateral.models import Collateral, CollateralKind
from app.core.db import make_engine
from app.core.migrations import upgrade
from app.core.settings import Settings
from app.core.storage import LocalBlobStorage
from app.core.time import utcnow
from app.leads.models import Lead
from bench.sync_bench import free_port, process_cpu_seconds

ROOT = Path(__file__).resolve().parents[1]
LEADS_PER_REP = 8
FILE_SIZES = (150_000, 600_000, 2_000_000)  # a flyer, a brochure, a price list with photos
PUSH = "POST /sync/push"
PUSH_EVERY = (3.0, 9.0)  # seconds between a rep's pushes (uniform)
DAY_PUSH_EVERY = (30.0, 90.0)  # --day
DAY_PULL_EVERY = 180.0
DAY_TARGET_MS = 100.0
OVERLOAD_TARGET_MS = 500.0  # accepted pushes and pulls, p99, while the server sheds the rest
PULL, MORNING = "GET /sync/pull", "GET /sync/pull (morning)"
SHED = 503
CODES = ("won", "follow_up", "interested", "objection", "not_reached", "no_interest")


@dataclass
class Options:
    reps: int = 500
    seconds: float = 60.0
    ramp: float = 60.0
    timeout: float = 60.0
    only: str | None = None
    postgres_url: str = ""
    keep_logs: Path | None = None
    overload: bool = False
    pg_workers: tuple[int, ...] = (1, 2)
    day: bool = False


@dataclass
class Rep:
    token: str
    leads: list[uuid.UUID]
    seq: int = 0


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[tuple[str, str]] = field(default_factory=Counter)
    examples: dict[tuple[str, str], str] = field(default_factory=dict)
    shed: Counter[str] = field(default_factory=Counter)  # 503 + Retry-After: sent again later
    # latencies of the requests started once every phone was past its morning sync (its first
    # pull and downloads): the steady state the targets are judged on
    steady: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    morning_left: int = 0  # phones still in their morning sync
    bytes: int = 0

    def fail(self, label: str, kind: str, example: str) -> None:
        self.errors[label, kind] += 1
        self.examples.setdefault((label, kind), example[:300])

    def error_count(self, label: str | None = None) -> int:
        return sum(n for (lbl, _), n in self.errors.items() if label in (None, lbl))


@dataclass
class Result:
    name: str
    reps: int
    elapsed: float
    ok: int
    errors: int
    pushes: int  # answered 200
    p50: dict[str, float]
    p95: dict[str, float]
    peak_mib: float
    cpu_ms: float  # the app's CPU per answered request
    p99: dict[str, float]  # of the steady state (Stats.steady), as `counts`
    counts: dict[str, int]
    load_before: str
    load_after: str


def seed(settings: Settings, reps_wanted: int) -> tuple[list[Rep], list[str]]:
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
        for n in range(reps_wanted):
            user = User(
                email=f"load-{n}@example.test", name=f"Rep {n}", role=Role.rep, password_hash="x"
            )
            session.add(user)
            session.flush()
            token = start_session(session, user.id, days=1)
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
    with engine.connect() as conn:  # statistics, as autovacuum would gather (off on some servers)
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    engine.dispose()
    return reps, files


# ---- the server ----


def start_server(
    settings: Settings, workers: int, log_path: Path
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("STRANG_")}
    env.update(
        STRANG_ENVIRONMENT="test",
        STRANG_DATA_DIR=str(settings.data_dir),
        STRANG_DATABASE_URL=settings.database_url,
        STRANG_LOG_JSON="true",
        STRANG_INSIGHTS_ROLLER="true",  # as in production
    )
    command = [sys.executable, "-m", "app", "serve", "--port", str(port)]
    with open(log_path, "wb") as log:  # a file, not a pipe: the server never waits on us
        process = subprocess.Popen(
            [*command, "--workers", str(workers)],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=log,
            stderr=subprocess.STDOUT,
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
    raise RuntimeError(f"server did not start (log: {log_path})")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """Ask the server (and its workers) to stop; kill them if they take over 15 s."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


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


def read_server_log(path: Path) -> tuple[Counter[tuple[str, str, int]], Counter[str]]:
    """(requests by method, route and status; problems: exceptions and warnings by message)."""
    requests: Counter[tuple[str, str, int]] = Counter()
    problems: Counter[str] = Counter()
    for line in path.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            if line.strip():
                problems[f"(not JSON) {line.strip()[:160]}"] += 1
            continue
        if not isinstance(entry, dict):
            continue
        if entry.get("message") == "request":
            requests[entry.get("method", "?"), entry.get("route", "?"), entry.get("status", 0)] += 1
        elif entry.get("level") in ("warning", "error", "critical"):
            error = str(entry.get("error", "")).strip().splitlines()
            last = error[-1] if error else ""
            problems[f"{entry.get('logger')}: {entry.get('message')} {last}".strip()[:200]] += 1
    return requests, problems


# ---- the phones ----


async def timed(stats: Stats, label: str, call: Awaitable[httpx.Response]) -> httpx.Response | None:
    started, steady = time.perf_counter(), stats.morning_left == 0
    try:
        response = await call
    except httpx.HTTPError as exc:
        stats.fail(label, type(exc).__name__, f"{type(exc).__name__} {exc}")
        return None
    if response.status_code == SHED and "Retry-After" in response.headers:
        stats.shed[label] += 1  # not an error: the server said when to come back
        return response
    if response.status_code >= 400:
        stats.fail(label, f"HTTP {response.status_code}", response.text)
        return None
    stats.latencies[label].append(time.perf_counter() - started)
    if steady:
        stats.steady[label].append(time.perf_counter() - started)
    stats.bytes += len(response.content)
    return response


async def pull_all(
    http: httpx.AsyncClient, rep: Rep, stats: Stats, cursor: str | None, label: str = PULL
) -> str:
    while True:
        params = {"cursor": cursor} if cursor else {}
        response = await timed(stats, label, http.get("/api/v1/sync/pull", params=params))
        if response is None:
            return cursor or ""
        if response.status_code == SHED:  # like the phone: again after Retry-After, jittered
            await asyncio.sleep(_come_back_after(response))
            continue
        body = response.json()
        cursor = body["cursor"]
        if not body["has_more"]:
            return str(cursor)


def _outcome(rep: Rep) -> dict[str, object]:
    rep.seq += 1
    return {
        "type": "outcome.log",
        "id": str(uuid.uuid4()),
        "seq": rep.seq,
        "lead_id": str(random.choice(rep.leads)),
        "code": random.choice(CODES),
        "occurred_at": datetime.now(UTC).isoformat(),
        "details": [],
        "note": "",
    }


async def push(http: httpx.AsyncClient, stats: Stats, body: dict[str, object]) -> None:
    """Like the phone: a push the server sheds is kept and sent again after Retry-After, plus
    up to half again of jitter."""
    for _ in range(20):
        response = await timed(stats, PUSH, http.post("/api/v1/sync/push", json=body))
        if response is None or response.status_code != SHED:
            return
        await asyncio.sleep(_come_back_after(response))
    stats.fail(PUSH, "shed 20 times", "")


def _come_back_after(response: httpx.Response) -> float:
    """Retry-After plus up to half again of jitter, as the phone waits."""
    return float(response.headers["Retry-After"]) * random.uniform(1, 1.5)


async def phone(
    url: str,
    rep: Rep,
    files: list[str],
    stats: Stats,
    options: Options,
    until: float,
    start_delay: float,
) -> None:
    await asyncio.sleep(start_delay)
    headers = {"Authorization": f"Bearer {rep.token}"}
    # One phone, one connection (its requests are sequential), kept open between pushes like a
    # browser does; `strang serve` keeps idle connections for 75 s, so the phone closes first.
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1, keepalive_expiry=30)
    timeout = httpx.Timeout(options.timeout, connect=options.timeout)
    async with httpx.AsyncClient(
        base_url=url, headers=headers, timeout=timeout, limits=limits
    ) as http:
        device = f"load-{uuid.uuid4().hex[:8]}"
        if options.day:
            await day(http, rep, stats, device, until)
            return
        cursor = await pull_all(http, rep, stats, None, MORNING)
        for sha256 in random.sample(files, k=2):
            await timed(stats, "GET /files/{sha256}", http.get(f"/api/v1/files/{sha256}"))
        stats.morning_left -= 1
        while time.monotonic() < until:
            if not options.overload:
                await asyncio.sleep(random.uniform(*PUSH_EVERY))
            if time.monotonic() >= until:
                break
            mutations = [
                _outcome(rep) for _ in range(random.randint(1, 5) if options.overload else 1)
            ]
            body: dict[str, object] = {"device_id": device, "mutations": mutations}
            await push(http, stats, body)
            if random.random() < 0.25:  # now and then the phone pulls what changed
                cursor = await pull_all(http, rep, stats, cursor)


async def day(http: httpx.AsyncClient, rep: Rep, stats: Stats, device: str, until: float) -> None:
    """A rep between visits: an outcome every 30-90 s, a pull of what changed every 3 min."""
    cursor = await pull_all(http, rep, stats, None, MORNING)
    stats.morning_left -= 1
    next_push = time.monotonic() + random.uniform(*DAY_PUSH_EVERY)
    next_pull = time.monotonic() + random.uniform(0, DAY_PULL_EVERY)
    while True:
        at = min(next_push, next_pull)
        if at >= until:
            return
        await asyncio.sleep(max(0.0, at - time.monotonic()))
        if at == next_push:
            body: dict[str, object] = {"device_id": device, "mutations": [_outcome(rep)]}
            await push(http, stats, body)
            next_push = time.monotonic() + random.uniform(*DAY_PUSH_EVERY)
        else:
            cursor = await pull_all(http, rep, stats, cursor)
            next_pull = time.monotonic() + DAY_PULL_EVERY


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def cpu_seconds(pid: int) -> float:
    """User + system CPU so far of the server and every process it started (Linux /proc)."""
    total = 0.0
    for proc in _descendants(pid):
        with contextlib.suppress(OSError):  # a process that ended meanwhile
            total += process_cpu_seconds(proc)
    return total


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def report(
    name: str,
    stats: Stats,
    elapsed: float,
    peaks: dict[int, int],
    log_path: Path,
    loads: tuple[str, str],
    reps: int,
    cpu: float,
) -> Result:
    total = sum(len(v) for v in stats.latencies.values())
    errors = stats.error_count()
    print(f"\n== {name}: {reps} reps, {elapsed:.0f} s; load average {loads[0]} -> {loads[1]} ==")
    print(f"requests: {total} ok, {total / elapsed:.1f}/s, {stats.bytes / elapsed / 1e6:.1f} MB/s")
    print(
        f"{'endpoint':22} {'ok':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'max ms':>8} {'errors':>7}"
    )
    labels = sorted(set(stats.latencies) | {label for label, _ in stats.errors})
    for label in labels:
        values = stats.latencies.get(label, [])
        print(
            f"{label:22} {len(values):7d} {percentile(values, 0.5) * 1000:8.1f} "
            f"{percentile(values, 0.95) * 1000:8.1f} {percentile(values, 0.99) * 1000:8.1f} "
            f"{max(values, default=0) * 1000:8.1f} {stats.error_count(label):7d}"
        )
    for label, count in sorted(stats.shed.items()):
        print(f"shed (503 + Retry-After, sent again): {count} x {label}")
    print(f"errors: {errors}")
    for (label, kind), count in sorted(stats.errors.items()):
        print(f"  {count:6d}  {label}: {kind}  e.g. {stats.examples[label, kind]!r}")
    requests, problems = read_server_log(log_path)
    failed = {k: n for k, n in requests.items() if k[2] >= 400}
    if failed or problems:
        print(f"server log ({log_path.name}):")
        for (method, route, status), count in sorted(failed.items()):
            print(f"  {count:6d}  {method} {route} -> {status}")
        for message, count in problems.most_common(10):
            print(f"  {count:6d}  {message}")
    rss = ", ".join(f"{kib / 1024:.0f} MiB" for kib in sorted(peaks.values(), reverse=True))
    print(f"peak server RSS (VmHWM per process): {rss}; total {sum(peaks.values()) / 1024:.0f} MiB")
    cpu_ms = cpu * 1000 / max(1, total)
    print(
        f"server CPU: {cpu:.1f} s for {total} answered requests, {cpu_ms:.2f} ms per request"
        f" ({cpu / elapsed:.0%} of a core; the app's processes, not PostgreSQL's)"
    )
    return Result(
        name=name,
        reps=reps,
        elapsed=elapsed,
        ok=total,
        errors=errors,
        pushes=len(stats.latencies.get(PUSH, [])),
        p50={k: percentile(v, 0.5) for k, v in stats.latencies.items()},
        p95={k: percentile(v, 0.95) for k, v in stats.latencies.items()},
        peak_mib=sum(peaks.values()) / 1024,
        cpu_ms=cpu_ms,
        p99={k: percentile(v, 0.99) for k, v in stats.steady.items()},
        counts={k: len(v) for k, v in stats.steady.items()},
        load_before=loads[0],
        load_after=loads[1],
    )


async def drive(
    url: str, reps: list[Rep], files: list[str], stats: Stats, options: Options
) -> float:
    started = time.monotonic()
    until = started + options.ramp + options.seconds
    step = options.ramp / max(1, len(reps))
    stats.morning_left = len(reps)
    await asyncio.gather(
        *(phone(url, rep, files, stats, options, until, step * n) for n, rep in enumerate(reps))
    )
    return time.monotonic() - started


def run(name: str, settings: Settings, workers: int, options: Options, logs: Path) -> Result:
    upgrade(settings)
    reps, files = seed(settings, options.reps)
    log_path = logs / f"server-{name.lower()}.log"
    process, url = start_server(settings, workers, log_path)
    load_before, cpu_before = loadavg(), cpu_seconds(process.pid)
    try:
        stats = Stats()
        elapsed = asyncio.run(drive(url, reps, files, stats, options))
        peaks = peak_rss_kib(process.pid)
        cpu = cpu_seconds(process.pid) - cpu_before
    finally:
        stop_server(process)
    loads = (load_before, loadavg())
    title = f"{name}, {workers} worker(s)"
    return report(title, stats, elapsed, peaks, log_path, loads, options.reps, cpu)


def _run_postgres(
    admin: str, pg_url: str, workers: int, options: Options, folder: Path, logs: Path
) -> Result:
    """One run on a fresh PostgreSQL database of its own."""
    name = f"strang_load_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        url = make_url(pg_url).set(drivername="postgresql+psycopg", database=name)
        settings = _settings(folder / f"pg{workers}", url.render_as_string(False))
        return run(f"PostgreSQL {workers}w", settings, workers, options, logs)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _settings(folder: Path, database_url: str = "") -> Settings:
    return Settings(
        _env_file=None,
        environment="test",
        data_dir=folder,
        database_url=database_url,
    )


def _judge(r: Result, kind: str, target_ms: float) -> None:
    p99 = {label: r.p99.get(label, 0) * 1000 for label in (PUSH, PULL)}
    figures = [f"{label} p99 {ms:.0f} ms (n={r.counts.get(label, 0)})" for label, ms in p99.items()]
    figures[0] = "once every phone was past its morning sync: " + figures[0]
    verdict = "on target" if max(p99.values()) <= target_ms else "OFF TARGET"
    if not all(r.counts.get(label) for label in p99):
        verdict = "NOT MEASURED (no steady-state requests: run longer)"
    print(
        f"{kind}, {r.name}: {', '.join(figures)}; target <= {target_ms:.0f} ms: {verdict};"
        f" {r.cpu_ms:.2f} ms of app CPU per request"
    )


def summary(results: list[Result], options: Options) -> None:
    print("\n== summary ==")
    head = f"{'set-up':26} {'reps':>5} {'s':>5} {'ok':>7} {'req/s':>7} {'errors':>7}"
    head += f" {'pull p50/p95 ms':>17} {'push p50/p95 ms':>17} {'file p50/p95 ms':>17}"
    print(head + f" {'RSS MiB':>8}  load avg")
    for r in results:

        def pair(label: str, r: Result = r) -> str:
            return f"{r.p50.get(label, 0) * 1000:.0f}/{r.p95.get(label, 0) * 1000:.0f}"

        print(
            f"{r.name:26} {r.reps:5d} {r.elapsed:5.0f} {r.ok:7d} {r.ok / r.elapsed:7.1f} "
            f"{r.errors:7d} {pair('GET /sync/pull'):>17} {pair('POST /sync/push'):>17} "
            f"{pair('GET /files/{sha256}'):>17} {r.peak_mib:8.0f}  {r.load_before} -> "
            f"{r.load_after}"
        )
    by_workers = {r.name.split(",")[0]: r.pushes / r.elapsed for r in results}
    one, two = by_workers.get("PostgreSQL 1w"), by_workers.get("PostgreSQL 2w")
    if one and two:
        print(
            f"PostgreSQL pushes answered: {two:.1f}/s with 2 workers vs {one:.1f}/s with 1:"
            f" ratio {two / one:.2f} (one run each, same offered load; a ratio near 1 means the"
            " phones, not the server, set the pace: --overload measures capacity)"
        )
    for r in results:
        if options.day:
            _judge(r, "day", DAY_TARGET_MS)
        elif options.overload:
            _judge(r, "overload (answered requests; shed ones come back later)", OVERLOAD_TARGET_MS)
    failed = sum(r.errors for r in results)
    print("result: " + ("0 errors" if not failed else f"{failed} errors (target: 0)"))


def parse(argv: list[str]) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--reps", type=int, default=500, help="simulated reps (default 500)")
    parser.add_argument(
        "--seconds", type=float, default=60.0, help="time with every rep active, after the ramp"
    )
    parser.add_argument(
        "--ramp", type=float, default=60.0, help="phones wake up evenly over this many seconds"
    )
    parser.add_argument(
        "--timeout", type=float, default=60.0, help="a phone's timeout per request (s)"
    )
    parser.add_argument("--only", choices=("sqlite", "postgres"), default=None)
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("STRANG_BENCH_POSTGRES_URL", ""),
        help="admin URL of a PostgreSQL server (default $STRANG_BENCH_POSTGRES_URL)",
    )
    parser.add_argument("--keep-logs", type=Path, default=None, help="folder for server logs")
    parser.add_argument(
        "--overload",
        action="store_true",
        help="every phone pushes 1-5 outcomes again as soon as answered (no pause)",
    )
    parser.add_argument(
        "--day",
        action="store_true",
        help="a realistic day: one outcome every 30-90 s, a pull every 3 min, no downloads",
    )
    parser.add_argument(
        "--pg-workers",
        default="1,2",
        help="PostgreSQL runs, one per worker count (default 1,2: the ratio is printed)",
    )
    args = parser.parse_args(argv)
    return Options(
        reps=args.reps,
        seconds=args.seconds,
        ramp=args.ramp,
        timeout=args.timeout,
        only=args.only,
        postgres_url=args.postgres_url,
        keep_logs=args.keep_logs,
        overload=args.overload,
        pg_workers=tuple(int(n) for n in args.pg_workers.split(",")),
        day=args.day,
    )


def main(argv: list[str] | None = None) -> bool:
    options = parse(argv or [])
    results = []
    with tempfile.TemporaryDirectory(prefix="strang-load-") as folder:
        logs = options.keep_logs or Path(folder)
        logs.mkdir(parents=True, exist_ok=True)
        if options.only in (None, "sqlite"):
            settings = _settings(Path(folder) / "sqlite")
            results.append(run("SQLite", settings, 1, options, logs))
        pg_url = options.postgres_url
        if options.only == "postgres" and not pg_url:
            raise SystemExit("--only postgres needs --postgres-url or STRANG_BENCH_POSTGRES_URL")
        if pg_url and options.only in (None, "postgres"):
            admin = make_url(pg_url).set(drivername="postgresql").render_as_string(False)
            for workers in options.pg_workers:
                results.append(_run_postgres(admin, pg_url, workers, options, Path(folder), logs))
    summary(results, options)
    return all(r.errors == 0 for r in results)


if __name__ == "__main__":
    sys.exit(0 if main(sys.argv[1:]) else 1)
