"""Wire: the bytes a phone downloads, against a real `strang serve` and the built front end.

Fetches as a phone does (`Accept-Encoding: br, gzip`) and once more without compression, then
prints both sizes and their ratio for:
- the rep app's first visit: the page, its scripts and styles, the web manifest and icon, the
  service worker, and every file of the service worker's precache (read from `pwa/dist/sw.js`,
  counted in full even where the browser's cache would spare a second download);
- an initial sync of 300 leads (seeded as `bench.sync_bench` does, then given a different
  contact, address and brief each, as a real territory has), every page the app pulls.

Budgets (issue 15; KB = 1,024 bytes of body, response headers are counted in the total):
rep app first-visit JavaScript <= 30 KB on the wire, whole first visit including the precache
<= 600 KB, initial sync of 300 leads <= 150 KB. `main()` is True when all are met.

Needs the front end built (`make pwa`, or `cd pwa && npm run build`).
"""

import argparse
import json
import random
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlmodel import Session, select

from app.core.db import make_engine
from app.core.settings import Settings
from app.leads.models import Lead
from bench.load import start_server, stop_server
from bench.sync_bench import LEADS_PER_REP, seed

KB = 1024
BUDGET_JS = 30 * KB
BUDGET_FIRST_VISIT = 600 * KB
BUDGET_SYNC = 150 * KB
PHONE = "br, gzip"  # what a phone's browser offers (plus deflate/zstd, which nothing here uses)
PULL_LIMIT = 500  # as the rep app asks (pwa/src/offline/sync.ts)


@dataclass
class Fetched:
    label: str
    plain: int  # body bytes without compression
    gzip: int  # body bytes to a browser that offers gzip only (no brotli: old, or plain http)
    wire: int  # body bytes as sent to the phone
    headers: int  # response header bytes as sent to the phone
    coding: str


def _header_bytes(response: httpx.Response) -> int:
    status_line = len(f"HTTP/1.1 {response.status_code} {response.reason_phrase}\r\n")
    fields = sum(len(name) + len(value) + 4 for name, value in response.headers.raw)
    return status_line + fields + 2


def _sent(client: httpx.Client, url: str, headers: dict[str, str]) -> tuple[int, httpx.Response]:
    """Body bytes as sent (not decoded), and the answer."""
    with client.stream("GET", url, headers=headers) as response:
        response.raise_for_status()
        return sum(len(chunk) for chunk in response.iter_raw()), response


def _fetch(client: httpx.Client, url: str, label: str = "", **headers: str) -> Fetched:
    """One request as the phone makes it, and the same without brotli and without compression."""
    wire, sent = _sent(client, url, {**headers, "Accept-Encoding": PHONE})
    gzip, _ = _sent(client, url, {**headers, "Accept-Encoding": "gzip"})
    plain, _ = _sent(client, url, {**headers, "Accept-Encoding": "identity"})
    return Fetched(
        label or url,
        plain=plain,
        gzip=gzip,
        wire=wire,
        headers=_header_bytes(sent),
        coding=sent.headers.get("content-encoding", "-"),
    )


def _first_page_files(html: str) -> tuple[list[str], list[str]]:
    """(scripts the page loads at once, its other files: styles, manifest, icon)."""
    scripts = re.findall(r'<script[^>]*\bsrc="([^"]+)"', html)
    scripts += re.findall(r'<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"', html)
    others = re.findall(r'<link[^>]*rel="(?:stylesheet|manifest|icon)"[^>]*href="([^"]+)"', html)
    return list(dict.fromkeys(scripts)), list(dict.fromkeys(others))


def precache_urls(dist: Path) -> list[str]:
    """The files the service worker stores on install: the manifest the build put in sw.js."""
    match = re.search(r'\[\{"revision":.*?\}\]', (dist / "sw.js").read_text())
    if match is None:
        raise SystemExit("No precache manifest found in dist/sw.js: rebuild the front end.")
    return ["/" + entry["url"].lstrip("/") for entry in json.loads(match.group(0))]


def first_visit(client: httpx.Client, dist: Path) -> tuple[list[Fetched], list[Fetched]]:
    """(the rep app's scripts, everything else of the first visit)."""
    page = _fetch(client, "/", "/ (index.html)", Accept="text/html")
    scripts, others = _first_page_files((dist / "index.html").read_text())
    rest = [page, *(_fetch(client, url) for url in others), _fetch(client, "/sw.js")]
    rest += [_fetch(client, url, f"{url} (precache)") for url in precache_urls(dist)]
    return [_fetch(client, url) for url in scripts], rest


FIRST = ("Anna", "Jonas", "Fatma", "Lukas", "Marie", "Piotr", "Lea", "Mehmet", "Sophie", "Tim")
LAST = ("Schmidt", "Yilmaz", "Becker", "Nowak", "Hoffmann", "Wagner", "Krüger", "Schulz")
ROLES = ("Head of Purchasing", "Managing Director", "Plant Manager", "Facility Manager")
STREETS = ("Hafenstraße", "Industrieweg", "Am Kanal", "Bahnhofstraße", "Lindenallee")
CITIES = (("20457", "Hamburg"), ("28195", "Bremen"), ("24103", "Kiel"), ("26122", "Oldenburg"))
MONTHS = ("January", "February", "March", "April", "May", "June", "September", "October")


