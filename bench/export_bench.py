"""Export time and memory: the outcomes CSV and Excel workbook of 1,000,000 outcomes (the
insights benchmark's data set, two years), each written in a fresh process whose peak resident
memory during the export is compared with its resident memory just before (Linux).

    python -m bench.export_bench                          # SQLite, 1,000,000 outcomes
    python -m bench.export_bench --outcomes 100000 --backend both
    python -m bench.export_bench --dir /tmp/x --reuse     # a kept data set (insights_bench's too)

The data set gets one shared link per `--share-every` outcomes (default 10) on that outcome's
lead an hour after it, half of them opened and read, so the export's share facts are measured.

On target when neither export grows the process by more than `MEMORY_TARGET_MB`: memory must
not grow with the number of rows (the time is reported, not judged).
"""

import argparse
import multiprocessing
import random
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlmodel import Session

from app.core.bulk import copy_rows
from app.core.db import make_engine, read_engine, table_of
from app.core.settings import Settings
from app.insights import export
from app.insights.schemas import Filters
from app.outcomes.models import Outcome
from app.shares.models import Share, ShareReading, ShareVisit
from bench import insights_bench

MEMORY_TARGET_MB = 100
ZONE = ZoneInfo("Europe/Berlin")
FILTERS = Filters(insights_bench.END - timedelta(days=insights_bench.DAYS - 1), insights_bench.END)


def log(message: str) -> None:
    print(f"[export-bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024  # kB
    raise LookupError(field)


def start_peak() -> float:
    """Resident memory now, and the peak counted from now on (Linux: clear_refs resets it)."""
    Path("/proc/self/clear_refs").write_text("5")
    return _status_mb("VmRSS")


def peak_since_start() -> float:
    return _status_mb("VmHWM")


def _export(kind: str, database_url: str, data_dir: str) -> dict[str, Any]:
    """In a fresh process: one export of the whole period, with the process's peak memory."""
    settings = Settings(
        _env_file=None,
        environment="test",
        data_dir=Path(data_dir),
        database_url=database_url,
    )
    engine = read_engine(make_engine(settings))
    before = start_peak()
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="strang-bench-export-") as folder:
        if kind == "csv":
            size = rows = 0
            for chunk in export.outcome_rows(engine, FILTERS, lang="de", zone=ZONE):
                size += len(chunk)
                rows += chunk.count(b"\r\n")
            rows -= 1  # the header
        else:
            target = Path(folder) / "outcomes.xlsx"
            rows = export.write_workbook(engine, FILTERS, target, lang="de", zone=ZONE)
            size = target.stat().st_size
    seconds = time.perf_counter() - began
    engine.dispose()
    return {"kind": kind, "rows": rows, "seconds": seconds, "mb": size / 1e6,
            "before": before, "peak": peak_since_start()}  # fmt: skip


def add_shares(settings: Settings, every: int) -> None:
    """One share per `every` outcomes (unless the data set has shares already)."""
    engine = make_engine(settings)
    with Session(engine) as session:
        if session.execute(select(func.count()).select_from(table_of(Share))).scalar_one():
            return
        o = table_of(Outcome).c
        rows = session.execute(select(o.lead_id, o.rep_id, o.occurred_at, o.campaign_id)).all()
        rng = random.Random(7)
        shares, visits, readings = [], [], []
        for lead_id, rep_id, at, campaign_id in rows[::every]:
            share_id, made = uuid.UUID(int=rng.getrandbits(128)), at + timedelta(hours=1)
            shares.append((share_id, uuid.uuid4().hex * 2, rep_id, lead_id, campaign_id, [],
                           made, made + timedelta(days=30)))  # fmt: skip
            if rng.random() < 0.5:
                visit_id = uuid.UUID(int=rng.getrandbits(128))
                visits.append((visit_id, share_id, made + timedelta(hours=5), "phone", 1))
                for page in range(1, rng.randint(2, 5)):
                    readings.append((visit_id, uuid.UUID(int=page), page, rng.randint(5, 90), 0))
        copy_rows(session, table_of(Share), ("id", "token_hash", "rep_id", "lead_id",
                  "campaign_id", "collateral_ids", "created_at", "expires_at"), shares)  # fmt: skip
        copy_rows(session, table_of(ShareVisit),
                  ("id", "share_id", "opened_at", "device", "beacons"), visits)  # fmt: skip
        names = ("visit_id", "collateral_id", "page", "seconds", "downloads")
        copy_rows(session, table_of(ShareReading), names, readings)
        session.commit()
    engine.dispose()
    log(f"shares: {len(shares)}, opened: {len(visits)}")


def measure(backend: str, settings: Settings) -> bool:
    ok = True
    spawn = multiprocessing.get_context("spawn")
    for kind in ("csv", "xlsx"):
        with spawn.Pool(1) as pool:
            r = pool.apply(_export, (kind, settings.database_url, str(settings.data_dir)))
        grew = r["peak"] - r["before"]
        on_target = grew <= MEMORY_TARGET_MB
        ok = ok and on_target
        print(
            f"{backend:<9} {r['kind']:<5} {r['rows']:>9,} rows  {r['seconds']:7.1f} s "
            f"({r['rows'] / max(r['seconds'], 1e-9):>8,.0f} rows/s)  {r['mb']:7.1f} MB file  "
            f"peak RSS {r['peak']:6.0f} MB, +{grew:4.0f} MB for the export  "
            f"{'OK' if on_target else f'OVER {MEMORY_TARGET_MB} MB'}",
            flush=True,
        )
    return ok


def main(argv: list[str] | None = None) -> bool:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--outcomes", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--dir", type=Path, default=None, help="SQLite folder (kept)")
    parser.add_argument("--reuse", action="store_true", help="measure an existing data set")
    parser.add_argument("--pg-database", default=None, help="PostgreSQL database name (kept)")
    parser.add_argument("--share-every", type=int, default=10, help="outcomes per shared link")
    args = parser.parse_args(argv)
    ok = True
    if args.backend in ("sqlite", "both"):
        folder = args.dir or Path(tempfile.mkdtemp(prefix="strang-bench-export-"))
        settings = Settings(_env_file=None, environment="test", data_dir=folder)
        insights_bench.build(settings, args.outcomes, args.reuse)
        add_shares(settings, args.share_every)
        log(f"SQLite file: {folder / 'strang.db'}")
        ok = measure("sqlite", settings) and ok
    if args.backend in ("postgres", "both"):
        url = insights_bench.postgres_url()
        if url is None:
            log("PostgreSQL not reachable: skipped (set STRANG_BENCH_POSTGRES_URL)")
        else:
            name = args.pg_database or f"strang_bench_export_{args.outcomes}"
            settings = insights_bench.postgres_settings(url, name, args.reuse)
            insights_bench.build(settings, args.outcomes, args.reuse)
            add_shares(settings, args.share_every)
            log(f"PostgreSQL database: {name} (kept; pass --reuse to measure again)")
            ok = measure("postgres", settings) and ok
    return ok


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
