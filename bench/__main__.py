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


def run_all() -> bool:
    ok = True
    for name in BENCHMARKS:
        ok = bool(importlib.import_module(name).main()) and ok
    return ok


if __name__ == "__main__":
    sys.exit(0 if run_all() else 1)
