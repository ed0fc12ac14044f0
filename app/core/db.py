"""Engine and the one database session dependency.

SQLite runs with WAL, foreign keys, a busy timeout and synchronous=FULL. Write requests open
their SQLite transaction with BEGIN IMMEDIATE so that two writers queue on the busy timeout
instead of failing when a read lock cannot be upgraded.

Connections: a request holds its pooled connection from its first query until the dependency
commits, across several hops onto worker threads (dependencies, the handler, the answer's
validation). So a process admits at most `SESSION_SLOTS` requests into a database session at a
time (plus the one gated writer), waiting on the event loop for a slot. Without that, requests
holding a connection could wait for a worker thread while the worker threads waited for a
connection, until the pool timed out (HTTP 500, "QueuePool limit ... reached"). The pool holds
two connections per slot (authentication may refresh the session's expiry on a second, short
connection) plus a few for what runs outside requests (`/readyz`, the push sender). FastAPI's
thread pool (40 threads) stays larger than the slots, so file downloads and other work that
needs no connection still find threads.
"""

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, TypeVar

import anyio
from fastapi import Depends, Request
from sqlalchemy import Engine, create_engine, event
from sqlmodel import Session

from app.core.settings import Settings

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SESSION_SLOTS = 16  # requests of one process inside a database session at once
POOL_SIZE = SESSION_SLOTS + 4
POOL_OVERFLOW = SESSION_SLOTS + 4  # PostgreSQL, 2 workers: at most 80 of its default 100


def make_engine(settings: Settings) -> Engine:
    if settings.is_sqlite:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            settings.database_url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=POOL_SIZE,
            max_overflow=POOL_OVERFLOW,
        )
        _configure_sqlite(engine)
        return engine
    url = settings.database_url
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(
        url, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW, pool_timeout=30, pool_pre_ping=True
    )


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
        # Gated writers come one at a time already: they skip the queue for a slot, so the
        # writer everyone waits for is never stuck behind the readers.
        async with _session_slots(request.app.state) if gate is None else _NO_SLOT:
            with Session(engine, expire_on_commit=False) as session:
                try:
                    yield session
                    # A limiter of its own: the commit never queues behind requests that are
                    # holding the shared pool's threads while they wait for this very commit.
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
    return _per_loop(state, "sqlite_write_gates", anyio.Lock)


_NO_SLOT = contextlib.nullcontext()


def _session_slots(state: Any) -> anyio.Semaphore:
    """`SESSION_SLOTS` database sessions per app and event loop, handed out first come first
    served."""
    return _per_loop(state, "session_slots", lambda: anyio.Semaphore(SESSION_SLOTS))


_Gate = TypeVar("_Gate")


def _per_loop(state: Any, name: str, make: Callable[[], _Gate]) -> _Gate:
    gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Gate] | None
    gates = getattr(state, name, None)
    if gates is None:
        gates = weakref.WeakKeyDictionary()
        setattr(state, name, gates)
    loop = asyncio.get_running_loop()
    if loop not in gates:
        gates[loop] = make()
    return gates[loop]


# scope="function": commit before the response is sent, so an answer means "durable".
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
