"""Sync benchmark: push throughput through real HTTP vs raw inserts, pull latency, payload size.

Runs a real uvicorn (a subprocess on a free port) on a fresh SQLite database with
synchronous=FULL. Prints figures and ratios measured in this run; `main()` is True when the
targets of issue 4 are met (≥ 3,000 outcomes/s at batch 50, nothing-changed pull p99 ≤ 15 ms,
initial sync of 300 leads ≤ 150 KB gzip).

Options for a quicker run while tuning (the targets are judged on the defaults):
`python -m bench.sync_bench --reps 40 --scale 0.25` seeds 40 reps and pushes a quarter of the
outcomes; `--only push` or `--only pull` skips the other half; `--batches 1,50` leaves out the
pushes of 500.
"""

import argparse
import gzip
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert
from sqlmodel import Session

from app.auth.models import AuthSession, Role, User
from app.campaigns.models import Campaign, CampaignStatus
from app.changes.log import SyncEntity, record_changes
from app.collateral.models import Collateral, CollateralKind
from app.core.db import make_engine
from app.core.migrations import upgrade
from app.core.security import hash_password, hash_token
from app.core.settings import Settings
from app.leads.models import Lead

REPS = 200
LEADS_PER_REP = 300
PUSH_CLIENTS = 4
BRIEF = (
    "<p><strong>Why now:</strong> their service contract for the old line ends in March and the "
    "purchasing lead asked for a comparison. <em>Talking points:</em> energy savings of 18 % in "
    "the pilot at Müller Logistik, the 5-year warranty, and the trade-in offer.</p>"
    "<ul><li>Bring the price list v3</li><li>Ask about the second site in Bremen</li>"
    "<li>Decision maker: Dr. Schneider (CFO)</li></ul>"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def seed(settings: Settings, reps: int | None = None) -> tuple[list[str], list[list[str]]]:
    """`reps` (default: REPS, 200) reps with 300 leads each; returns bearer tokens and each
    rep's lead ids."""
    upgrade(settings)
    engine = make_engine(settings)
    password = hash_password("bench-password")
    tokens: list[str] = []
    leads_of: list[list[str]] = []
    now = datetime.now(UTC)
    with Session(engine) as session:
        campaign = Campaign(
            name="Spring efficiency", key_message="Save 18 %", status=CampaignStatus.live
        )
        session.add(campaign)
        session.flush()
        collateral = [
            Collateral(
                campaign_id=campaign.id,
                kind=CollateralKind.link,
                title=f"Doc {i}",
                url="https://example.test",
            )
            for i in range(3)
        ]
        session.add_all(collateral)
        session.flush()
        recommended = [str(c.id) for c in collateral[:2]]
        changes: list[tuple[SyncEntity, Any, Any]] = [(SyncEntity.campaign, campaign.id, None)]
        changes += [(SyncEntity.collateral, c.id, None) for c in collateral]
        for r in range(REPS if reps is None else reps):
            rep = User(
                email=f"rep{r}@bench.test",
                name=f"Rep {r}",
                role=Role.rep,
                password_hash=password,
                region="North",
            )
            session.add(rep)
            session.flush()
            token = f"bench-token-{r}-{uuid.uuid4().hex}"
            session.add(
                AuthSession(
                    user_id=rep.id, token_hash=hash_token(token), expires_at=now + timedelta(days=1)
                )
            )
            tokens.append(token)
            rows = []
            for i in range(LEADS_PER_REP):
                lead_id = uuid.uuid4()
                rows.append(
                    {
                        "id": lead_id,
                        "company": f"Beispiel Maschinenbau {r}-{i} GmbH",
                        "contact_name": "Anna Schmidt",
                        "contact_role": "Head of Purchasing",
                        "phone": "+49 40 1234567",
                        "email": "anna.schmidt@example.test",
                        "street": "Hafenstraße 12",
                        "postal_code": "20457",
                        "city": "Hamburg",
                        "country": "DE",
                        "region": "North",
                        "segment": "manufacturing",
                        "campaign_id": campaign.id,
                        "rep_id": rep.id,
                        "priority": 2,
                        "brief_md": "",
                        "brief_html": BRIEF,
                        "recommended_collateral_ids": recommended,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                changes.append((SyncEntity.lead, lead_id, rep.id))
            session.execute(insert(Lead), rows)
            leads_of.append([str(row["id"]) for row in rows])
        record_changes(session, changes)
        session.commit()
    engine.dispose()
    return tokens, leads_of


def _outcome(lead_id: str, seq: int) -> dict[str, Any]:
    return {
        "type": "outcome.log",
        "id": str(uuid.uuid4()),
        "seq": seq,
        "lead_id": lead_id,
        "code": "objection",
        "details": ["price"],
        "occurred_at": datetime.now(UTC).isoformat(),
        "note": "Wants a better price for the second site",
    }


def _push_rate(
    base: str, tokens: list[str], leads_of: list[list[str]], batch: int, total: int
) -> tuple[float, list[dict[str, Any]]]:
    """Outcomes per second that `PUSH_CLIENTS` phones push through the server. Each phone's
    batches are encoded before the clock starts: the figure is the server's, not the time a
    Python client spends making 50 UUIDs and encoding them."""
    per_client = total // PUSH_CLIENTS
    sent: list[list[dict[str, Any]]] = [[] for _ in range(PUSH_CLIENTS)]
    bodies: list[list[bytes]] = [[] for _ in range(PUSH_CLIENTS)]
    for c in range(PUSH_CLIENTS):
        rep = (c * 7 + batch) % REPS
        for start in range(0, per_client, batch):
            mutations = [
                _outcome(leads_of[rep][seq % LEADS_PER_REP], seq)
                for seq in range(start + 1, min(start + batch, per_client) + 1)
            ]
            device = f"bench-{batch}-{c}"
            bodies[c].append(json.dumps({"device_id": device, "mutations": mutations}).encode())
            sent[c].extend(mutations)

    def work(c: int) -> None:
        rep = (c * 7 + batch) % REPS
        headers = {"Authorization": f"Bearer {tokens[rep]}", "Content-Type": "application/json"}
        with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
            for body in bodies[c]:
                response = client.post("/api/v1/sync/push", content=body)
                response.raise_for_status()
                assert all(r["status"] == "applied" for r in response.json()["results"])

    started = time.perf_counter()
    with ThreadPoolExecutor(PUSH_CLIENTS) as pool:
        list(pool.map(work, range(PUSH_CLIENTS)))
    elapsed = time.perf_counter() - started
    return per_client * PUSH_CLIENTS / elapsed, [m for chunk in sent for m in chunk]


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children_cpu(pid: int) -> float:
    """CPU time of the server's child processes (the insights roller)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return sum(process_cpu_seconds(int(child)) for child in children)


def _wait_for_roll_up(base: str) -> float:
    """Seconds until the insights backlog is empty (as `/readyz` reports it)."""
    started = time.perf_counter()
    while httpx.get(f"{base}/readyz").json()["insights"]["backlog"]:
        time.sleep(0.02)
    return time.perf_counter() - started


def _raw_rate(db_path: Path, rep_id: str, rows: list[dict[str, Any]], batch: int) -> float:
    """The limit: the same outcome rows inserted straight into the same database."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA journal_mode=WAL")
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    values = [
        (
            uuid.uuid4().hex,
            rep_id,
            uuid.UUID(m["lead_id"]).hex,
            None,
            m["code"],
            '["price"]',
            m["note"],
            now,
            now,
            "raw",
            m["seq"],
            0,
            None,
        )
        for m in rows
    ]
    started = time.perf_counter()
    for start in range(0, len(values), batch):
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT INTO outcome VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", values[start : start + batch]
        )
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return len(values) / elapsed


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main(argv: list[str] | None = None) -> bool:
    global REPS
    parser = argparse.ArgumentParser(prog="python -m bench.sync_bench")
    parser.add_argument("--reps", type=int, default=REPS, help="reps to seed (300 leads each)")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the push totals")
    parser.add_argument("--only", choices=("push", "pull"), default=None)
    parser.add_argument(
        "--batches", default="1,50,500", help="push batch sizes to measure (of 1,50,500)"
    )
    args = parser.parse_args(argv or [])
    batches = {int(size) for size in args.batches.split(",")}
    REPS = args.reps
    with tempfile.TemporaryDirectory(prefix="strang-sync-bench-") as folder:
        data = Path(folder)
        settings = Settings(_env_file=None, environment="test", data_dir=data)  # type: ignore[call-arg]
        t0 = time.perf_counter()
        tokens, leads_of = seed(settings)
        print(
            f"sync bench: seeded {REPS} reps x {LEADS_PER_REP} leads"
            f" in {time.perf_counter() - t0:.1f} s"
        )
        port = free_port()
        env = {
            **os.environ,
            "STRANG_DATA_DIR": str(data),
            "STRANG_ENVIRONMENT": "test",
            "STRANG_LOG_JSON": "false",
            "STRANG_INSIGHTS_ROLLER": "true",  # as in production: roll-up beside the app
        }
        command = [sys.executable, "-m", "uvicorn", "app.asgi:app", "--port", str(port)]
        # Its request log lines go to a file, not among the figures (the server keeps the file
        # open; ours can close at once).
        with open(data / "server.log", "wb") as server_log:
            server = subprocess.Popen(
                [*command, "--log-level", "warning", "--no-access-log"],
                env=env,
                stdout=server_log,
                stderr=subprocess.STDOUT,
            )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    if httpx.get(f"{base}/healthz").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            ok = True
            print(
                f"  push through uvicorn ({PUSH_CLIENTS} clients) vs raw inserts,"
                " SQLite synchronous=FULL:"
            )
            rates: dict[int, float] = {}
            for batch, full in ((1, 400), (50, 12_000), (500, 20_000)):
                if args.only == "pull":
                    break
                if batch not in batches:
                    continue
                total = max(batch * PUSH_CLIENTS, int(full * args.scale))
                cpu_before, roller_before = (
                    process_cpu_seconds(server.pid),
                    _children_cpu(server.pid),
                )
                rate, rows = _push_rate(base, tokens, leads_of, batch, total)
                cpu = process_cpu_seconds(server.pid) - cpu_before
                elapsed = len(rows) / rate  # the timed pushes (batches are encoded before)
                drained = _wait_for_roll_up(base)
                roller = _children_cpu(server.pid) - roller_before
                pushes = len(rows) / batch
                raw = _raw_rate_as_rep(data, rows, batch)
                rates[batch] = rate
                print(
                    f"    batch {batch:>3}: {rate:8.0f} outcomes/s"
                    f"   raw {raw:8.0f} rows/s   ratio {rate / raw:5.2f}"
                    f"   server CPU {cpu * 1000 / pushes:5.1f} ms/push"
                    f" ({cpu / elapsed:4.0%} of a core)"
                )
                print(
                    f"               insights roller CPU {roller * 1000 / pushes:5.1f} ms/push,"
                    f" backlog rolled up {drained * 1000:.0f} ms after the last push"
                )
            ok = rates.get(50, 0) >= 3000 and ok
            if args.only == "push":
                print(f"  sync bench (push only): {'on target' if ok else 'OFF TARGET'}")
                return ok
            # ---- pull ----
            initial: list[float] = []
            idle: list[float] = []
            sizes: list[int] = []
            cursors: dict[int, str] = {}
            with httpx.Client(base_url=base, timeout=60) as client:
                for r in range(REPS):
                    headers = {"Authorization": f"Bearer {tokens[r]}"}
                    started = time.perf_counter()
                    response = client.get(
                        "/api/v1/sync/pull", headers=headers, params={"limit": 1000}
                    )
                    initial.append((time.perf_counter() - started) * 1000)
                    body = response.json()
                    assert len(body["changes"]["leads"]) == LEADS_PER_REP, len(
                        body["changes"]["leads"]
                    )
                    sizes.append(len(gzip.compress(response.content)))
                    cursors[r] = body["cursor"]
                    while body["has_more"]:
                        body = client.get(
                            "/api/v1/sync/pull", headers=headers, params={"cursor": body["cursor"]}
                        ).json()
                        cursors[r] = body["cursor"]
                for _ in range(5):
                    for r in range(REPS):
                        headers = {"Authorization": f"Bearer {tokens[r]}"}
                        started = time.perf_counter()
                        response = client.get(
                            "/api/v1/sync/pull", headers=headers, params={"cursor": cursors[r]}
                        )
                        idle.append((time.perf_counter() - started) * 1000)
                        assert not response.json()["changes"]["leads"]
            p99_idle = _percentile(idle, 0.99)
            size = statistics.mean(sizes)
            print(f"  pull, {REPS} reps x {LEADS_PER_REP} leads:")
            print(
                f"    initial        p50 {_percentile(initial, 0.5):6.1f} ms"
                f"   p99 {_percentile(initial, 0.99):6.1f} ms"
            )
            print(
                f"    nothing new    p50 {_percentile(idle, 0.5):6.1f} ms"
                f"   p99 {p99_idle:6.1f} ms   (target p99 <= 15 ms)"
            )
            print(
                f"    initial sync payload: {size / 1024:.1f} KB gzip"
                f" ({len(response.content)} B when nothing changed; target <= 150 KB)"
            )
            ok = ok and p99_idle <= 15 and size <= 150 * 1024
            print(f"  sync bench: {'on target' if ok else 'OFF TARGET'}")
            return ok
        finally:
            server.terminate()
            server.wait(timeout=10)


def _raw_rate_as_rep(data: Path, rows: list[dict[str, Any]], batch: int) -> float:
    conn = sqlite3.connect(data / "strang.db")
    rep_id = conn.execute("SELECT id FROM user_account LIMIT 1").fetchone()[0]
    conn.close()
    return _raw_rate(data / "strang.db", rep_id, rows, batch)


if __name__ == "__main__":
    sys.exit(0 if main(sys.argv[1:]) else 1)
