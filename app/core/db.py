"""Engine and the one database session dependency.

SQLite runs with WAL, foreign keys, a busy timeout and synchronous=FULL. Write requests open
their SQLite transaction with BEGIN IMMEDIATE so that two writers queue on the busy timeout
instead of failing when a read lock cannot be upgraded.
"""

import asyncio
import weakref
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, TypeVar

import anyio
from fastapi import Depends, Request
from sqlalchemy import Engine, create_engine, event
from sqlmodel import Session

from app.core.settings import Settings

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def make_engine(settings: Settings) -> Engine:
    if settings.is_sqlite:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            settings.database_url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=8,
            max_overflow=16,
        )
        _configure_sqlite(engine)
        return engine
    url = settings.database_url
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")


def read_engine(engine: Engine) -> Engine:
    """An engine view whose SQLite transactions start deferred (read-mostly requests)."""
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
    gate = None
    if request.method in READ_METHODS:
        engine = request.app.state.read_engine
    elif engine.dialect.name == "sqlite" or getattr(request.scope.get("endpoint"), SERIAL, False):
        gate = _write_gate(request.app.state)
        await gate.acquire()
    try:
        with Session(engine, expire_on_commit=False) as session:
            try:
                yield session
                await anyio.to_thread.run_sync(session.commit, limiter=anyio.CapacityLimiter(1))
            except BaseException:
                session.rollback()
                raise
    finally:
        if gate is not None:
            gate.release()


SERIAL = "strang_serial_writes"
_Handler = TypeVar("_Handler", bound=Callable[..., Any])


def serial_writes(handler: _Handler) -> _Handler:
    """Mark a route whose writes run one at a time anyway (it takes a global row lock): on
    PostgreSQL too its requests then queue on the event loop, not on worker threads."""
    setattr(handler, SERIAL, True)
    return handler


def _write_gate(state: Any) -> anyio.Lock:
    """One lock per app and event loop (tests drive one app from several loops)."""
    gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.Lock] | None
    gates = getattr(state, "sqlite_write_gates", None)
    if gates is None:
        gates = state.sqlite_write_gates = weakref.WeakKeyDictionary()
    loop = asyncio.get_running_loop()
    if loop not in gates:
        gates[loop] = anyio.Lock()
    return gates[loop]


# scope="function": commit before the response is sent, so an answer means "durable".
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
