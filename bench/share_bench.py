"""The customer's page of a shared link under load: 200 concurrent readers on one process.

Target (issue 19): p95 ≤ 50 ms, printed beside a static-file baseline (the built rep app's
`index.html`, or the "not built" page) from the same run and server.

A reader behaves like the page: it opens the link (a counted visit up to the share's cap), then
sends a reading beacon every 15 s while it reads (the page's own interval, ±20 %); the readers
arrive spread over the first 15 s and all read at once for the rest of the run. The baseline
fetches the static file on the same schedule. `--saturate` adds the closed-loop figure: every
reader asks again the moment it is answered, which measures throughput (requests/s), not what
a reader waits; there latency is readers ÷ throughput by Little's law, for any server.

    python -m bench.share_bench [--readers 200] [--seconds 45] [--saturate --requests 2000]
"""

import argparse
import asyncio
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlmodel import Session

from app.auth.models import Role, User
from app.campaigns.models import Campaign, CampaignStatus
from app.collateral.models import Collateral, CollateralKind
from app.core.db import make_engine
from app.core.migrations import upgrade
from app.core.settings import Settings
from app.core.time import utcnow
from app.leads.models import Lead
from app.shares.models import Share
from app.shares.mutations import SHARE_DAYS, token_hash
from bench.load import percentile
from bench.sync_bench import free_port

ROOT = Path(__file__).resolve().parents[1]
TARGET_P95_MS = 50.0


def seed(settings: Settings) -> tuple[str, str]:
    """A share of two items; its token and one item's id."""
    upgrade(settings)
    engine = make_engine(settings)
    token = secrets.token_urlsafe(16)
    with Session(engine) as session:
        rep = User(email="rep@bench.test", name="Rita Rep", role=Role.rep, password_hash="x")
        campaign = Campaign(name="Spring offer", status=CampaignStatus.live, audience_all=True)
        session.add_all([rep, campaign])
        session.flush()
        lead = Lead(company="Bench GmbH", rep_id=rep.id, campaign_id=campaign.id)
        items = [
            Collateral(campaign_id=campaign.id, kind=CollateralKind.link, title=f"Item {i}",
                       url="https://example.test/")
            for i in range(2)
        ]  # fmt: skip
        session.add_all([lead, *items])
        session.flush()
        now = utcnow()
        from datetime import timedelta

        session.add(
            Share(
                id=__import__("uuid").uuid4(), token_hash=token_hash(token), rep_id=rep.id,
                lead_id=lead.id, campaign_id=campaign.id,
                collateral_ids=[str(i.id) for i in items], created_at=now,
                expires_at=now + timedelta(days=SHARE_DAYS),
            )
        )  # fmt: skip
        session.commit()
        first = str(items[0].id)
    engine.dispose()
    return token, first


def start(data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("STRANG_")}
    env.update(
        STRANG_ENVIRONMENT="test",
        STRANG_DATA_DIR=str(data_dir),
        STRANG_SHARE_LIMIT_PER_MINUTE="10000000",  # one address plays every reader here
    )
    log = open(data_dir / "server.log", "wb")  # noqa: SIM115 - lives as long as the server
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--port", str(port), "--workers", "1"],
        cwd=ROOT, env=env, start_new_session=True, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
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


BEACON_EVERY = 15.0  # seconds, as the page's script sends them
ARRIVALS = 15.0  # readers arrive spread over this many seconds


