"""Every benchmark still runs, at a tiny scale: a bench that no longer runs fails here, not on
the day someone wants its figures. Nothing is judged but running to the end and printing its
figures (a small run is often 'off target', which is fine).

A bench's `main` runs in this process, as `python -m bench` runs them all one after another
(starting another Python with the app imported again costs seconds a test); the bench's own
servers and processes are its own as ever. The webhook bench, whose sender's last sends end
after its `main` returns, runs in a Python of its own."""

import importlib
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from bench.__main__ import BENCHMARKS

ROOT = Path(__file__).resolve().parents[2]
TINY = {
    "bench.sync_bench": ["--reps", "2", "--scale", "0.002", "--batches", "1,50"],
    "bench.peer_bench": ["--outcomes", "20", "--no-peer"],  # the peer's install takes minutes
    "bench.csv_import": ["--rows", "50"],
    "bench.insights_bench": ["--outcomes", "500", "--runs", "1", "--raw-runs", "1"],
    "bench.export_bench": ["--outcomes", "500"],
    # --overload: the phones push at once, so the short run has pushes and ends on time (a phone
    # otherwise waits 3-9 s before its first push, past the end of a short run)
    "bench.load": [
        "--overload",
        "--reps",
        "4",
        "--seconds",
        "1",
        "--ramp",
        "0.5",
        "--timeout",
        "20",
    ],
    "bench.wire": [],  # one rep, one page view: as small as it gets
    # one page, one category, 5 s to load (the page never reaches Lighthouse's idle network)
    "bench.lighthouse": ["--only", "accessibility", "--pages", "today", "--quick"],
    "bench.streams_bench": [
        "--streams",
        "20",
        "--changes",
        "1",
        "--broadcasts",
        "1",
        "--settle",
        "0.2",
    ],
    "bench.ranking_backtest": ["--histories", "3", "--visits", "300"],
    "bench.drilldown_bench": ["--outcomes", "500", "--runs", "1"],
    "bench.engagement_bench": ["--outcomes", "500", "--runs", "1"],
    "bench.share_bench": ["--readers", "4", "--seconds", "1", "--saturate", "--requests", "20"],
    "bench.webhooks_bench": ["--batches", "2", "--events", "20"],
}
SQLITE_ONLY = (
    "bench.sync_bench",
    "bench.peer_bench",
    "bench.wire",
    "bench.lighthouse",
    "bench.drilldown_bench",
    "bench.share_bench",
    "bench.webhooks_bench",
)
OWN_PROCESS = ("bench.webhooks_bench",)
DONE = "bench smoke run finished"


def _in_a_fresh_thread(main: Callable[[list[str]], object], args: list[str]) -> None:
    """Run `main` as `python -m bench` would: on a thread with no event loop running (a browser
    test before this one in the same worker leaves Playwright's loop on the main thread)."""
    failed: list[BaseException] = []

    def run() -> None:
        try:
            main(args)
        except BaseException as error:
            failed.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failed:
        raise failed[0]


def test_every_benchmark_has_a_tiny_run() -> None:
    assert sorted(TINY) == sorted(BENCHMARKS)
    # a module of bench/ with a `main` is a benchmark, whether or not someone listed it
    modules = {
        f"bench.{path.stem}"
        for path in (ROOT / "bench").glob("*.py")
        if path.stem != "__main__" and "\ndef main(" in path.read_text()
    }
    assert sorted(modules - set(BENCHMARKS)) == []


@pytest.mark.parametrize("name", BENCHMARKS)
def test_the_benchmark_runs_to_the_end(
    name: str, backend: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STRANG_")}
    args = list(TINY[name])
    if backend == "postgres":
        env["STRANG_BENCH_POSTGRES_URL"] = os.environ["STRANG_TEST_POSTGRES_URL"]
    if name in ("bench.insights_bench", "bench.export_bench", "bench.engagement_bench"):
        args += ["--backend", backend]
    elif name in ("bench.load", "bench.streams_bench"):
        args += ["--only", backend]
        if name == "bench.load" and backend == "postgres":
            args += ["--pg-workers", "2"]  # one run: the 1-worker one is the same code
    elif name == "bench.ranking_backtest" and backend == "postgres":
        pytest.skip("this backtest uses no database")
    elif name in SQLITE_ONLY and backend == "postgres":
        pytest.skip("this benchmark measures SQLite only")
    if name not in OWN_PROCESS:
        for key in [k for k in os.environ if k.startswith("STRANG_")]:
            monkeypatch.delenv(key)
        if backend == "postgres":
            monkeypatch.setenv("STRANG_BENCH_POSTGRES_URL", env["STRANG_BENCH_POSTGRES_URL"])
        # on a busy test machine a push waits its turn rather than being shed (503), as in the
        # other tests (tests/conftest.py); shedding has tests of its own
        monkeypatch.setenv("STRANG_WRITE_QUEUE_SECONDS", "0")
        monkeypatch.chdir(ROOT)
        _in_a_fresh_thread(importlib.import_module(name).main, args)  # a bench that fails raises
        printed = capsys.readouterr().out
        assert printed.strip(), f"{name} printed nothing"
        return
    if name == "bench.webhooks_bench":
        # the dead endpoints hold their slots 2 s, not 10: the process ends when their last
        # sends do
        env["STRANG_WEBHOOK_SEND_DEADLINE_SECONDS"] = "2"
    code = f"from {name} import main; main({args!r}); print({DONE!r})"
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert DONE in run.stdout, run.stdout[-2000:] + run.stderr[-4000:]
