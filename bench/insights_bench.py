"""Insights speed: `summary` and `collateral` on 1,000,000 outcomes over two years (50
campaigns, 200 reps, 50,000 leads), from the aggregates, against the plain query over the raw
outcome tables measured in the same run, on SQLite and (when reachable) PostgreSQL.

    python -m bench.insights_bench                       # both databases, 1,000,000 outcomes
    python -m bench.insights_bench --outcomes 100000 --backend sqlite
    STRANG_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        python -m bench.insights_bench --backend postgres

The data set is generated from a fixed seed and bulk-loaded (COPY on PostgreSQL, executemany
on SQLite) into the raw tables; the aggregates are then built by `rebuild_rollups`, which
runs the very contribution functions the per-outcome listener uses.
"""

import argparse
import os
import random
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url
from sqlmodel import Session, col

from app.auth.models import Role, User
from app.campaigns.models import Campaign, CampaignStatus
from app.collateral.models import Collateral, CollateralKind
from app.core.bulk import copy_rows
from app.core.db import make_engine, read_engine, table_of
from app.core.migrations import upgrade
from app.core.settings import Settings
from app.insights import service
from app.insights.rebuild import rebuild_rollups
from app.insights.schemas import Filters
from app.leads.models import Lead
from app.main import freeze_startup_heap
from app.outcomes.models import Outcome, OutcomeCollateralFit, OutcomeCollateralView

SEED = 20261127
TARGET_MS = 100.0
END = date(2026, 11, 27)  # fixed, so the data set is the same whatever the day
DAYS = 730
CODES = ["won", "follow_up", "interested", "objection", "not_reached", "no_interest"]
CODE_WEIGHTS = [12, 18, 20, 22, 18, 10]
CHIPS = ["price", "timing", "competitor", "no_need", "no_decision_maker"]
REGIONS = ["North", "South", "East", "West", "Central"]
SEGMENTS = ["Retail", "Industry", "Health", "Public"]


