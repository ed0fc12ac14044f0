"""Add yours to BENCHMARKS: a module with `main() -> bool` (True: on target)."""

import importlib
import sys

BENCHMARKS = [
    "bench.sync_bench",
    "bench.peer_bench",
    "bench.csv_import",
    "bench.insights_bench",
    "bench.export_bench",
    "bench.load",
    "bench.wire",
    "bench.lighthouse",
    "bench.streams_bench",
    "bench.webhooks_bench",
    "bench.ranking_backtest",
    "bench.drilldown_bench",
    "bench.engagement_bench",
    "bench.share_bench",
]


# Runs beside a benchmark's default one (its `main()` with no arguments).
MORE_RUNS = {
    # issue 16's realistic day: 2,000 phones; the morning pulls spread over 2 minutes, then
    # 4 minutes of the day (every phone pulls at least once more, and pushes 3-8 times)
    "bench.load": [["--day", "--reps", "2000", "--ramp", "120", "--seconds", "240"]],
}


def run_all() -> bool:
    ok = True
    for name in BENCHMARKS:
        main = importlib.import_module(name).main
        ok = bool(main()) and ok
        for args in MORE_RUNS.get(name, []):
            ok = bool(main(args)) and ok
    return ok


if __name__ == "__main__":
    sys.exit(0 if run_all() else 1)
