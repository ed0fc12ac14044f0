"""Requests' turns for the database: the write gate, group commit and shedding.

All of it runs on the event loop, before a request's transaction begins (`app.core.db`'s
session dependency takes the turn, then opens the session): waiting here costs no worker
thread and no pooled connection.
"""

import asyncio
import contextlib
import functools
import math
import time
import weakref
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import anyio
from pydantic import BaseModel
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from app.core import errors

SESSION_SLOTS = 16  # requests of one process inside a database session at once


async def commit(session: Session) -> None:
    # A limiter of its own: the commit never queues behind requests that are holding the
    # shared pool's threads while they wait for this very commit.
    await anyio.to_thread.run_sync(session.commit, limiter=anyio.CapacityLimiter(1))


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


# --- group commit ----------------------------------------------------------------------------
#
# Requests of `serial_writes` routes run one at a time anyway, so while one holds the write
# gate the next ones queue behind it. Instead of committing, the holder leaves its transaction
# open for the next one in line, which continues it; the last of such a run commits for all,
# and every member answers only after that commit. One commit (one fsync, one set of dirtied
# pages) then carries several requests. A member's handler writes inside a savepoint of its
# own (opened by `serial_writes`), so a member that fails takes back only its own writes. A
# request that opens a group with nobody in line behind it commits on the worker thread that
# ran its handler, sparing a hand-off (the usual case below full load).

GROUP_LIMIT = 8  # requests per commit at most: a bound on the latency a member can add


@dataclass(eq=False)
class _WriteGroup:
    session: Session
    members: int = 0
    done: anyio.Event = field(default_factory=anyio.Event)
    error: BaseException | None = None


@contextlib.asynccontextmanager
async def grouped_write(state: Any, engine: Engine) -> AsyncIterator[Session]:
    gate, line = _write_gate(state), _per_loop(state, "write_line", _Line)
    _refuse_when_full(state, gate, "write_pace")
    line.waiting += 1
    try:
        await gate.acquire()
    finally:
        line.waiting -= 1
    try:
        async with _paced(state, "write_pace"):
            group = _take_open_group(state) or _WriteGroup(Session(engine, expire_on_commit=False))
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
            if not group.session.in_transaction():  # committed by the handler's thread
                group.done.set()
            elif line.waiting and group.members < GROUP_LIMIT:
                _per_loop(state, "open_groups", _Slot).group = group
            else:
                await _finish(group)
    finally:
        gate.release()
    with anyio.CancelScope(shield=True):  # the group outlives a client that went away
        await _await_commit(state, gate, group)
    if group.error is not None:
        raise group.error


class _Line:
    waiting = 0  # requests waiting for their write turn (read by the holder's worker thread)


class _Slot:
    group: "_WriteGroup | None" = None


def _take_open_group(state: Any) -> _WriteGroup | None:
    slot = _per_loop(state, "open_groups", _Slot)
    group, slot.group = slot.group, None
    return group


async def _finish(group: _WriteGroup) -> None:
    try:
        await commit(group.session)
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


@contextlib.asynccontextmanager
async def sqlite_write_turn(state: Any) -> AsyncIterator[None]:
    """A SQLite write request's turn: one writer of the process at a time, after any group
    left open (its commit first)."""
    async with _write_gate(state):
        await _close_open_group(state)
        yield


@contextlib.asynccontextmanager
async def session_turn(state: Any, *, shed: bool) -> AsyncIterator[None]:
    """One of the process's `SESSION_SLOTS`; `shed`: refused at once (503) when the queue for
    them is longer than `write_queue_seconds`."""
    slots = _session_slots(state)
    if shed:
        _refuse_when_full(state, slots, "read_pace", SESSION_SLOTS)
    async with slots, _paced(state, "read_pace"):
        yield


SERIAL = "strang_serial_writes"
SHEDDABLE = "strang_sheddable"
_Handler = TypeVar("_Handler", bound=Callable[..., Any])


def one_hand_off(handler: _Handler) -> _Handler:
    """Mark a sync route (with a `Request` and a `Session` parameter) that signs its caller in
    itself (`app.auth.deps.signed_in_rep`); a model it answers is serialised on its thread.

    FastAPI hands each sync dependency, the handler, the answer's validation and the commit
    to a worker thread one by one, and each hand-off costs about as much CPU as a small query;
    here one hand-off runs the handler and the commit."""

    @functools.wraps(handler)
    async def in_one_hand_off(*args: Any, **kwargs: Any) -> Any:
        call = functools.partial(_answer_of, handler, args, kwargs)
        return await anyio.to_thread.run_sync(_run_and_commit, call, _argument(kwargs, Session))

    return in_one_hand_off  # type: ignore[return-value]


def serial_writes(handler: _Handler) -> _Handler:
    """Mark a sync route whose writes run one at a time anyway, made like a `one_hand_off`
    route: on PostgreSQL too its requests then queue on the event loop, not on worker threads,
    and requests in line share commits (see "group commit" above). The handler must not
    commit: its hand-off commits when no request waits behind it. A request that continues the
    transaction of requests before it writes in a savepoint of its own, so one that fails
    leaves the others of its group intact."""

    @functools.wraps(handler)
    async def in_turn(*args: Any, **kwargs: Any) -> Any:
        line = _per_loop(_argument(kwargs, Request).app.state, "write_line", _Line)
        call = functools.partial(_answer_of, handler, args, kwargs)
        return await anyio.to_thread.run_sync(_run_in_turn, call, _argument(kwargs, Session), line)

    setattr(in_turn, SERIAL, True)
    return in_turn  # type: ignore[return-value]


_Value = TypeVar("_Value")


def _argument(kwargs: dict[str, Any], kind: type[_Value]) -> _Value:
    return next(value for value in kwargs.values() if isinstance(value, kind))


def _answer_of(handler: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """The handler's answer; a model is serialised here, on its worker thread (FastAPI would
    validate it on one more hand-off, time in which a push holds the write gate)."""
    answer = handler(*args, **kwargs)
    if isinstance(answer, BaseModel):
        return Response(answer.model_dump_json(), media_type="application/json")
    return answer


def _run_and_commit(call: Callable[[], Any], session: Session) -> Any:
    answer = call()
    _commit_and_close(session)
    return answer


def _run_in_turn(call: Callable[[], Any], session: Session, line: _Line) -> Any:
    if session.in_transaction():  # a group's later member
        with session.begin_nested():
            return call()
    answer = call()
    if not line.waiting:  # read off the event loop: one arriving now opens the next group
        _commit_and_close(session)
    return answer


def _commit_and_close(session: Session) -> None:
    session.commit()
    session.close()


def sheddable(handler: _Handler) -> _Handler:
    """Mark a read route whose callers come back by themselves (the phone's pull): when more
    requests wait for a database session than the process serves within
    `write_queue_seconds`, it answers 503 + Retry-After at once instead of queueing."""
    setattr(handler, SHEDDABLE, True)
    return handler


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
