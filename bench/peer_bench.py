"""The push path beside a peer: Strang's `/sync/push` and pouchdb-server's `_bulk_docs`, one run.

Both get the same outcome documents over loopback HTTP, at batch 1 and batch 50, from one
sequential client and from 4 concurrent ones; raw inserts into Strang's own SQLite file are the
limit. The ratios are the figures that count (issue 16's target: Strang at least 2x the peer in
every row). Strang runs one uvicorn process on SQLite with synchronous=FULL (every acknowledged push
is on disk); the peer keeps its LevelDB defaults (writes are not synced to disk one by one), so
the peer pays less for durability than Strang does: the comparison favours it.

The peer (pouchdb-server, pinned below) is installed by this bench from the npm registry into a
cache folder outside the app, once (`npm` needed; a few minutes). `--no-peer` measures Strang
alone (the smoke run in the test suite does).

    python -m bench.peer_bench [--outcomes 2000] [--no-peer]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx

from app.core.settings import Settings
from bench.sync_bench import _outcome, _raw_rate_as_rep, free_port, process_cpu_seconds, seed

ROOT = Path(__file__).resolve().parents[1]
PEER = "pouchdb-server@4.2.0"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "strang-bench" / "peer"
BATCHES = (1, 50)
CLIENTS = (1, 4)
TARGET = 2.0
CPU_TARGET_MS = 2.0

Bodies = list[list[bytes]]  # per client, its request bodies in order


def _install_peer() -> Path:
    binary = CACHE / "node_modules" / ".bin" / "pouchdb-server"
    if not binary.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        print(f"  installing {PEER} into {CACHE} (once) ...", flush=True)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(CACHE), PEER],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return binary


def _wait(url: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with {process.returncode}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise TimeoutError(url)


@contextmanager
def _process(command: list[str], url: str, env: dict[str, str], log: Path) -> Iterator[int]:
    with open(log, "wb") as out:  # run in the log's folder: the peer writes its files there
        process = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=log.parent
        )
    try:
        _wait(url, process)
        yield process.pid
    finally:
        process.terminate()
        process.wait(timeout=15)


def _rate(
    post: Callable[[httpx.Client, int, bytes], None], base: str, bodies: Bodies, n: int
) -> float:
    def work(client_no: int) -> None:
        with httpx.Client(base_url=base, timeout=120) as client:
            for body in bodies[client_no]:
                post(client, client_no, body)

    started = time.perf_counter()
    with ThreadPoolExecutor(len(bodies)) as pool:
        list(pool.map(work, range(len(bodies))))
    return n / (time.perf_counter() - started)


Work = list[list[list[dict[str, object]]]]  # per client, its batches of outcome mutations


def _workload(
    leads_of: list[list[str]], clients: int, batch: int, outcomes: int, first_rep: int
) -> tuple[Work, int]:
    """Client c pushes as rep `first_rep + c`, from a device of its own, sequences from 1."""
    per_client = max(batch, outcomes // clients // batch * batch)
    work: Work = []
    for c in range(clients):
        leads = leads_of[first_rep + c]
        mutations = [_outcome(leads[n % len(leads)], n + 1) for n in range(per_client)]
        work.append([mutations[s : s + batch] for s in range(0, per_client, batch)])
    return work, per_client * clients


def _strang_bodies(work: Work, tag: str) -> Bodies:
    return [
        [json.dumps({"device_id": f"{tag}-{c}", "mutations": b}).encode() for b in batches]
        for c, batches in enumerate(work)
    ]


def _peer_bodies(work: Work) -> Bodies:
    return [
        [json.dumps({"docs": [{"_id": m["id"], **m} for m in b]}).encode() for b in batches]
        for batches in work
    ]


def main(argv: list[str] | None = None) -> bool:
    parser = argparse.ArgumentParser(prog="python -m bench.peer_bench")
    parser.add_argument("--outcomes", type=int, default=2000, help="per row at batch 50")
    parser.add_argument("--no-peer", action="store_true", help="measure Strang alone")
    args = parser.parse_args(argv or [])
    peer = None if args.no_peer or not shutil.which("npm") else _install_peer()
    rounds = [(c, b) for c in CLIENTS for b in BATCHES]
    with tempfile.TemporaryDirectory(prefix="strang-peer-bench-") as folder:
        data = Path(folder)
        settings = Settings(_env_file=None, environment="test", data_dir=data)  # type: ignore[call-arg]
        tokens, leads_of = seed(settings, reps=len(rounds) * max(CLIENTS) + 1)  # +1: warm-up
        strang_port, peer_port = free_port(), free_port()
        strang_url, peer_url = f"http://127.0.0.1:{strang_port}", f"http://127.0.0.1:{peer_port}"
        env = {
            **os.environ,
            "STRANG_DATA_DIR": str(data),
            "STRANG_ENVIRONMENT": "test",
            "STRANG_LOG_JSON": "false",
            "STRANG_WRITE_QUEUE_SECONDS": "0",  # a throughput run: every push waits its turn
        }
        strang = [sys.executable, "-m", "uvicorn", "app.asgi:app", "--port", str(strang_port)]
        strang += ["--app-dir", str(ROOT), "--log-level", "warning", "--no-access-log"]
        with (
            _process(strang, f"{strang_url}/healthz", env, data / "strang.log") as strang_pid,
            _peer(peer, peer_port, data) as peer_pid,
        ):
            return _measure(
                args.outcomes, rounds, tokens, leads_of, strang_url, strang_pid, peer_url,
                peer_pid, data,
            )  # fmt: skip


@contextmanager
def _peer(peer: Path | None, port: int, data: Path) -> Iterator[int | None]:
    if peer is None:
        yield None
        return
    (data / "peer").mkdir()
    command = [str(peer), "--port", str(port), "--dir", str(data / "peer"), "--no-stdout-logs"]
    log = data / "peer" / "peer.log"
    with _process(command, f"http://127.0.0.1:{port}/", dict(os.environ), log) as pid:
        httpx.put(f"http://127.0.0.1:{port}/outcomes").raise_for_status()
        yield pid


def _measure(
    outcomes: int,
    rounds: list[tuple[int, int]],
    tokens: list[str],
    leads_of: list[list[str]],
    strang_url: str,
    strang_pid: int,
    peer_url: str,
    peer_pid: int | None,
    data: Path,
) -> bool:
    headers: list[dict[str, str]] = []  # the current round's, per client

    def strang_post(client: httpx.Client, client_no: int, body: bytes) -> None:
        response = client.post("/api/v1/sync/push", content=body, headers=headers[client_no])
        response.raise_for_status()

    def peer_post(client: httpx.Client, _: int, body: bytes) -> None:
        headers = {"Content-Type": "application/json"}
        client.post("/outcomes/_bulk_docs", content=body, headers=headers).raise_for_status()

    print(
        "peer bench: outcomes/s over loopback HTTP, the same documents to both"
        f" (Strang: SQLite synchronous=FULL, 1 process; peer: {PEER}, LevelDB)"
    )
    print(
        f"  {'clients':>7} {'batch':>5} {'n':>6} {'Strang':>9} {'peer':>9} {'ratio':>6}"
        f" {'raw':>9} {'Strang CPU ms/push':>19}"
    )
    warm_up, _ = _workload(leads_of, 1, 1, 20, len(rounds) * max(CLIENTS) - 1)
    headers[:] = [{"Authorization": f"Bearer {tokens[-1]}", "Content-Type": "application/json"}]
    _rate(strang_post, strang_url, _strang_bodies(warm_up, "warm"), 20)
    if peer_pid:
        _rate(peer_post, peer_url, _peer_bodies(warm_up), 20)
    ok = True
    for round_no, (clients, batch) in enumerate(rounds):
        scale = outcomes if batch > 1 else max(clients, outcomes // 10)
        first_rep = round_no * max(CLIENTS)
        work, n = _workload(leads_of, clients, batch, scale, first_rep)
        headers[:] = [
            {"Authorization": f"Bearer {tokens[first_rep + c]}", "Content-Type": "application/json"}
            for c in range(clients)
        ]
        cpu_before = process_cpu_seconds(strang_pid)
        strang = _rate(strang_post, strang_url, _strang_bodies(work, f"r{round_no}"), n)
        cpu_ms = (process_cpu_seconds(strang_pid) - cpu_before) * 1000 / (n / batch)
        raw = _raw_rate_as_rep(data, [m for c in work for b in c for m in b], batch)
        peer = _rate(peer_post, peer_url, _peer_bodies(work), n) if peer_pid else None
        ratio = f"{strang / peer:6.2f}" if peer else "     -"
        peer_text = f"{peer:9.0f}" if peer else "        -"
        print(
            f"  {clients:>7} {batch:>5} {n:>6} {strang:9.0f} {peer_text} {ratio}"
            f" {raw:9.0f} {cpu_ms:19.2f}"
        )
        ok = ok and (peer is None or strang >= TARGET * peer)
        if clients == 1 and batch == 1:
            ok = ok and cpu_ms <= CPU_TARGET_MS
    print(
        f"  targets: Strang >= {TARGET:.0f}x the peer in every row;"
        f" Strang CPU <= {CPU_TARGET_MS} ms per single-outcome push (1 client). One run: repeat"
        " it for spread; a loaded machine slows both sides, not necessarily alike."
    )
    print(f"  peer bench: {'on target' if ok else 'OFF TARGET'}")
    return ok


if __name__ == "__main__":
    sys.exit(0 if main(sys.argv[1:]) else 1)