async def reading(url: str, path: str, count: int, seconds: float, beacon: str = "") -> list[float]:
    """Request times (ms) of `count` readers on the page's own schedule (see the docstring);
    with `beacon` empty (the baseline) each beacon is another GET of `path`."""
    timings: list[float] = []
    failed = 0
    limits = httpx.Limits(max_connections=count, max_keepalive_connections=count)
    end = time.perf_counter() + seconds
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as http:

        async def timed(call: Any) -> httpx.Response | None:
            nonlocal failed
            start = time.perf_counter()
            try:
                response: httpx.Response = await call
            except httpx.HTTPError:
                failed += 1
                return None
            timings.append((time.perf_counter() - start) * 1000)
            failed += response.status_code >= 300
            return response

        async def reader() -> None:
            await asyncio.sleep(random.uniform(0, min(ARRIVALS, seconds / 3)))
            page = await timed(http.get(path))
            visit = ""
            if beacon and page is not None and 'data-visit="' in page.text:
                visit = page.text.split('data-visit="')[1].split('"')[0]
            while True:
                wait = BEACON_EVERY * random.uniform(0.8, 1.2)
                if time.perf_counter() + wait >= end:
                    return
                await asyncio.sleep(wait)
                if not beacon:
                    await timed(http.get(path))
                    continue
                body = {"visit": visit, "readings": [{"collateral_id": beacon, "seconds": 15}]}
                await timed(http.post(f"{path}/beacon", json=body))

        await asyncio.gather(*(reader() for _ in range(count)))
    if failed:
        print(f"  {path}: {failed} requests failed or were refused")
    return timings


async def readers(url: str, path: str, count: int, total: int, beacon: str = "") -> list[float]:
    timings: list[float] = []
    errors = 0
    failures: set[str] = set()
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(total):
        queue.put_nowait(i)
    limits = httpx.Limits(max_connections=count, max_keepalive_connections=count)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as http:

        async def reader() -> None:
            nonlocal errors
            while not queue.empty():
                queue.get_nowait()
                start = time.perf_counter()
                try:
                    response = await http.get(path)
                except httpx.HTTPError as error:
                    errors += 1
                    failures.add(type(error).__name__)
                    continue
                timings.append((time.perf_counter() - start) * 1000)
                if response.status_code != 200:
                    errors += 1
                elif beacon and 'data-visit="' in response.text:
                    visit = response.text.split('data-visit="')[1].split('"')[0]
                    body = {"visit": visit, "readings": [{"collateral_id": beacon, "seconds": 5}]}
                    await http.post(f"{path}/beacon", json=body)

        await asyncio.gather(*(reader() for _ in range(count)))
    if errors:
        print(f"  {path}: {errors} requests failed or were not 200 {sorted(failures)}")
    return timings


def main(argv: list[str] | None = None) -> bool:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--readers", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=45.0, help="length of the reading run")
    parser.add_argument("--saturate", action="store_true", help="also the closed-loop figure")
    parser.add_argument("--requests", type=int, default=2000, help="requests of --saturate")
    options = parser.parse_args(argv)
    n = options.readers
    with tempfile.TemporaryDirectory(prefix="strang-share-bench-") as folder:
        data = Path(folder)
        settings = Settings(_env_file=None, environment="test", data_dir=data)  # type: ignore[call-arg]
        token, item = seed(settings)
        process, url = start(data)
        try:
            static = asyncio.run(reading(url, "/", n, options.seconds))
            page = asyncio.run(reading(url, f"/s/{token}", n, options.seconds, beacon=item))
            if options.saturate:
                started = time.perf_counter()
                static_sat = asyncio.run(readers(url, "/", n, options.requests))
                middle = time.perf_counter()
                page_sat = asyncio.run(readers(url, f"/s/{token}", n, options.requests, item))
                rates = (
                    len(static_sat) / (middle - started),
                    len(page_sat) / (time.perf_counter() - middle),
                )
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)
    p95 = percentile(page, 0.95)
    print(f"== shared link page, {n} readers reading at once, 1 process ==")
    for label, values in (("static file (baseline)", static), ("share page + beacons", page)):
        p50, p95_ = percentile(values, 0.5), percentile(values, 0.95)
        print(f"  {label:24} n={len(values):5}  p50 {p50:6.1f} ms  p95 {p95_:6.1f} ms")
    print(f"  p95 ratio share page / static file: {p95 / max(percentile(static, 0.95), 0.001):.2f}")
    if options.saturate:
        print(
            f"  saturated ({n} readers asking again at once): static {rates[0]:.0f} req/s,"
            f" share page {rates[1]:.0f} pages/s (each followed by its beacon)"
        )
    ok = p95 <= TARGET_P95_MS
    print(f"  target p95 ≤ {TARGET_P95_MS:.0f} ms: {'met' if ok else 'NOT met'}")
    return ok


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
