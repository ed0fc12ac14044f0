"""Drill-down time: one page of the visits behind a dashboard figure (`/insights/visits`), on
the insights benchmark's data set (two years of outcomes), for each kind of figure, first page
and a deep page.

    python -m bench.drilldown_bench                        # SQLite, 200,000 outcomes
    python -m bench.drilldown_bench --outcomes 1000000 --dir /tmp/x --reuse

Reports p50/p95 per case (the time is reported, not judged): the page is read from the raw
outcome tables, and the total count is one scan of the filtered visits.
"""

import argparse
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from app.core.db import read_engine
from app.core.settings import Settings
from app.insights.schemas import Filters
from app.insights.visits import Figure, visit_page
from app.outcomes.models import OutcomeCollateralView
from bench import insights_bench

YEAR = Filters(insights_bench.END - timedelta(days=364), insights_bench.END)
MONTH = Filters(insights_bench.END - timedelta(days=29), insights_bench.END)


def cases(session: Session) -> list[tuple[str, Filters, Figure, int]]:
    item = session.scalars(select(OutcomeCollateralView.collateral_id).limit(1)).first()
    return [
        ("all, year", YEAR, Figure(), 0),
        ("all, page 100", YEAR, Figure(), 4950),
        ("won, year", YEAR, Figure(code="won"), 0),
        ("chip, year", YEAR, Figure(chip="price"), 0),
        ("chip, month", MONTH, Figure(chip="price"), 0),
        ("item, year", YEAR, Figure(collateral_id=item), 0),
        ("region+won", Filters(YEAR.start, YEAR.end, region="North"), Figure(code="won"), 0),
    ]


def measure(engine: Any, runs: int) -> None:
    with Session(engine) as session:
        for name, filters, figure, offset in cases(session):
            samples = []
            for _ in range(runs):
                began = time.perf_counter()
                page = visit_page(session, filters, figure, lang="en", limit=50, offset=offset)
                samples.append((time.perf_counter() - began) * 1000)
            samples.sort()
            p50 = samples[len(samples) // 2]
            p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
            print(
                f"{engine.dialect.name:<10} {name:<14} total {page.total:>8}  "
                f"p50 {p50:7.1f} ms  p95 {p95:7.1f} ms",
                flush=True,
            )


def main(argv: list[str] | None = None) -> bool:
    """True: times are reported, not judged."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--outcomes", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--dir", type=Path, default=None, help="SQLite folder (kept)")
    parser.add_argument("--reuse", action="store_true", help="measure an existing data set")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.dir or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        settings = Settings(_env_file=None, environment="test", data_dir=folder, database_url="")
        engine = insights_bench.build(settings, args.outcomes, args.reuse)
        measure(read_engine(engine), args.runs)
    return True


if __name__ == "__main__":
    main()
