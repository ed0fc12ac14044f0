"""Engine and the one database session dependency.

SQLite runs with WAL, foreign keys, a busy timeout and synchronous=FULL. Write requests take
the write lock when their transaction begins (as BEGIN IMMEDIATE would), so that two writers
queue on the busy timeout instead of failing when a read lock cannot be upgraded.

The insights aggregates live in a second SQLite file, attached to every connection as
`insights`: derived data written by the insights roller (another process), which then never
waits for the main file's write lock, nor holds it (SQLite has one writer per file). Table names
are unqualified everywhere: SQLite finds each in the file that has it.

Connections: a request holds its pooled connection from its first query until the dependency
commits, across several hops onto worker threads (dependencies, the handler, the answer's
validation; a push or a pull makes one hop, `app.core.turns.one_hand_off`). So a process
admits at most `SESSION_SLOTS` requests into a database session at a time (plus the one gated
writer), waiting on the event loop for a slot (`app/core/turns.py`).
Without that, requests holding a connection could wait for a worker thread while the worker
threads waited for a connection, until the pool timed out (HTTP 500, "QueuePool limit ...
reached"). The pool holds two connections per slot (authentication may refresh the session's
expiry on a second, short connection) plus a few for what runs outside requests (`/readyz`, the
push sender). FastAPI's thread pool (40 threads) stays larger than the slots, so file downloads
and other work that needs no connection still find threads.
"""

import contextlib
import functools
import sqlite3
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Annotated, Any, TypeVar, TypeVarTuple

from fastapi import Depends, Request
from sqlalchemy import Engine, Row, Select, Table, create_engine, event
from sqlalchemy.exc import IntegrityError, InvalidRequestError, OperationalError
from sqlalchemy.sql.selectable import GenerativeSelect
from sqlmodel import Session, SQLModel

from app.core import errors
from app.core.settings import Settings
from app.core.turns import (
    SERIAL,
    SESSION_SLOTS,
    SHEDDABLE,
    busy,
    commit,
    grouped_write,
    session_turn,
    sqlite_write_turn,
)

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
POOL_SIZE = SESSION_SLOTS + 4
POOL_OVERFLOW = SESSION_SLOTS + 4  # PostgreSQL, 2 workers: at most 80 of its default 100
WAL_KEEP_BYTES = 64 * 1024 * 1024


def make_engine(settings: Settings) -> Engine:
    if settings.is_sqlite:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            settings.database_url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=POOL_SIZE,
            max_overflow=POOL_OVERFLOW,
        )
        _configure_sqlite(engine, settings.insights_file)
        return engine
    url = settings.database_url
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(
        url, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW, pool_timeout=30, pool_pre_ping=True
    )