def _brief(rng: random.Random, company: str) -> str:
    parts = [
        f"<p><strong>Why now:</strong> the service contract for line {rng.randint(1, 9)} ends in "
        f"{rng.choice(MONTHS)}; {company} runs {rng.randint(2, 40)} machines at "
        f"{rng.randint(1, 4)} sites.</p>",
        f"<p>Pilot at a neighbour saved {rng.randint(8, 25)} % energy; trade-in worth "
        f"{rng.randint(2, 90)},{rng.randint(0, 9)}00 EUR.</p>",
        f"<ul><li>Last order {rng.randint(1, 28)}.{rng.randint(1, 12)}.2024, "
        f"{rng.randint(3, 300)} units</li><li>Ask for the {rng.choice(ROLES)}</li></ul>",
    ]
    return "".join(rng.sample(parts, k=rng.randint(1, 3)))


def vary_leads(settings: Settings, seed_value: int = 15) -> None:
    """Each lead its own contact, address and brief: identical rows compress far better than a
    real territory does."""
    rng = random.Random(seed_value)
    engine = make_engine(settings)
    with Session(engine) as session:
        for lead in session.exec(select(Lead)):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            postal_code, city = rng.choice(CITIES)
            lead.company = f"{last} {rng.choice(('Metallbau', 'Logistik', 'Kunststoff'))} GmbH"
            lead.company += f" {rng.randint(1, 999)}"
            lead.contact_name = f"{first} {last}"
            lead.contact_role = rng.choice(ROLES)
            lead.phone = f"+49 {rng.randint(30, 999)} {rng.randint(100000, 9999999)}"
            lead.email = f"{first.lower()}.{last.lower()}{rng.randint(1, 99)}@example.test"
            lead.street = f"{rng.choice(STREETS)} {rng.randint(1, 180)}"
            lead.postal_code, lead.city = postal_code, city
            lead.priority = rng.randint(1, 3)
            lead.brief_html = _brief(rng, lead.company)
            session.add(lead)
        session.commit()
    engine.dispose()


def initial_sync(client: httpx.Client, token: str) -> list[Fetched]:
    """Every page of a first pull, as the rep app asks for them."""
    pages: list[Fetched] = []
    params: dict[str, Any] = {"limit": PULL_LIMIT}
    auth = {"Authorization": f"Bearer {token}"}
    while True:
        url = str(httpx.URL("/api/v1/sync/pull", params=params))
        pages.append(_fetch(client, url, f"/api/v1/sync/pull page {len(pages) + 1}", **auth))
        body = client.get(url, headers=auth).json()
        if not body["has_more"]:
            return pages
        params["cursor"] = body["cursor"]


FIGURES = ("plain", "gzip", "wire", "headers")


def _kb(size: int) -> str:
    return f"{size / KB:8.1f} KB"


def _table(title: str, rows: list[Fetched]) -> int:
    """Prints the files side by side; returns the bytes on the wire."""
    print(f"  {title}:")
    print(f"    {'uncompressed':>11}  {'gzip only':>11}  {'on the wire':>11}  ratio  coding  file")
    total = Fetched("total", *(sum(getattr(r, f) for r in rows) for f in FIGURES), coding="")
    for row in [*rows, total]:
        ratio = row.plain / row.wire if row.wire else 0
        print(
            f"    {_kb(row.plain)}  {_kb(row.gzip)}  {_kb(row.wire)}  {ratio:5.1f}"
            f"  {row.coding:<6}  {row.label}"
        )
    return total.wire


def _verdict(name: str, figure: int, budget: int) -> bool:
    ok = figure <= budget
    verdict = "on target" if ok else "OVER BUDGET"
    print(f"  {name}: {figure / KB:.1f} KB on the wire, budget {budget / KB:.0f} KB: {verdict}")
    return ok


def main(argv: list[str] | None = None) -> bool:
    argparse.ArgumentParser(prog="python -m bench.wire", description=__doc__).parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="strang-wire-bench-") as folder:
        data = Path(folder)
        settings = Settings(_env_file=None, environment="test", data_dir=data)  # type: ignore[call-arg]
        dist = settings.pwa_dist.resolve()  # what the server sends
        if not (dist / "index.html").is_file() or not (dist / "sw.js").is_file():
            print(f"wire bench: no built front end in {dist}: run `make pwa` first")
            return False
        tokens, _ = seed(settings, reps=1)
        vary_leads(settings)
        process, url = start_server(settings, 1, data / "server.log")
        try:
            with httpx.Client(base_url=url, timeout=60) as client:
                scripts, rest = first_visit(client, dist)
                pages = initial_sync(client, tokens[0])
        finally:
            stop_server(process)
    print(f"wire bench: as a phone fetches (Accept-Encoding: {PHONE}), KB = 1,024 B of body")
    js_wire = _table("rep app JavaScript of the first visit", scripts)
    rest_wire = _table("the rest of the first visit (page, styles, service worker)", rest)
    header_bytes = sum(r.headers for r in scripts + rest)
    first_visit_wire = js_wire + rest_wire + header_bytes
    gzip_only = sum(r.gzip for r in scripts + rest) + header_bytes
    print(f"    response headers of the first visit: {header_bytes / KB:.1f} KB")
    print(f"    to a browser without brotli (gzip only): {gzip_only / KB:.1f} KB with headers")
    sync_wire = _table(f"initial sync of {LEADS_PER_REP} leads", pages)
    sync_wire += sum(r.headers for r in pages)
    ok = _verdict("rep app first-visit JavaScript", js_wire, BUDGET_JS)
    ok = _verdict("whole first visit", first_visit_wire, BUDGET_FIRST_VISIT) and ok
    ok = _verdict(f"initial sync of {LEADS_PER_REP} leads", sync_wire, BUDGET_SYNC) and ok
    print(f"  wire bench: {'on target' if ok else 'OFF TARGET'}")
    return ok


if __name__ == "__main__":
    sys.exit(0 if main(sys.argv[1:]) else 1)
