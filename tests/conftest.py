"""Shared fixtures: every test gets its own database, built by `alembic upgrade head`.

SQLite always; PostgreSQL too when STRANG_TEST_POSTGRES_URL names a server (any database on it;
tests create and drop their own).
"""

import itertools
import os
import queue
import shutil
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlmodel import Session
from xdist.scheduler import LoadScopeScheduling

from app.core.migrations import upgrade
from app.core.security import use_password_hashing
from app.core.settings import Settings
from app.main import create_app
from tests.factories import Factory
from tests.server import keep_compiled_python

keep_compiled_python()

# Argon2id as in production, at the smallest cost: the tests prove who may log in, not how hard
# a stolen hash is to crack, and a login at production cost (~0.2 s of CPU) adds up to minutes
# over the suite. Hashes carry their own cost, so the demo data seeded here (and copied into
# the browser tests' servers) verifies as cheaply; production keeps `PasswordHash.recommended()`.
TEST_ARGON2 = Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1)
use_password_hashing(PasswordHash((TEST_ARGON2,)))

PG_URL = os.environ.get("STRANG_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite"] + (["postgres"] if PG_URL else [])


def pg_admin_url() -> str:
    return make_url(PG_URL).set(drivername="postgresql").render_as_string(hide_password=False)


def pg_database_url(name: str) -> str:
    return (
        make_url(PG_URL)
        .set(drivername="postgresql+psycopg", database=name)
        .render_as_string(hide_password=False)
    )


def pg_execute(sql: str) -> None:
    with psycopg.connect(pg_admin_url(), autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


class PostgresCopies:
    """Copies of a template database made ahead and used ones dropped, on a thread of their own.

    On PostgreSQL 15 a `DROP DATABASE` waits for every backend of the server to acknowledge it
    (seconds on a busy one) and a `CREATE DATABASE … TEMPLATE` takes a while too; a test waits
    for neither. Every test still gets a database no other test has touched."""

    def __init__(self, template: str, ahead: int = 2) -> None:
        self.template = template
        self.ready: queue.Queue[str | BaseException] = queue.Queue()
        # (0, n, "") makes a copy, before any (1, n, name) drops one; (2, n, None) ends the thread
        self.jobs: queue.PriorityQueue[tuple[int, int, str | None]] = queue.PriorityQueue()
        self.queued = itertools.count()
        self.failed_drops: list[BaseException] = []
        self.thread = threading.Thread(target=self._work, name="pg-copies", daemon=True)
        self.thread.start()
        for _ in range(ahead):
            self._put(0, "")

    def _put(self, priority: int, job: str | None) -> None:
        self.jobs.put((priority, next(self.queued), job))

    def _work(self) -> None:
        with psycopg.connect(pg_admin_url(), autocommit=True) as conn:
            while (job := self.jobs.get()[2]) is not None:
                name = job or f"strang_t_{uuid.uuid4().hex[:12]}"
                sql = (
                    f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
                    if job
                    else f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"'
                )
                try:
                    conn.execute(sql)  # type: ignore[arg-type]
                except Exception as error:  # to `close`, or to the test waiting for a copy
                    if job:
                        self.failed_drops.append(error)
                    else:
                        self.ready.put(error)
                    continue
                if not job:
                    self.ready.put(name)

    def take(self) -> str:
        self._put(0, "")  # the next test's copy, made before the drops that wait
        got = self.ready.get(timeout=300)
        if isinstance(got, BaseException):
            raise got
        return got

    def drop(self, name: str) -> None:
        self._put(1, name)

    def close(self) -> None:
        """Drops the copies made ahead and waits for every drop."""
        self._put(2, None)
        self.thread.join()
        while not self.ready.empty():
            left = self.ready.get()
            if isinstance(left, str):
                pg_execute(f'DROP DATABASE IF EXISTS "{left}" WITH (FORCE)')
        if self.failed_drops:
            raise self.failed_drops[0]


COPIES: dict[str, PostgresCopies] = {}


def base_settings(data_dir: Path, database_url: str = "", **overrides: object) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        environment="test",
        data_dir=data_dir,
        database_url=database_url,
        # pushes wait for their turn however long: tests that push in parallel prove ordering
        # and exactly-once; shedding has tests of its own (tests/sync/test_overload.py)
        **{"write_queue_seconds": 0, **overrides},  # type: ignore[arg-type]
    )


class FileScheduling(LoadScopeScheduling):
    """Hands the xdist workers one test file at a time, so a file's module-scoped servers start
    once, except the files whose tests are each a long, independent run (every benchmark's
    smoke run, the schema fuzzing per role and database): those go one test at a time, so they
    spread over the workers."""

    SPREAD_FILES = ("tests/bench/test_bench_smoke.py", "tests/fuzz/test_api_schema.py")

    def _split_scope(self, nodeid: str) -> str:
        path = nodeid.split("::", 1)[0]
        return nodeid if path in self.SPREAD_FILES else path


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> FileScheduling:
    return FileScheduling(config, log)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def template_database(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database at migration head, copied for each test (a file, or a PostgreSQL template)."""
    if backend == "sqlite":
        folder = tmp_path_factory.mktemp("template")
        upgrade(base_settings(folder))
        yield str(folder)
        return
    name = f"strang_tpl_{uuid.uuid4().hex[:12]}"
    pg_execute(f'CREATE DATABASE "{name}"')
    upgrade(base_settings(tmp_path_factory.mktemp("pgtpl"), pg_database_url(name)))
    COPIES[name] = PostgresCopies(name)
    yield name
    COPIES.pop(name).close()
    pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def database_copy(backend: str, template_database: str, folder: Path) -> Iterator[Settings]:
    """Settings for a fresh copy of the template database, dropped afterwards."""
    data_dir = folder / "data"
    data_dir.mkdir()
    if backend == "sqlite":
        for file in ("strang.db", "strang-insights.db"):  # main and insights files
            shutil.copy(Path(template_database) / file, data_dir / file)
        yield base_settings(data_dir)
        return
    copies = COPIES[template_database]
    name = copies.take()
    try:
        yield base_settings(data_dir, pg_database_url(name))
    finally:
        copies.drop(name)


@pytest.fixture
def settings(backend: str, template_database: str, tmp_path: Path) -> Iterator[Settings]:
    with database_copy(backend, template_database, tmp_path) as fresh:
        yield fresh


@pytest.fixture(scope="module")
def module_settings(
    backend: str, template_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Settings]:
    """One database for a module whose tests each make their own users and rows, for a module
    that shares one server over its tests (override `settings` with it)."""
    with database_copy(backend, template_database, tmp_path_factory.mktemp("module")) as shared:
        yield shared


@pytest.fixture
def app(settings: Settings) -> Iterator[FastAPI]:
    application = create_app(settings)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def engine(app: FastAPI) -> Engine:
    return app.state.engine  # type: ignore[no-any-return]


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://127.0.0.1:8000") as test_client:
        yield test_client


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    """A session for arranging and checking state directly; commit what you arrange."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def factory(db: Session, client: TestClient) -> Factory:
    return Factory(db, client)