def _configure_sqlite(engine: Engine, insights_file: Path) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("ATTACH DATABASE ? AS insights", (str(insights_file),))
        for schema in ("main", "insights"):
            cursor.execute(f"PRAGMA {schema}.journal_mode=WAL")
            cursor.execute(f"PRAGMA {schema}.synchronous=FULL")
            # Under full load readers rarely leave the WAL a moment to restart (46 MB after
            # the sync bench); when it does restart, give the disk space back.
            cursor.execute(f"PRAGMA {schema}.journal_size_limit={WAL_KEEP_BYTES}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        if mode == "IMMEDIATE":
            # BEGIN IMMEDIATE would take the write lock of the attached insights file too,
            # stalling the insights roller for the whole transaction; a write statement
            # (that changes nothing) takes the main file's lock alone.
            _begin_writing_main(conn.connection.dbapi_connection)
        else:
            conn.exec_driver_sql(f"BEGIN {mode}")


# Any write statement takes its file's write lock, for the rest of the transaction;
# `alembic_version` exists in every migrated database.
LOCK_MAIN = "UPDATE main.alembic_version SET version_num = version_num WHERE 0"


def _begin_writing_main(dbapi_conn: Any) -> None:
    dbapi_conn.execute("BEGIN")
    try:
        dbapi_conn.execute(LOCK_MAIN)
    except sqlite3.OperationalError as error:
        if "no such table" not in str(error):
            dbapi_conn.execute("ROLLBACK")
            raise
        dbapi_conn.execute("ROLLBACK")  # a database before its first migration
        dbapi_conn.execute("BEGIN IMMEDIATE")


def read_engine(engine: Engine) -> Engine:
    """An engine view whose SQLite transactions start deferred: read-mostly requests, and the
    insights roller, whose first statement (a write to the insights file) then locks that file
    alone."""
    return engine.execution_options(sqlite_begin="DEFERRED")


async def get_session(request: Request) -> AsyncIterator[Session]:
    """Commit at the end of a successful request, roll back on any error.

    On SQLite (and for routes marked `serial_writes`), write requests of a process take turns
    here, on the event loop, before their transaction begins. Waiting for the database lock
    instead would hold a worker thread each; FastAPI validates a sync handler's answer on a
    worker thread before this dependency commits, so with every worker waiting, the lock holder
    could not finish (under 50 pushing phones: stalls of the whole busy timeout, then
    "database is locked"; on PostgreSQL, pushes queued on the clock's row lock stalled alike).
    """
    engine: Engine = request.app.state.engine
    endpoint = request.scope.get("endpoint")
    if request.method in READ_METHODS:
        engine = request.app.state.read_engine
    elif getattr(endpoint, SERIAL, False):
        async with grouped_write(request.app.state, engine) as session:
            yield session
        return
    elif engine.dialect.name == "sqlite":
        async with sqlite_write_turn(request.app.state), _transaction(engine) as session:
            yield session
        return
    shed = getattr(endpoint, SHEDDABLE, False)
    async with session_turn(request.app.state, shed=shed), _transaction(engine) as session:
        yield session


@contextlib.asynccontextmanager
async def _transaction(engine: Engine) -> AsyncIterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            if session.in_transaction():  # not committed by the handler's thread already
                await commit(session)
        except IntegrityError as error:
            # The checks before a write cannot see another request's uncommitted row (two
            # admins adding one email at once); the unique index decides, and the loser hears
            # why instead of a 500.
            session.rollback()
            raise errors.Conflict(CONCURRENT_DUPLICATE, code="concurrent_duplicate") from error
        except BaseException:
            session.rollback()
            raise


CONCURRENT_DUPLICATE = (
    "another request saved the same unique value (an email, a reference, a code) a moment ago;"
    " reload and try again"
)


# FOR NO KEY UPDATE: what an UPDATE of non-key columns takes anyway. FOR UPDATE would also
# block inserts whose foreign keys name the row (an outcome naming its rep) until commit, and a
# push holding the sync clock while inserting one would deadlock with us waiting for the clock.
# The one lock writers take on rows that decide whom a change concerns (SQLite: a writer
# holds the database already, and the clause is left out).
NO_KEY_UPDATE = {"key_share": True}
_Query = TypeVar("_Query", bound=GenerativeSelect)
_Columns = TypeVarTuple("_Columns")


def locked(query: _Query) -> _Query:
    """`query` with its rows locked until commit (`NO_KEY_UPDATE`)."""
    return query.with_for_update(key_share=True)


LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's answer to NOWAIT on a row another writer holds


def locked_now_or_busy(
    session: Session, query: Select[*_Columns], params: dict[str, Any] | None = None
) -> Sequence[Row[*_Columns]]:
    """`query`'s rows locked until commit, without waiting: a row another transaction holds
    answers 503 (come back in a second), the request's writes taken back with it.

    For a push, which holds its turn (the writers' lock, shared) from its start: waiting there
    for a row that a marketing writer holds while that writer waits for the writers' lock
    closes a circle, which PostgreSQL breaks after a second by failing one of the two."""
    try:
        return session.execute(_locked_now(query), params).all()
    except OperationalError as error:
        if getattr(error.orig, "sqlstate", None) == LOCK_NOT_AVAILABLE:
            raise busy(1) from None
        raise


@functools.lru_cache(maxsize=64)  # the locked form of a statement built once is built once
def _locked_now(query: Select[*_Columns]) -> Select[*_Columns]:
    return query.with_for_update(key_share=True, nowait=True)


def read_locked(session: Session, row: SQLModel, not_found: str) -> None:
    """Read `row` again, locked until commit (PostgreSQL; a SQLite writer holds the database).

    For a write that decides from the row's current values whom to tell (the rep a lead
    leaves, whether a rep's audience changed): read from what the request loaded earlier, two
    such writes racing would both decide from the first state. `not_found` is the 404's text
    when the row was deleted meanwhile."""
    try:
        session.refresh(row, with_for_update=NO_KEY_UPDATE)
    except InvalidRequestError:
        raise errors.NotFound(not_found, code="not_found") from None


def table_of(model: type[SQLModel]) -> Table:
    """The Core table behind a model (for bulk statements without the ORM's per-row cost)."""
    return model.__table__  # type: ignore[attr-defined]


# scope="function": commit before the response is sent, so an answer means "durable".
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
