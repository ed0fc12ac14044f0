"""`strang backup` while the server runs, `strang restore` into a fresh data folder, and a server
on the restored folder that still knows every acknowledged outcome and every file."""

import hashlib
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from app.auth.models import Role
from app.core.db import make_engine
from app.core.settings import Settings
from app.core.storage import LocalBlobStorage
from app.insights.models import InsightCount
from app.insights.roller import catch_up
from app.ops import backup as ops
from tests.conftest import base_settings
from tests.factories import Factory
from tests.ops.helpers import PUSH, login, outcome_log
from tests.server import ROOT, running_server, server_env
from tests.sync.helpers import Content


def strang(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def store_blobs(settings: Settings, count: int) -> dict[str, bytes]:
    storage = LocalBlobStorage(settings.blob_dir)
    stored = {}
    for n in range(count):
        data = f"%PDF-1.4 price list {n}\n".encode() * (n + 1) * 1000
        sha256 = hashlib.sha256(data).hexdigest()
        source = storage.temp_dir() / f"upload-{n}"
        source.write_bytes(data)
        storage.put(source, sha256)
        stored[sha256] = data
    return stored


def push_all(url: str, headers: dict[str, str], batch: list[dict[str, Any]]) -> list[str]:
    response = httpx.post(
        f"{url}{PUSH}", headers=headers, json={"device_id": "phone", "mutations": batch}, timeout=60
    )
    assert response.status_code == 200, response.text
    return [r["status"] for r in response.json()["results"]]


def test_backup_of_a_running_server_restores_every_outcome_and_file(
    settings: Settings, factory: Factory, db: Session, tmp_path: Path
) -> None:
    if not settings.is_sqlite:
        pytest.skip("PostgreSQL is backed up with pg_dump (see test_postgres_backup_...)")
    content = Content(db)
    rep = factory.user(Role.rep)
    lead = content.lead(rep)
    files = store_blobs(settings, 3)

    # The insights roller runs as in production: the insights file moves while it is copied.
    with running_server(settings, STRANG_INSIGHTS_ROLLER="true") as server:
        headers = login(server.url, rep.email)
        acknowledged = [outcome_log(lead.id, seq) for seq in range(1, 201)]
        for start in range(0, 200, 100):
            assert set(push_all(server.url, headers, acknowledged[start : start + 100])) == {
                "applied"
            }
        # More phones keep pushing while the backup runs: the copy must still be one snapshot.
        during = [outcome_log(lead.id, seq) for seq in range(201, 401)]

        def keep_pushing() -> None:
            for start in range(0, len(during), 20):
                push_all(server.url, headers, during[start : start + 20])

        writer = threading.Thread(target=keep_pushing)
        writer.start()
        result = strang(server.env, "backup", str(tmp_path / "backup"))
        writer.join()
    assert result.returncode == 0, result.stderr
    assert "Backed up 3 files" in result.stdout

    manifest = ops.Manifest.load(tmp_path / "backup" / "manifest.json")
    assert set(manifest.blobs) == set(files)
    assert manifest.counts["user_account"] == 1
    assert 200 <= manifest.counts["outcome"] <= 400

    fresh = base_settings(tmp_path / "fresh")
    env = server_env(fresh)
    restored = strang(env, "restore", str(tmp_path / "backup"))
    assert restored.returncode == 0, restored.stderr
    again = strang(env, "restore", str(tmp_path / "backup"))
    assert again.returncode == 1 and "--force" in again.stderr

    with sqlite3.connect(fresh.data_dir / "strang.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {row[0] for row in conn.execute("SELECT id FROM outcome")}
    assert len(stored) == manifest.counts["outcome"]
    assert _visits_counted(fresh) == len(stored)  # insights agree with the outcomes restored

    with running_server(fresh) as server:
        headers = login(server.url, rep.email)  # accounts came back too
        # Every acknowledged outcome is there: pushing it again is a duplicate, never applied.
        for start in range(0, 200, 100):
            statuses = push_all(server.url, headers, acknowledged[start : start + 100])
            assert set(statuses) == {"duplicate"}
        pulled = httpx.get(f"{server.url}/api/v1/sync/pull", headers=headers, timeout=30).json()
        assert [item["id"] for item in pulled["changes"]["leads"]] == [str(lead.id)]
    storage = LocalBlobStorage(fresh.blob_dir)
    for sha256, data in files.items():
        assert b"".join(storage.read(sha256)) == data


def test_restore_refuses_a_damaged_backup_and_changes_nothing(
    settings: Settings, factory: Factory, tmp_path: Path
) -> None:
    if not settings.is_sqlite:
        pytest.skip("SQLite backups only")
    factory.user(Role.admin)
    files = store_blobs(settings, 2)
    ops.backup(settings, tmp_path / "b")
    fresh = base_settings(tmp_path / "fresh")

    blob = next(iter(files))
    path = tmp_path / "b" / "blobs" / blob[:2] / blob[2:4] / blob
    original = path.read_bytes()
    path.write_bytes(b"X" + original[1:])
    with pytest.raises(ops.BackupError, match="damaged"):
        ops.restore(fresh, tmp_path / "b")
    path.write_bytes(original)

    with open(tmp_path / "b" / "strang.db", "r+b") as handle:
        handle.seek(5000)
        handle.write(b"\xde\xad\xbe\xef")
    with pytest.raises(ops.BackupError, match="SHA-256"):
        ops.restore(fresh, tmp_path / "b")
    assert not (fresh.data_dir / "strang.db").exists()

    with pytest.raises(ops.BackupError, match="not an empty folder"):
        ops.backup(settings, tmp_path / "b")


def test_restore_with_force_replaces_existing_data(
    settings: Settings, factory: Factory, tmp_path: Path
) -> None:
    if not settings.is_sqlite:
        pytest.skip("SQLite backups only")
    factory.user(Role.admin, email="kept@example.test")
    ops.backup(settings, tmp_path / "b")
    other = base_settings(tmp_path / "other")
    store_blobs(other, 1)
    (other.data_dir / "strang.db").write_bytes(b"not a database")
    with pytest.raises(ops.BackupError, match="--force"):
        ops.restore(other, tmp_path / "b")
    ops.restore(other, tmp_path / "b", force=True)
    with sqlite3.connect(other.data_dir / "strang.db") as conn:
        emails = [row[0] for row in conn.execute("SELECT email FROM user_account")]
    assert emails == ["kept@example.test"]
    assert not any(p.is_file() for p in other.blob_dir.rglob("*"))


def test_postgres_backup_copies_files_and_prints_pg_dump(
    settings: Settings, tmp_path: Path
) -> None:
    if settings.is_sqlite:
        pytest.skip("PostgreSQL only")
    store_blobs(settings, 1)
    result = strang(server_env(settings), "backup", str(tmp_path / "b"))
    assert result.returncode == 0, result.stderr
    assert "pg_dump" in result.stdout and "pg_restore" in result.stdout
    manifest = ops.verify(tmp_path / "b")
    assert manifest.database == "postgresql" and len(manifest.blobs) == 1
    assert manifest.schema_revision


def _visits_counted(settings: Settings) -> int:
    engine = make_engine(settings)
    try:
        catch_up(engine)
        with Session(engine) as session:
            query = select(func.coalesce(func.sum(InsightCount.n), 0)).where(
                InsightCount.kind == "all", InsightCount.grain == 1
            )
            return int(session.execute(query).scalar_one())
    finally:
        engine.dispose()
