"""Live streams: 1,000 open `GET /api/v1/live` streams on one real `strang serve` process.

Prints the server's memory per open stream (resident set before and after opening them, divided
by their number, and its thread count, which must not grow with the streams) and the time from
a change to its notice on the stream:

- targeted: marketing answers one rep's signal (`--changes` times); the time from sending the
  answer to the notice on that rep's stream (an upper bound of commit -> notice: it includes the
  request's own work before its commit), first with that one stream open (the baseline), then
  with all the others open too, which must hear nothing;
- for everyone: marketing edits a live campaign (`--broadcasts` times); the time until each open
  stream has its notice.

    python -m bench.streams_bench                       # SQLite; PostgreSQL too when
                                                        # --postgres or $STRANG_BENCH_POSTGRES_URL
    python -m bench.streams_bench --streams 200 --changes 20 --only sqlite   # a quicker look
"""

import argparse
import asyncio
import os
import resource
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psycopg
from sqlalchemy.engine import make_url
from sqlmodel import Session

from app.auth.models import Role, User
from app.auth.service import start_session
from app.core.db import make_engine
from app.core.migrations import upgrade
from app.core.settings import Settings
from bench.load import start_server, stop_server

PAUSE = 0.4  # between changes: longer than a stream's coalescing window (250 ms)


@dataclass
class Options:
    streams: int = 1000
    changes: int = 50
    broadcasts: int = 5
    only: str | None = None
    postgres_url: str = ""
    settle: float = 2.0  # seconds before the server's memory is read (half of it with 1 stream)


@dataclass
class Listener:
    """One open stream, as a phone holds it; counts the `change` events it hears."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    heard: list[float] = field(default_factory=list)
    new: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self) -> None:
        while line := await self.reader.readline():
            if line.startswith(b"event: change"):
                self.heard.append(time.perf_counter())
                self.new.set()

    def close(self) -> None:
        self.writer.close()


async def open_stream(url: str, token: str) -> Listener:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(
        f"GET /api/v1/live HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n"
        f"Authorization: Bearer {token}\r\n\r\n".encode()
    )
    status = await reader.readline()
    if b" 200 " not in status:
        raise RuntimeError(f"stream refused: {status!r}")
    while await reader.readline() not in (b"\r\n", b""):
        pass  # the headers
    while not (await reader.readline()).startswith(b"event: hello"):
        pass  # registered with the broker once `hello` is sent
    return Listener(reader, writer)


def seed(settings: Settings, reps: int) -> tuple[list[str], str]:
    """`reps` reps with one logged-in phone each, and a marketing user; their tokens."""
    engine = make_engine(settings)
    tokens = []
    with Session(engine) as session:
        for n in range(reps + 1):
            role = Role.rep if n < reps else Role.marketing
            user = User(email=f"s{n}@example.test", name=f"User {n}", role=role, password_hash="x")
            session.add(user)
            session.flush()
            token = start_session(session, user.id, days=1)
            tokens.append(token)
        session.commit()
    engine.dispose()
    return tokens[:-1], tokens[-1]


def proc_status(pid: int) -> dict[str, int]:
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "Threads"):
            found[key] = int(value.split()[0])
    return found


def spread(values: list[float]) -> str:
    if not values:
        return "n=0"
    ms = sorted(v * 1000 for v in values)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return (
        f"n={len(ms)} p50 {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms, max {ms[-1]:.1f} ms"
        f" (min {ms[0]:.1f})"
    )


async def targeted(
    http: httpx.AsyncClient, target: Listener, signal_id: str, n: int
) -> list[float]:
    """Answer the signal `n` times; the time from sending each answer to the rep's notice."""
    latencies = []
    for k in range(n):
        await asyncio.sleep(PAUSE)
        target.new.clear()
        sent = time.perf_counter()
        answer = await http.post(
            f"/api/v1/signals/{signal_id}/acknowledge", json={"reply": f"Answer {k}"}
        )
        answer.raise_for_status()
        await asyncio.wait_for(target.new.wait(), 10)
        latencies.append(target.heard[-1] - sent)
    return latencies


async def broadcast(
    http: httpx.AsyncClient, listeners: list[Listener], campaign_id: str, n: int
) -> tuple[list[float], int]:
    """Edit the campaign `n` times; per change and stream, the time until the stream heard."""
    latencies, missed = [], 0
    for k in range(n):
        await asyncio.sleep(PAUSE * 2)
        before = [len(item.heard) for item in listeners]
        sent = time.perf_counter()
        answer = await http.patch(f"/api/v1/campaigns/{campaign_id}", json={"key_message": f"v{k}"})
        answer.raise_for_status()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if all(len(x.heard) > b for x, b in zip(listeners, before, strict=True)):
                break
            await asyncio.sleep(0.02)
        for item, count in zip(listeners, before, strict=True):
            if len(item.heard) > count:
                latencies.append(item.heard[count] - sent)
            else:
                missed += 1
    return latencies, missed


