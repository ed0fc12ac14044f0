"""Engagement per collateral item: the one-item answer read from the raw outcome tables (through
the index on the viewed item), on the insights benchmark's data set, beside the dashboard's
collateral table over the aggregates for the same filter.

    python -m bench.engagement_bench                          # 200,000 outcomes, 10,000 leads
    python -m bench.engagement_bench --outcomes 1000000 --backend sqlite

The data set is `bench.insights_bench`'s (fixed seed): 150 PDF items, 60 % of visits show one
or two items of the lead's campaign. Measured: the most shown item over the last year, within
its campaign, and for one region (the filter that joins the outcome-time attributes).
"""

import argparse
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from sqlmodel import Session

from app.collateral.models import Collateral
from app.core.db import read_engine, table_of
from app.core.settings import Settings
from app.insights import engagement, service
from app.insights.schemas import Filters
from app.outcomes.models import OutcomeCollateralView
from bench.insights_bench import END, build, p, postgres_settings, postgres_url, timed


def measure(engine: Engine, runs: int) -> list[dict[str, Any]]:
    v = table_of(OutcomeCollateralView)
    with Session(engine) as session:
        top, views = session.execute(
            select(v.c.collateral_id, func.count())
            .group_by(v.c.collateral_id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
        item = session.get(Collateral, top)
        assert item is not None
        session.expunge(item)
    year = Filters(END - timedelta(days=364), END)
    cases = [
        ("year", year),
        ("its campaign", Filters(year.start, year.end, campaign_id=item.campaign_id)),
        ("region North", Filters(year.start, year.end, region="North")),
    ]
    rows = []
    for label, filters in cases:

        def one(filters: Filters = filters) -> int:
            with Session(engine) as session:
                answer = engagement.engagement(session, filters, item)
                session.rollback()
                return answer.visits

        def table(filters: Filters = filters) -> None:
            with Session(engine) as session:
                service.collateral(session, filters).model_dump_json()
                session.rollback()

        fast = timed(one, runs)
        dash = timed(table, max(3, runs // 4))
        rows.append(
            {"filter": label, "visits": one(), "views": views, "p50": p(fast, 0.5),
             "p95": p(fast, 0.95), "dash_p50": p(dash, 0.5)}
        )  # fmt: skip
    return rows


def report(backend: str, rows: list[dict[str, Any]]) -> None:
    for r in rows:
        print(
            f"{backend:<9} {r['filter']:<13} item shown {r['visits']:>6} times in the filter "
            f"({r['views']} in all)  engagement p50 {r['p50']:6.1f} ms  p95 {r['p95']:6.1f} ms"
            f"  | dashboard collateral table p50 {r['dash_p50']:7.1f} ms",
            flush=True,
        )


def main(argv: list[str] | None = None) -> bool:
    """True: times are reported, not judged."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--outcomes", type=int, default=200_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--dir", type=Path, default=None, help="SQLite folder (kept)")
    parser.add_argument("--reuse", action="store_true", help="measure an existing data set")
    args = parser.parse_args(argv)
    if args.backend in ("sqlite", "both"):
        folder = args.dir or Path(tempfile.mkdtemp(prefix="strang-bench-engagement-"))
        settings = Settings(_env_file=None, environment="test", data_dir=folder, database_url="")
        engine = build(settings, args.outcomes, args.reuse)
        report("sqlite", measure(read_engine(engine), args.runs))
    if args.backend in ("postgres", "both"):
        url = postgres_url()
        if url is None:
            print("postgres  not reachable: skipped")
            return True
        name = f"strang_bench_engagement_{args.outcomes}"
        settings = postgres_settings(url, name, reuse=args.reuse)
        report("postgres", measure(build(settings, args.outcomes, args.reuse), args.runs))
    return True


if __name__ == "__main__":
    main()
