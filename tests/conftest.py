"""Shared fixtures: every test gets its own database, built by `alembic upgrade head`.

SQLite always; PostgreSQL too when STRANG_TEST_POSTGRES_URL names a server (any database on it;
tests create and drop their own).
"""

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlmodel import Session
from xdist.scheduler import LoadScopeScheduling

from app.core.migrations import upgrade
from app.core.settings import Settings
from app.main import create_app
from tests.factories import Factory

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
    smoke run): those go one test at a time, so they spread over the workers."""

    SPREAD_FILES = ("tests/bench/test_bench_smoke.py",)

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
    yield name
    pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def settings(backend: str, template_database: str, tmp_path: Path) -> Iterator[Settings]:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    if backend == "sqlite":
        for file in ("strang.db", "strang-insights.db"):  # main and insights files
            shutil.copy(Path(template_database) / file, data_dir / file)
        yield base_settings(data_dir)
        return
    name = f"strang_t_{uuid.uuid4().hex[:12]}"
    pg_execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_database}"')
    yield base_settings(data_dir, pg_database_url(name))
    pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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
