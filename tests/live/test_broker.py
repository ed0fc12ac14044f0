"""The broker and the notices, without a server: whom a notice wakes, how quick notices become
one event, and that a notice leaves only with a committed transaction (both databases)."""

import asyncio
import uuid
from collections.abc import AsyncIterator

import psycopg
from sqlalchemy import Engine
from sqlmodel import Session

from app.changes.log import SyncEntity, record_change
from app.changes.notices import CHANNEL, MAX_REPS, SUBSCRIBERS, Notice, announce, change_notice
from app.core.settings import Settings
from app.live.broker import Broker
from app.live.listener import libpq_url
from app.live.router import COALESCE_SECONDS, Caller, _events

REP, OTHER = uuid.uuid4(), uuid.uuid4()


async def _valid() -> bool:
    return True


async def _next(events: AsyncIterator[str], within: float = 1.0) -> str:
    return await asyncio.wait_for(anext(events), within)


def test_quick_notices_become_one_event_with_the_newest_clock() -> None:
    async def scenario() -> list[str]:
        broker = Broker()
        events = _events(broker, Caller(REP.hex, "s1", clock=4), 30.0, _valid)
        assert (await _next(events)).startswith("event: hello")
        broker.deliver(change_notice([REP], 5))
        seen = [await _next(events)]
        for clock in (6, 7, 8):  # within the 250 ms after the first event
            broker.deliver(change_notice([REP], clock))
        seen.append(await _next(events, COALESCE_SECONDS + 1))
        broker.stop()
        return seen

    first, second = asyncio.run(scenario())
    assert first == 'event: change\ndata: {"clock":5,"scope":"rep"}\n\n'
    assert second == 'event: change\ndata: {"clock":8,"scope":"rep"}\n\n'


def test_a_notice_wakes_only_the_streams_it_concerns() -> None:
    async def scenario() -> tuple[bool, bool, bool]:
        broker = Broker()
        with broker.open(REP.hex, "s1") as mine, broker.open(OTHER.hex, "s2") as theirs:
            broker.deliver(change_notice([REP], 3))
            targeted = (mine.wake.is_set(), theirs.wake.is_set())
            broker.deliver(change_notice([None], 4))  # may concern every rep
            everyone = theirs.wake.is_set() and theirs.take() == (4, True)
            return *targeted, everyone

    assert asyncio.run(scenario()) == (True, False, True)


def test_a_revoke_of_a_user_ends_their_streams_only() -> None:
    async def scenario() -> list[str]:
        broker = Broker()
        events = _events(broker, Caller(REP.hex, "s1", clock=0), 30.0, _valid)
        await _next(events)
        with broker.open(OTHER.hex, "s2") as other:
            broker.deliver(Notice(users=frozenset({REP.hex})))
            seen = [await _next(events)]
            seen += [e async for e in events]  # the stream ends
            assert not other.revoked
        return seen

    assert asyncio.run(scenario()) == ["event: revoke\ndata: {}\n\n"]


def test_a_notice_for_many_reps_is_one_for_everyone() -> None:
    many = [uuid.uuid4() for _ in range(MAX_REPS + 1)]
    assert change_notice(many, 9).reps is None
    few = change_notice(many[:3], 9)
    assert Notice.decode(few.encode()) == few
    assert len(change_notice(many[:MAX_REPS], 9).encode()) < 8000  # PostgreSQL's payload limit


def test_a_notice_leaves_with_the_commit_and_never_with_a_rollback(
    engine: Engine, settings: Settings
) -> None:
    heard: list[Notice] = []
    SUBSCRIBERS.add(heard.append)  # SQLite: this process's brokers
    listener = None
    if not settings.is_sqlite:
        listener = psycopg.connect(libpq_url(settings.database_url), autocommit=True)
        listener.execute(f"LISTEN {CHANNEL}")
    try:
        with Session(engine) as session:
            record_change(session, SyncEntity.lead, uuid.uuid4(), rep_ids=[REP])
            session.rollback()
            record_change(session, SyncEntity.lead, uuid.uuid4(), rep_ids=[OTHER])
            announce(session, Notice(reps=frozenset({"x"})))
            assert _received(heard, listener) == []  # not before the commit
            session.commit()
        got = _received(heard, listener)
    finally:
        SUBSCRIBERS.discard(heard.append)
        if listener is not None:
            listener.close()
    assert [n.reps for n in got] == [frozenset({OTHER.hex}), frozenset({"x"})]
    assert got[0].clock > 0


def _received(heard: list[Notice], listener: psycopg.Connection[object] | None) -> list[Notice]:
    if listener is None:
        return list(heard)
    return [Notice.decode(n.payload) for n in listener.notifies(timeout=0.5)]
