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
import functools
import math
import sqlite3
import time
import weakref
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, TypeVar

import anyio
from fastapi import Depends, Request
from sqlalchemy import Engine, Table, create_engine, event
from sqlalchemy.exc import IntegrityError, InvalidRequestError
from sqlalchemy.sql.selectable import GenerativeSelect
from sqlmodel import Session, SQLModel

from app.core import errors
from app.core.settings import Settings

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SESSION_SLOTS = 16  # requests of one process inside a database session at once
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
        async with _grouped_write(request.app.state, engine) as session:
            yield session
        return
    elif engine.dialect.name == "sqlite":
        async with _write_gate(request.app.state):
            await _close_open_group(request.app.state)
            async with _transaction(engine) as session:
                yield session
        return
    slots = _session_slots(request.app.state)
    if getattr(endpoint, SHEDDABLE, False):
        _refuse_when_full(request.app.state, slots, "read_pace", SESSION_SLOTS)
    async with slots, _paced(request.app.state, "read_pace"), _transaction(engine) as session:
        yield session


@contextlib.asynccontextmanager
async def _transaction(engine: Engine) -> AsyncIterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            await _commit(session)
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


async def _commit(session: Session) -> None:
    # A limiter of its own: the commit never queues behind requests that are holding the
    # shared pool's threads while they wait for this very commit.
    await anyio.to_thread.run_sync(session.commit, limiter=anyio.CapacityLimiter(1))


# --- group commit ----------------------------------------------------------------------------
#
# Requests of `serial_writes` routes run one at a time anyway, so while one holds the write
# gate the next ones queue behind it. Instead of committing, the holder leaves its transaction
# open for the next one in line, which continues it; the last of such a run commits for all,
# and every member answers only after that commit. One commit (one fsync, one set of dirtied
# pages) then carries several requests. A member's handler writes inside a savepoint of its
# own (opened by `serial_writes`), so a member that fails takes back only its own writes.

GROUP_LIMIT = 8  # requests per commit at most: a bound on the latency a member can add


@dataclass(eq=False)
class _WriteGroup:
    session: Session
    members: int = 0
    done: anyio.Event = field(default_factory=anyio.Event)
    error: BaseException | None = None


# --- shedding --------------------------------------------------------------------------------
#
# Under overload, a push that would wait longer than `write_queue_seconds` for its turn is told
# at once to come back (503 with Retry-After) instead of queueing for seconds: the phone keeps
# it in its outbox and tries again after that time, with jitter. The wait is estimated from the
# requests ahead and how long each held the gate lately. Pulls (`sheddable`) are refused alike
# when the process's database sessions are all taken and the queue for them is that long.

BUSY = "The server is busy; your changes are kept and sent again shortly"


class _Pace:
    hold: float | None = None  # seconds a member holds the gate, smoothed over recent ones

    def record(self, seconds: float) -> None:
        self.hold = seconds if self.hold is None else self.hold + 0.2 * (seconds - self.hold)


def _refuse_when_full(
    state: Any, gate: anyio.Lock | anyio.Semaphore, pace: str, holders: int = 1
) -> None:
    """Refuse (503) when the wait for `gate`, which `holders` requests hold at once, would
    exceed `write_queue_seconds`."""
    limit: float = state.settings.write_queue_seconds
    hold = _per_loop(state, pace, _Pace).hold
    full = gate.locked() if isinstance(gate, anyio.Lock) else gate.value == 0
    if limit <= 0 or hold is None or not full:
        return
    wait = (gate.statistics().tasks_waiting + 1) * hold / holders
    if wait > limit:
        raise busy(wait)


@contextlib.asynccontextmanager
async def _paced(state: Any, pace: str) -> AsyncIterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        _per_loop(state, pace, _Pace).record(time.perf_counter() - started)


def busy(wait: float) -> errors.ServiceUnavailable:
    """Come back in `wait` seconds (at least one): the phone keeps its changes meanwhile."""
    seconds = max(1, math.ceil(wait))
    return errors.ServiceUnavailable(
        BUSY, headers={"Retry-After": str(seconds)}, code="busy", params={"seconds": seconds}
    )