def log(message: str) -> None:
    print(f"[insights-bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def generate(session: Session, outcomes: int, seed: int = SEED) -> None:
    """Reps, campaigns, collateral, leads and `outcomes` outcomes with views and fit."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    reps = [uuid.UUID(int=rng.getrandbits(128)) for _ in range(200)]
    copy_rows(
        session, table_of(User),
        ("id", "email", "name", "role", "region", "team", "is_active", "password_hash",
         "language", "created_at"),
        ((rid, f"bench-rep-{i}@bench.test", f"Rep {i}", Role.rep.value, REGIONS[i % 5],
          f"Team {i % 20}", True, "x", "", now) for i, rid in enumerate(reps)),
    )  # fmt: skip
    campaigns = [uuid.UUID(int=rng.getrandbits(128)) for _ in range(50)]
    copy_rows(
        session, table_of(Campaign),
        ("id", "name", "key_message", "talking_points_md", "talking_points_html", "status",
         "audience_all", "audience_regions", "audience_teams", "share_days", "created_at",
         "updated_at"),
        ((cid, f"Campaign {i}", "", "", "", CampaignStatus.live.value, True, [], [], 30, now, now)
         for i, cid in enumerate(campaigns)),
    )  # fmt: skip
    items = {cid: [uuid.UUID(int=rng.getrandbits(128)) for _ in range(3)] for cid in campaigns}
    copy_rows(
        session, table_of(Collateral),
        ("id", "campaign_id", "kind", "title", "description", "segments", "version",
         "shareable_download", "created_at", "updated_at"),
        ((iid, cid, CollateralKind.pdf.value, f"Item {j} of {cid}", "", [], 1, False, now, now)
         for cid in campaigns for j, iid in enumerate(items[cid])),
    )  # fmt: skip
    leads = [
        (uuid.UUID(int=rng.getrandbits(128)), rng.choice(reps), rng.choice(campaigns))
        for _ in range(min(50_000, max(1_000, outcomes // 20)))  # 50,000 from 1M outcomes
    ]
    copy_rows(
        session, table_of(Lead),
        ("id", "company", "contact_name", "contact_role", "phone", "email", "street",
         "postal_code", "city", "country", "region", "segment", "campaign_id", "rep_id",
         "priority", "brief_md", "brief_html", "recommended_collateral_ids", "created_at",
         "updated_at", "sort_name", "search_text"),
        ((lid, f"Firma {i}", "", "", "", "", "", "", "", "", REGIONS[i % 5], SEGMENTS[i % 4],
          cid, rid, 2, "", "", [], now, now, f"firma {i}", f"firma {i}")
         for i, (lid, rid, cid) in enumerate(leads)),
    )  # fmt: skip
    log(f"content: 200 reps, 50 campaigns, 150 items, {len(leads)} leads")
    start = datetime.combine(END - timedelta(days=DAYS - 1), datetime.min.time(), tzinfo=UTC)
    span = DAYS * 86_400
    views: list[tuple[Any, ...]] = []
    fits: list[tuple[Any, ...]] = []

    def outcome_rows() -> Iterator[tuple[Any, ...]]:
        for _ in range(outcomes):
            oid = uuid.UUID(int=rng.getrandbits(128))
            lead_id, rep_id, campaign_id = leads[rng.randrange(len(leads))]
            code = rng.choices(CODES, CODE_WEIGHTS)[0]
            chips = rng.sample(CHIPS, rng.randint(1, 2)) if code == "objection" else []
            at = start + timedelta(seconds=rng.randrange(span))
            retracted = at if rng.random() < 0.03 else None
            if rng.random() < 0.6:
                for item in rng.sample(items[campaign_id], rng.randint(1, 2)):
                    seconds = int(rng.lognormvariate(3.5, 1.0))
                    pages = sorted(rng.sample(range(1, 9), rng.randint(1, 3)))
                    views.append((oid, item, seconds, pages))
                    if rng.random() < 0.2:
                        fits.append((oid, item, "up" if rng.random() < 0.6 else "down"))
            yield (oid, rep_id, lead_id, campaign_id, code, chips, "", at, at, "bench", None,
                   False, retracted)  # fmt: skip

    names = ("id", "rep_id", "lead_id", "campaign_id", "code", "details", "note", "occurred_at",
             "received_at", "device_id", "device_seq", "reassigned", "retracted_at")  # fmt: skip
    copy_rows(session, table_of(Outcome), names, outcome_rows())
    log(f"outcomes: {outcomes}")
    view_names = ("outcome_id", "collateral_id", "seconds", "pages")
    copy_rows(session, table_of(OutcomeCollateralView), view_names, views)
    copy_rows(session, table_of(OutcomeCollateralFit), ("outcome_id", "collateral_id", "fit"), fits)
    log(f"views: {len(views)}, fit: {len(fits)}")


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    fn()  # warm up caches and the statement cache
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def p(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def measure(engine: Engine, runs: int, raw_runs: int) -> list[dict[str, Any]]:
    freeze_startup_heap()  # as the server does at start-up
    year = Filters(END - timedelta(days=364), END)
    with Session(engine) as session:
        campaign_id = session.execute(
            select(col(Campaign.id)).order_by(col(Campaign.name)).limit(1)
        ).scalar_one()
    one = Filters(year.start, year.end, campaign_id=campaign_id)
    cases = [("summary", "year", year), ("summary", "one campaign", one),
             ("collateral", "year", year), ("collateral", "one campaign", one)]  # fmt: skip
    results = []
    for endpoint, label, filters in cases:

        def call(raw: bool, endpoint: str = endpoint, filters: Filters = filters) -> None:
            with Session(engine) as session:
                if endpoint == "summary":
                    service.summary(session, filters, raw=raw).model_dump_json()
                else:
                    service.collateral(session, filters, raw=raw).model_dump_json()
                session.rollback()

        fast = timed(partial(call, False), runs)
        slow = timed(partial(call, True), raw_runs)
        results.append(
            {
                "endpoint": endpoint,
                "filter": label,
                "p50": p(fast, 0.5),
                "p95": p(fast, 0.95),
                "raw_p50": p(slow, 0.5),
                "raw_p95": p(slow, 0.95),
            }
        )
    return results


def build(settings: Settings, outcomes: int, reuse: bool) -> Engine:
    upgrade(settings)
    engine = make_engine(settings)
    with Session(engine) as session:
        have = session.execute(select(func.count()).select_from(table_of(Outcome))).scalar_one()
    if reuse and have == outcomes:
        log(f"reusing {have} outcomes")
        _vacuum(engine)
        return engine
    if have:
        raise SystemExit(f"{settings.database_url}: not empty ({have} outcomes); use a new one")
    began = time.perf_counter()
    with Session(engine) as session:
        generate(session, outcomes)
        session.commit()
    loaded = time.perf_counter() - began
    log(f"raw tables loaded in {loaded:.0f} s; building the aggregates")
    with Session(engine) as session:
        rebuild_rollups(session)
        session.commit()
    log(f"aggregates built in {time.perf_counter() - began - loaded:.0f} s")
    _vacuum(engine)
    return engine


def _vacuum(engine: Engine) -> None:
    """Statistics on both; on PostgreSQL also the visibility map and hint bits, as autovacuum
    sets them on a server that has been running a while (it is off on some test servers).
    Without it every index read also visits the heap: summary p95 ~30% slower."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("ANALYZE")
        else:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")


def report(backend: str, rows: list[dict[str, Any]]) -> bool:
    ok = True
    for r in rows:
        on_target = r["p95"] <= TARGET_MS
        ok = ok and on_target
        print(
            f"{backend:<10} {r['endpoint']:<10} {r['filter']:<13} "
            f"p50 {r['p50']:7.1f} ms  p95 {r['p95']:7.1f} ms  | raw p50 {r['raw_p50']:8.1f} ms  "
            f"p95 {r['raw_p95']:8.1f} ms  | raw/aggregate p95 x{r['raw_p95'] / r['p95']:6.1f}  "
            f"{'OK' if on_target else 'OVER ' + str(TARGET_MS) + ' ms'}",
            flush=True,
        )
    return ok


def postgres_url() -> str | None:
    url = os.environ.get(
        "STRANG_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    try:
        with psycopg.connect(url, connect_timeout=3):
            return url
    except psycopg.Error:
        return None


def run_sqlite(folder: Path, outcomes: int, runs: int, raw_runs: int, reuse: bool) -> bool:
    settings = Settings(_env_file=None, environment="test", data_dir=folder, database_url="")
    engine = build(settings, outcomes, reuse)
    log(f"SQLite file: {folder / 'strang.db'}")
    return report("sqlite", measure(read_engine(engine), runs, raw_runs))


def postgres_settings(admin_url: str, name: str, reuse: bool) -> Settings:
    """Settings for the database `name` on that server, made anew unless `reuse`."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and not reuse:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        if not exists or not reuse:
            conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(admin_url).set(drivername="postgresql+psycopg", database=name)
    return Settings(
        _env_file=None,
        environment="test",
        data_dir=Path(tempfile.mkdtemp(prefix="strang-bench-pg-")),
        database_url=url.render_as_string(hide_password=False),
    )


def run_postgres(
    admin_url: str, outcomes: int, runs: int, raw_runs: int, reuse: bool, name: str | None
) -> bool:
    name = name or f"strang_bench_insights_{outcomes}"
    settings = postgres_settings(admin_url, name, reuse)
    engine = build(settings, outcomes, reuse)
    log(f"PostgreSQL database: {name} (kept; pass --reuse to measure again)")
    return report("postgres", measure(engine, runs, raw_runs))


def main(argv: list[str] | None = None) -> bool:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--outcomes", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--runs", type=int, default=40, help="timed runs per aggregate case")
    parser.add_argument("--raw-runs", type=int, default=3, help="timed runs per raw case")
    parser.add_argument("--dir", type=Path, default=None, help="SQLite folder (kept)")
    parser.add_argument("--reuse", action="store_true", help="measure an existing data set")
    parser.add_argument("--pg-database", default=None, help="PostgreSQL database name (kept)")
    args = parser.parse_args(argv)
    ok = True
    print("backend    endpoint   filter        aggregate (p50, p95)          raw outcome tables")
    if args.backend in ("sqlite", "both"):
        folder = args.dir or Path(tempfile.mkdtemp(prefix="strang-bench-insights-"))
        ok = run_sqlite(folder, args.outcomes, args.runs, args.raw_runs, args.reuse) and ok
    if args.backend in ("postgres", "both"):
        url = postgres_url()
        if url is None:
            log("PostgreSQL not reachable: skipped (set STRANG_BENCH_POSTGRES_URL)")
        else:
            ok = (
                run_postgres(
                    url, args.outcomes, args.runs, args.raw_runs, args.reuse, args.pg_database
                )
                and ok
            )
    return ok


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
