"""Lighthouse mobile scores of the rep app: Today, a lead and Settings, logged in as a demo rep.

Serves the built app (pwa/dist) with the demo data, logs rep1 in through the API and runs
Lighthouse 12.2.3 (pinned in pwa/package.json; Node 20, Debian's chromium headless) with the
session cookie on every request: the default mobile run, an emulated phone on simulated slow
4G with a 4x slower CPU, from an empty browser (a first visit, including the first sync).
Budgets: accessibility 100, performance >= 95 on each page; below them it prints the audits
that cost points.

    .venv/bin/python -m bench.lighthouse [--only accessibility] [--pages today] [--quick]

--quick is the test suite's smoke run: each page gets 5 s to load instead of Lighthouse's 45 s
(scores of a page still loading), and no full-page screenshot is taken.
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx

from app.core.migrations import upgrade
from app.core.settings import Settings
from app.demo import seed_demo_database
from bench.load import start_server, stop_server

ROOT = Path(__file__).resolve().parent.parent
PWA = ROOT / "pwa"
SCRIPT = PWA / "scripts" / "lighthouse.mjs"
CHROMIUM = "/usr/bin/chromium"
REP = "rep1@demo.strang"
BUDGETS = {"accessibility": 100, "performance": 95}


def demo_settings(folder: Path) -> Settings:
    settings = Settings(_env_file=None, environment="test", data_dir=folder)  # type: ignore[call-arg]
    upgrade(settings)
    seed_demo_database(settings)
    return settings


def rep_session(url: str) -> tuple[str, str]:
    """The rep's session cookie and the id of one of their leads."""
    with httpx.Client(base_url=f"{url}/api/v1", timeout=30) as client:
        login = client.post("/auth/login", json={"email": REP, "password": "demo"})
        login.raise_for_status()
        token = login.json()["token"]
        leads = client.get("/sync/pull", headers={"Authorization": f"Bearer {token}"}).json()
    lead_id = leads["changes"]["leads"][0]["id"]
    return f"strang_session={token}", str(lead_id)


def run_lighthouse(
    url: str, cookie: str, paths: list[str], only: str = "", quick: bool = False
) -> list[dict[str, Any]]:
    """Runs pwa/scripts/lighthouse.mjs and returns its pages."""
    command = ["node", str(SCRIPT), url, cookie, *paths]
    if only:
        command.append(f"--only={only}")
    if quick:
        command.append("--quick")
    env = {"CHROME_PATH": CHROMIUM, "PATH": "/usr/local/bin:/usr/bin:/bin"}
    done = subprocess.run(command, cwd=PWA, env=env, capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"lighthouse failed: {done.stderr[-2000:]}")
    pages: list[dict[str, Any]] = json.loads(done.stdout.strip().splitlines()[-1])["pages"]
    return pages


PAGES = ("today", "lead", "settings")


def scored_pages(
    only: str = "", pages: tuple[str, ...] = PAGES, quick: bool = False
) -> list[dict[str, Any]]:
    """Serves the demo, logs the rep in and scores Today, a lead and Settings (or some)."""
    with tempfile.TemporaryDirectory(prefix="strang-lighthouse-") as folder:
        settings = demo_settings(Path(folder) / "data")
        process, url = start_server(settings, 1, Path(folder) / "server.log")
        try:
            cookie, lead_id = rep_session(url)
            paths = {"today": "/", "lead": f"/lead/{lead_id}", "settings": "/settings"}
            return run_lighthouse(url, cookie, [paths[p] for p in pages], only, quick)
        finally:
            stop_server(process)


def report(pages: list[dict[str, Any]]) -> bool:
    ok = True
    for page in pages:
        figures = ", ".join(f"{name} {score}" for name, score in page["scores"].items())
        metrics = ", ".join(f"{name} {value}" for name, value in page["metrics"].items())
        print(f"  {page['path']:<48} {figures}" + (f"  ({metrics})" if metrics else ""))
        if page.get("lcpElement"):
            print(f"    largest paint: {page['lcpElement'][:100]}")
        for shifted in page.get("shifted", [])[:3]:
            print(f"    shifted: {shifted[:100]}")
        for category, score in page["scores"].items():
            if score >= BUDGETS[category]:
                continue
            ok = False
            print(f"    {category} below {BUDGETS[category]}:")
            for audit in page["failing"][category]:
                print(f"      - {audit['id']}: {audit['title']} {audit['value']}".rstrip())
                for item in audit["items"]:
                    print(f"          {item}")
    return ok


def main(argv: list[str] | None = None) -> bool:
    parser = argparse.ArgumentParser(prog="python -m bench.lighthouse", description=__doc__)
    parser.add_argument("--only", default="", help="categories, e.g. accessibility")
    parser.add_argument(
        "--pages", default=",".join(PAGES), help=f"some of {', '.join(PAGES)} (comma-separated)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="5 s per page to load, no screenshot (smoke runs)"
    )
    args = parser.parse_args(argv)
    pages = tuple(p for p in args.pages.split(",") if p)
    if not pages or set(pages) - set(PAGES):
        parser.error(f"--pages: choose from {', '.join(PAGES)}")
    if not (PWA / "dist" / "index.html").is_file() or shutil.which("node") is None:
        print("lighthouse bench: needs node and a built front end (`make pwa`)")
        return False
    print("lighthouse bench: mobile, simulated slow 4G and 4x CPU, rep1 logged in, first visit")
    ok = report(scored_pages(args.only, pages, args.quick))
    budgets = ", ".join(f"{name} >= {value}" for name, value in BUDGETS.items())
    print(f"  lighthouse bench: {'on target' if ok else 'OFF TARGET'} ({budgets})")
    return ok


if __name__ == "__main__":
    sys.exit(0 if main(sys.argv[1:]) else 1)
