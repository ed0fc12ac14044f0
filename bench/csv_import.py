"""CSV import speed: 10,000 lead rows through the import service, against a plain bulk insert of
the same rows in the same run (same database, same machine).

    python -m bench.csv_import            # SQLite in a temporary folder
    STRANG_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        python -m bench.csv_import
"""

import argparse
import os
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
from sqlalchemy import delete, insert
from sqlalchemy.engine import make_url
from sqlmodel import Session

from app.auth.models import Role, User
from app.changes.log import SyncChange
from app.core.db import make_engine
from app.core.migrations import upgrade
from app.core.settings import Settings
from app.core.time import utcnow
from app.leads.csv_import import import_leads
from app.leads.models import Lead

ROWS = 10_000
TARGET_SECONDS = 5.0


def csv_file(emails: list[str], rows: int = ROWS) -> bytes:
    lines = ["Kundennummer;Firma;Ansprechpartner;Straße;PLZ;Ort;Außendienst;Priorität;Briefing"]
    for i in range(rows):
        brief = f"Über **Angebot {i % 40}** sprechen; nach dem Einkauf fragen."
        lines.append(
            f"K{i};Firma {i} GmbH;Kontakt {i};Weg {i % 300};{10000 + i};Stadt {i % 90};"
            f'{emails[i % len(emails)]};{i % 3 + 1};"{brief}"'
        )
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def _plain_rows(reps: list[uuid.UUID], rows: int = ROWS) -> list[dict[str, object]]:
    now = utcnow()
    return [
        {
            "id": uuid.uuid4(), "external_ref": f"P{i}", "company": f"Firma {i} GmbH",
            "contact_name": f"Kontakt {i}", "contact_role": "", "phone": "", "email": "",
            "street": f"Weg {i % 300}", "postal_code": str(10000 + i), "city": f"Stadt {i % 90}",
            "country": "", "region": "", "segment": "", "campaign_id": None,
            "rep_id": reps[i % len(reps)], "planned_visit_at": None, "priority": i % 3 + 1,
            "brief_md": "x", "brief_html": "<p>x</p>", "recommended_collateral_ids": [],
            "created_at": now, "updated_at": now,
        }
        for i in range(rows)
    ]  # fmt: skip


def run(settings: Settings, rows: int = ROWS) -> dict[str, float]:
    upgrade(settings)
    engine = make_engine(settings)
    try:
        with Session(engine) as session:
            reps = [
                User(email=f"bench{i}-{uuid.uuid4().hex[:6]}@example.test", name="Rep",
                     role=Role.rep, password_hash="x")
                for i in range(5)
            ]  # fmt: skip
            session.add_all(reps)
            session.commit()
            emails = [r.email for r in reps]
            rep_ids = [r.id for r in reps]
        data = csv_file(emails, rows)

        started = time.perf_counter()
        with Session(engine) as session:
            report = import_leads(session, data=data, timezone=settings.timezone)
            session.commit()
        imported = time.perf_counter() - started
        assert report.created == rows and not report.errors, report.errors[:3]

        plain_rows = _plain_rows(rep_ids, rows)
        started = time.perf_counter()
        with Session(engine) as session:
            for start in range(0, rows, 1000):
                session.execute(insert(Lead), plain_rows[start : start + 1000])
            session.commit()
        plain = time.perf_counter() - started

        started = time.perf_counter()
        with Session(engine) as session:
            again = import_leads(session, data=data, timezone=settings.timezone)
            session.commit()
        unchanged = time.perf_counter() - started
        assert again.unchanged == rows

        with Session(engine) as session:  # leave a reusable database clean
            session.execute(delete(SyncChange))
            session.execute(delete(Lead))
            session.commit()
    finally:
        engine.dispose()
    return {"rows": rows, "import": imported, "plain": plain, "reimport": unchanged}


def report(name: str, figures: dict[str, float]) -> bool:
    rows = figures["rows"]
    target = TARGET_SECONDS * rows / ROWS  # the target scales with the rows asked for
    ok = figures["import"] < target
    print(
        f"csv_import[{name}]: {rows:.0f} rows in {figures['import']:.2f} s "
        f"= {rows / figures['import']:,.0f} rows/s; plain bulk insert {figures['plain']:.2f} s "
        f"= {rows / figures['plain']:,.0f} rows/s; import/plain = "
        f"{figures['import'] / figures['plain']:.1f}x; re-import (all unchanged) "
        f"{figures['reimport']:.2f} s; target < {target:.1f} s: {'ok' if ok else 'MISSED'}"
    )
    return ok


def main(argv: list[str] | None = None) -> bool:
    parser = argparse.ArgumentParser(prog="python -m bench.csv_import")
    parser.add_argument("--rows", type=int, default=ROWS, help=f"lead rows (default {ROWS})")
    rows = parser.parse_args(argv or []).rows
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(_env_file=None, environment="test", data_dir=Path(folder))  # type: ignore[call-arg]
        ok &= report("sqlite", run(settings, rows))
        pg_url = os.environ.get("STRANG_BENCH_POSTGRES_URL", "")
        if pg_url:
            name = f"strang_bench_{uuid.uuid4().hex[:8]}"
            admin = make_url(pg_url).set(drivername="postgresql").render_as_string(False)
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
            try:
                url = make_url(pg_url).set(drivername="postgresql+psycopg", database=name)
                settings = Settings(  # type: ignore[call-arg]
                    _env_file=None, environment="test", data_dir=Path(folder),
                    database_url=url.render_as_string(False),
                )  # fmt: skip
                ok &= report("postgres", run(settings, rows))
            finally:
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]
    return ok


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
