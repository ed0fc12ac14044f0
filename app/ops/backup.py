"""Online backup and checked restore of a Strang data folder.

A backup is a folder:
- `strang.db`: a consistent copy of the SQLite database, taken with SQLite's online backup API
  while the app keeps serving (readers and writers are not stopped; the copy is one snapshot);
- `strang-insights.db`: the same of the insights file (app/core/db.py), taken after the main
  one: it may know of outcomes the main copy lacks, which `restore` takes back out
  (`app.insights.rebuild.reconcile`);
- `blobs/ab/cd/<sha256>`: every stored file (content-addressed, written once, never changed);
- `manifest.json`: format, time, schema revision, row counts, the SHA-256 of `strang.db` and
  every blob's size.
The database is copied first and the blobs second: a blob is stored before the row that names
it is committed, and blobs are never rewritten, so every file the copied database refers to is
already on disk when the blobs are copied.

On PostgreSQL the database is backed up with `pg_dump` (see `postgres_commands`); the blobs and
the manifest are written here the same way.

`restore` checks the manifest, the database file's hash, `PRAGMA integrity_check` and every
blob's hash before it touches the data folder, and refuses a data folder that already holds a
database or files unless forced.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from app.core.settings import Settings
from app.core.storage import LocalBlobStorage, is_sha256

FORMAT = "strang-backup/1"
DB_FILE = "strang.db"
INSIGHTS_FILE = "strang-insights.db"
MANIFEST = "manifest.json"
BLOBS = "blobs"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """The backup cannot be written or restored; the message says why."""


@dataclass
class Manifest:
    format: str
    created_at: str
    database: str  # "sqlite" | "postgresql"
    schema_revision: str | None
    counts: dict[str, int] = field(default_factory=dict)
    db_sha256: str | None = None
    blobs: dict[str, int] = field(default_factory=dict)  # sha256 -> size
    insights_sha256: str | None = None  # backups since the insights file (revision 0008)

    def to_json(self) -> str:
        return json.dumps(self.__dict__, indent=2, sort_keys=True)

    @classmethod
    def load(cls, path: Path) -> "Manifest":
        try:
            data: dict[str, Any] = json.loads(path.read_text())
            manifest = cls(**data)
        except (OSError, ValueError, TypeError) as exc:
            raise BackupError(f"{path}: not a readable Strang backup manifest ({exc})") from exc
        if manifest.format != FORMAT:
            raise BackupError(f"{path}: unknown backup format {manifest.format!r}")
        return manifest


def sqlite_path(settings: Settings) -> Path:
    if not settings.sqlite_file.name:
        raise BackupError("The SQLite URL names no file")
    return settings.sqlite_file


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _prepare_target(target: Path) -> None:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"{target} exists and is not an empty folder")
    target.mkdir(parents=True, exist_ok=True)


def snapshot_sqlite(source: Path, target: Path) -> None:
    if not source.is_file():
        raise BackupError(f"No database at {source}")
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.execute("PRAGMA busy_timeout=30000")
        src.backup(dst)  # one consistent snapshot, even while the app writes
        dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
    finally:
        dst.close()
        src.close()


def _describe_sqlite(path: Path) -> tuple[str | None, dict[str, int]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                " ORDER BY name"
            )
        ]
        counts = {t: int(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in tables}
        revision = None
        if "alembic_version" in tables:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
        return revision, counts
    finally:
        conn.close()


def _copy_blobs(source_root: Path, target_root: Path) -> dict[str, int]:
    copied = {}
    target = LocalBlobStorage(target_root)
    for sha256, path in sorted(LocalBlobStorage(source_root).files().items()):
        dest = target.path(sha256)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
        copied[sha256] = dest.stat().st_size
    return copied


def postgres_commands(settings: Settings, target: Path) -> list[str]:
    """The `pg_dump` / `pg_restore` commands for the configured PostgreSQL database."""
    url = make_url(settings.database_url)
    parts = [f"-h {url.host or 'localhost'}", f"-p {url.port or 5432}"]
    if url.username:
        parts.append(f"-U {url.username}")
    conn = " ".join(parts)
    dump = target / "strang.pgdump"
    return [
        f"pg_dump {conn} -Fc -d {url.database} -f {dump}",
        f"pg_restore {conn} --clean --if-exists --no-owner -d {url.database} {dump}",
    ]


def backup(settings: Settings, target: Path) -> Manifest:
    """Write a backup of the running (or stopped) instance into the empty folder `target`."""
    _prepare_target(target)
    created = datetime.now(UTC).isoformat(timespec="seconds")
    if settings.is_sqlite:
        db_copy, insights_copy = target / DB_FILE, target / INSIGHTS_FILE
        snapshot_sqlite(sqlite_path(settings), db_copy)
        snapshot_sqlite(settings.insights_file, insights_copy)  # second: see the docstring
        revision, counts = _describe_sqlite(db_copy)
        counts.update(_describe_sqlite(insights_copy)[1])
        manifest = Manifest(FORMAT, created, "sqlite", revision, counts, file_sha256(db_copy))
        manifest.insights_sha256 = file_sha256(insights_copy)
    else:
        manifest = Manifest(FORMAT, created, "postgresql", _pg_revision(settings))
    manifest.blobs = _copy_blobs(settings.blob_dir, target / BLOBS)
    (target / MANIFEST).write_text(manifest.to_json())
    return manifest


def _pg_revision(settings: Settings) -> str | None:
    from app.core.db import make_engine
    from app.core.migrations import current_revision

    engine = make_engine(settings)
    try:
        return current_revision(engine)
    finally:
        engine.dispose()


def verify(source: Path) -> Manifest:
    """Check a backup folder without restoring it; raise BackupError naming the first problem."""
    manifest = Manifest.load(source / MANIFEST)
    if manifest.database == "sqlite":
        _verify_sqlite(source / DB_FILE, manifest.db_sha256)
        if manifest.insights_sha256 is not None:
            _verify_sqlite(source / INSIGHTS_FILE, manifest.insights_sha256)
    blobs = LocalBlobStorage(source / BLOBS)
    for sha256, size in manifest.blobs.items():
        path = blobs.path(sha256) if is_sha256(sha256) else None
        if path is None or not path.is_file():
            raise BackupError(f"File {sha256} is missing from the backup")
        if path.stat().st_size != size or file_sha256(path) != sha256:
            raise BackupError(f"File {sha256} is damaged")
    return manifest


def _verify_sqlite(copy: Path, sha256: str | None) -> None:
    if not copy.is_file():
        raise BackupError(f"{copy} is missing")
    if file_sha256(copy) != sha256:
        raise BackupError(f"{copy} does not match the manifest's SHA-256")
    conn = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    try:
        result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()
    if result != ["ok"]:
        raise BackupError(f"{copy} fails the integrity check: {'; '.join(result[:5])}")


def _data_folder_in_use(settings: Settings) -> list[str]:
    used = []
    if settings.is_sqlite:
        for db in (sqlite_path(settings), settings.insights_file):
            if db.exists() and db.stat().st_size > 0:
                used.append(str(db))
    if LocalBlobStorage(settings.blob_dir).files():
        used.append(str(settings.blob_dir))
    return used


def restore(settings: Settings, source: Path, *, force: bool = False) -> Manifest:
    """Check the backup in `source`, then put it in place of the configured data."""
    manifest = verify(source)
    if manifest.database == "sqlite" and not settings.is_sqlite:
        raise BackupError("This is a SQLite backup; STRANG_DATABASE_URL names PostgreSQL")
    if manifest.database == "postgresql" and settings.is_sqlite:
        raise BackupError("This is a PostgreSQL backup; restore the database with pg_restore")
    in_use = _data_folder_in_use(settings)
    if in_use and not force:
        raise BackupError(f"Refusing to overwrite existing data ({', '.join(in_use)}); use --force")
    if settings.is_sqlite:
        _put_in_place(source / DB_FILE, sqlite_path(settings))
        if manifest.insights_sha256 is not None:
            _put_in_place(source / INSIGHTS_FILE, settings.insights_file)
        else:  # from before the insights file: `strang db upgrade` makes it
            _put_in_place(None, settings.insights_file)
    if force and settings.blob_dir.is_dir():
        for sha256, path in LocalBlobStorage(settings.blob_dir).files().items():
            if sha256 not in manifest.blobs:
                path.unlink()
    _copy_blobs(source / BLOBS, settings.blob_dir)
    if settings.is_sqlite and manifest.insights_sha256 is not None:
        _reconcile_insights(settings)
    return manifest


def _put_in_place(copy: Path | None, db: Path) -> None:
    """Replace the database file `db` by `copy` (None: remove it), its journals with it."""
    db.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    if copy is None:
        db.unlink(missing_ok=True)
        return
    fd, name = tempfile.mkstemp(dir=db.parent, prefix=".restore-", suffix=".db")
    os.close(fd)
    shutil.copyfile(copy, name)
    with open(name, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(name, db)


def _reconcile_insights(settings: Settings) -> None:
    from sqlmodel import Session

    from app.core.db import make_engine
    from app.insights.rebuild import reconcile

    engine = make_engine(settings)
    try:
        with Session(engine) as session:
            reconcile(session)
            session.commit()
    finally:
        engine.dispose()