async def measure(url: str, pid: int, tokens: list[str], marketing: str, options: Options) -> bool:
    auth = {"Authorization": f"Bearer {marketing}"}
    async with httpx.AsyncClient(base_url=url, headers=auth, timeout=30) as http:
        rep = {"Authorization": f"Bearer {tokens[0]}"}
        signal_id = str(uuid.uuid4())
        mutation = {"type": "signal.send", "id": signal_id, "kind": "need_material", "text": "?"}
        push = {"device_id": "bench", "mutations": [mutation]}
        (await http.post("/api/v1/sync/push", json=push, headers=rep)).raise_for_status()
        campaign = {"name": "Live bench", "status": "live", "audience_all": True}
        campaign_id = (await http.post("/api/v1/campaigns", json=campaign)).json()["id"]

        first = await open_stream(url, tokens[0])
        tasks = [asyncio.create_task(first.run())]
        baseline = await targeted(http, first, signal_id, options.changes)
        await asyncio.sleep(options.settle / 2)
        before = proc_status(pid)
        others = []
        for start in range(1, len(tokens), 100):  # open them 100 at a time
            batch = tokens[start : start + 100]
            others += await asyncio.gather(*(open_stream(url, t) for t in batch))
        tasks += [asyncio.create_task(item.run()) for item in others]
        await asyncio.sleep(options.settle)
        after = proc_status(pid)
        loaded = await targeted(http, first, signal_id, options.changes)
        stray = sum(len(item.heard) for item in others)
        everyone, missed = await broadcast(http, [first, *others], campaign_id, options.broadcasts)
        for item in [first, *others]:
            item.close()
        for task in tasks:
            task.cancel()
    n = len(tokens)
    per_stream = (after["VmRSS"] - before["VmRSS"]) / max(1, n - 1)
    print(f"  open streams: {n}; server RSS {before['VmRSS'] / 1024:.1f} MiB with 1 -> "
          f"{after['VmRSS'] / 1024:.1f} MiB with {n}: {per_stream:.1f} KiB per stream; "
          f"threads {before['Threads']} -> {after['Threads']}")  # fmt: skip
    print(f"  targeted, 1 stream open (baseline): {spread(baseline)}")
    print(f"  targeted, {n} streams open:        {spread(loaded)}")
    print(f"  notices heard by the {n - 1} other streams: {stray} (target: 0)")
    print(f"  for everyone, {options.broadcasts} changes x {n} streams: {spread(everyone)}; "
          f"missed {missed}")  # fmt: skip
    worst = max(loaded + everyone, default=0.0)
    ok = stray == 0 and missed == 0 and worst < 5.0
    print(f"  result: {'within 5 s' if ok else 'OFF TARGET (5 s, none missed, none stray)'}")
    return ok


def raise_open_files(streams: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = streams * 2 + 512  # both ends live on this machine (the server inherits it)
    if soft < wanted:
        limit = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))


def run(name: str, settings: Settings, options: Options, logs: Path) -> bool:
    print(f"== {name}: 1 app process, {options.streams} streams ==")
    upgrade(settings)
    tokens, marketing = seed(settings, options.streams)
    process, url = start_server(settings, 1, logs / f"streams-{name}.log")
    try:
        return asyncio.run(measure(url, process.pid, tokens, marketing, options))
    finally:
        stop_server(process)


def _settings(folder: Path, database_url: str = "") -> Settings:
    return Settings(_env_file=None, environment="test", data_dir=folder, database_url=database_url)


def run_postgres(pg_url: str, options: Options, folder: Path) -> bool:
    admin = make_url(pg_url).set(drivername="postgresql").render_as_string(False)
    name = f"strang_streams_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        url = make_url(pg_url).set(drivername="postgresql+psycopg", database=name)
        settings = _settings(folder / "pg", url.render_as_string(False))
        return run("PostgreSQL", settings, options, folder)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def parse(argv: list[str]) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m bench.streams_bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--streams", type=int, default=1000, help="open streams (default 1000)")
    parser.add_argument("--changes", type=int, default=50, help="targeted changes (default 50)")
    parser.add_argument("--broadcasts", type=int, default=5, help="changes for everyone (5)")
    parser.add_argument("--only", choices=("sqlite", "postgres"), default=None)
    default_pg = os.environ.get("STRANG_BENCH_POSTGRES_URL") or os.environ.get(
        "STRANG_TEST_POSTGRES_URL", ""
    )
    parser.add_argument("--postgres", default=default_pg, help="admin URL of a PostgreSQL server")
    parser.add_argument(
        "--settle", type=float, default=2.0, help="seconds before reading the server's memory (2)"
    )
    args = parser.parse_args(argv)
    return Options(max(2, args.streams), max(1, args.changes), max(1, args.broadcasts),
                   args.only, args.postgres, args.settle)  # fmt: skip


def main(argv: list[str] | None = None) -> bool:
    options = parse(argv or [])
    raise_open_files(options.streams)
    results = []
    with tempfile.TemporaryDirectory(prefix="strang-streams-") as folder:
        if options.only in (None, "sqlite"):
            results.append(run("SQLite", _settings(Path(folder) / "sqlite"), options, Path(folder)))
        if options.only == "postgres" and not options.postgres_url:
            raise SystemExit("--only postgres needs --postgres or STRANG_BENCH_POSTGRES_URL")
        if options.postgres_url and options.only in (None, "postgres"):
            results.append(run_postgres(options.postgres_url, options, Path(folder)))
    return all(results)


if __name__ == "__main__":
    sys.exit(0 if main(sys.argv[1:]) else 1)