@contextlib.asynccontextmanager
async def _grouped_write(state: Any, engine: Engine) -> AsyncIterator[Session]:
    gate = _write_gate(state)
    _refuse_when_full(state, gate, "write_pace")
    await gate.acquire()
    started = time.perf_counter()
    try:
        group = _take_open_group(state)
        if group is None:
            group = _WriteGroup(Session(engine, expire_on_commit=False))
        try:
            yield group.session
        except BaseException:
            if group.members == 0:  # nothing of others to keep
                group.session.rollback()
                group.session.close()
                group.done.set()
                raise
            await _finish(group)  # the others' writes stand; this one's savepoint is gone
            raise
        group.members += 1
        if gate.statistics().tasks_waiting and group.members < GROUP_LIMIT:
            _per_loop(state, "open_groups", _Slot).group = group
        else:
            await _finish(group)
    finally:
        _per_loop(state, "write_pace", _Pace).record(time.perf_counter() - started)
        gate.release()
    with anyio.CancelScope(shield=True):  # the group outlives a client that went away
        await _await_commit(state, gate, group)
    if group.error is not None:
        raise group.error


class _Slot:
    group: "_WriteGroup | None" = None


def _take_open_group(state: Any) -> _WriteGroup | None:
    slot = _per_loop(state, "open_groups", _Slot)
    group, slot.group = slot.group, None
    return group


async def _finish(group: _WriteGroup) -> None:
    try:
        await _commit(group.session)
    except BaseException as error:
        group.error = error
        group.session.rollback()
        raise
    finally:
        group.session.close()
        group.done.set()


async def _close_open_group(state: Any) -> None:
    """Commit a group left open for a next member that is not coming (called holding the
    gate)."""
    group = _take_open_group(state)
    if group is not None:
        with contextlib.suppress(Exception):  # its members report the error
            await _finish(group)


async def _await_commit(state: Any, gate: anyio.Lock, group: _WriteGroup) -> None:
    """Wait for the group's commit; should the request it was left open for have gone away
    (the gate free, the group still open), commit it here."""
    while not group.done.is_set():
        with anyio.move_on_after(0.05):
            await group.done.wait()
        if not group.done.is_set() and not gate.locked():
            async with gate:
                await _close_open_group(state)


SERIAL = "strang_serial_writes"
SHEDDABLE = "strang_sheddable"
_Handler = TypeVar("_Handler", bound=Callable[..., Any])


def serial_writes(handler: _Handler) -> _Handler:
    """Mark a (sync) route whose writes run one at a time anyway (it takes a global row lock):
    on PostgreSQL too its requests then queue on the event loop, not on worker threads, and
    requests in line share commits (see "group commit" above). Each request's writes run in
    a savepoint of their own, so one that fails leaves the others of its group intact; the
    handler must not commit."""

    @functools.wraps(handler)
    def in_savepoint(*args: Any, **kwargs: Any) -> Any:
        session = next(value for value in kwargs.values() if isinstance(value, Session))
        with session.begin_nested():
            return handler(*args, **kwargs)

    setattr(in_savepoint, SERIAL, True)
    return in_savepoint  # type: ignore[return-value]


def sheddable(handler: _Handler) -> _Handler:
    """Mark a read route whose callers come back by themselves (the phone's pull): when more
    requests wait for a database session than the process serves within
    `write_queue_seconds`, it answers 503 + Retry-After at once instead of queueing."""
    setattr(handler, SHEDDABLE, True)
    return handler


# FOR NO KEY UPDATE: what an UPDATE of non-key columns takes anyway. FOR UPDATE would also
# block inserts whose foreign keys name the row (an outcome naming its rep) until commit, and a
# push holding the sync clock while inserting one would deadlock with us waiting for the clock.
# The one lock writers take on rows that decide whom a change concerns (SQLite: a writer
# holds the database already, and the clause is left out).
NO_KEY_UPDATE = {"key_share": True}
_Query = TypeVar("_Query", bound=GenerativeSelect)


def locked(query: _Query) -> _Query:
    """`query` with its rows locked until commit (`NO_KEY_UPDATE`)."""
    return query.with_for_update(key_share=True)


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


def _write_gate(state: Any) -> anyio.Lock:
    """One lock per app and event loop (tests drive one app from several loops)."""
    return _per_loop(state, "sqlite_write_gates", anyio.Lock)


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
