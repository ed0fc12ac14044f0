"""Rolling the backlog up into the aggregates, in a process of its own.

A push does not compute aggregates: its batch listener (`queue_outcomes`) appends each stored
(+1), amended (0: its detail chips changed after the tap) or retracted (-1) outcome to
`insight_backlog` in the push's transaction. The roller turns
the oldest entries into aggregates (`rollup.on_outcomes`) and records in `insight_roll` how
far it got, in one transaction; so every entry is rolled up exactly once, and a crash loses
nothing (the entries stay until rolled). Why a process: the roll-up is about half of a push's
CPU; on its own process it runs on another core, and on SQLite it writes the insights file
(attached, app/core/db.py), whose write lock the pushes never wait for.

- The app starts one roller process per app process and starts it again should it die
  (`insights_lifespan`, unless `settings.insights_roller` is off, as in tests). Several
  rollers take turns: each roll begins by locking the `insight_roll` row (on SQLite: the
  insights file's write lock).
- Insights answers first roll up whatever is left (`catch_up`), so they never show less than
  what was committed before them, whether or not a roller runs.
- Within one roll, all +1 entries are applied before all -1 entries: an outcome stored and
  retracted before it is rolled up gets no fact (its +1 finds it retracted), and its -1 finds
  no active fact: the pair nets to nothing, as it should. Amendments (0) go between them: the
  outcome's active fact takes back the chips it was counted with and counts its current ones
  (`rollup.on_amended`); a +1 in the same roll already counted the current chips, so the
  amendment then changes nothing.
- Rolled entries are deleted from time to time (`prune_backlog`), in a short transaction of
  the main file's own.
"""

import multiprocessing
import multiprocessing.connection
import os
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

from fastapi import FastAPI, Request
from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import Session

from app.core.bulk import execute_rows
from app.core.db import make_engine, read_engine, table_of
from app.core.inputs import FIRST_DAY, LAST_DAY
from app.core.numbering import (
    Numbering,
    draw_marked,
    mark_of,
    mark_writer,
    numbers_are_ordered,
    settled_through,
)
from app.core.observability import log
from app.core.settings import Settings
from app.core.time import utcnow
from app.insights.facts import FACT_COLUMNS, Fact, backlog_facts
from app.insights.models import InsightBacklog, InsightRoll, InsightSetAside
from app.insights.rollup import on_amended, on_outcomes
from app.outcomes.models import Outcome

ROLL_LIMIT = 2000  # backlog entries per roll
# Between two catch-ups the roller waits this long: entries pile up meanwhile, and a roll of
# many costs less per entry (alike outcomes are added once; one commit, one fsync). Answers do
# not wait for it: they catch up themselves. Measured under 500 reps (bench/load.py): every
# 0.25 s, push p95 rose from 165 to 493 ms; every 1 s it stayed at 151 ms.
PAUSE_SECONDS = 1.0
PRUNE_SECONDS = 10.0
RESTART_CHECK_SECONDS = 2.0
# Background work: the app's requests (a rep waiting for a push answer) go first for the CPU.
NICENESS = 10

_BACKLOG, _ROLL = table_of(InsightBacklog), table_of(InsightRoll)
_SET_ASIDE = table_of(InsightSetAside)
# Errors that say nothing about the entries (the database went away, a lock wait timed out):
# the roll is tried again whole, nothing is set aside.
TRANSIENT = (OperationalError, InterfaceError, PoolTimeout)
_INSERT_BACKLOG = _BACKLOG.insert()
# PostgreSQL: pushes append side by side; the roller follows only settled numbers.
BACKLOG_NUMBERING = Numbering(sequence="insight_backlog_seq_seq", namespace=2)
_SIGNED = ("outcome_id", "sign")


def queue_outcomes(session: Session, outcomes: Sequence[Outcome], sign: int) -> None:
    """The batch outcome listener: append the outcomes to the backlog (in the push's
    transaction), stored ones with their facts as they are now; amended (0) and retracted
    (-1) ones by id."""
    if sign > 0:  # the mark in the same statement: one round trip less per push
        dialect = session.get_bind().dialect.name
        plain, marked = backlog_facts(dialect), backlog_facts(dialect, mark_of(BACKLOG_NUMBERING))
        draw_marked(session, BACKLOG_NUMBERING, plain, marked, {"ids": [o.id for o in outcomes]})
    else:
        mark_writer(session, BACKLOG_NUMBERING)
        execute_rows(session, _INSERT_BACKLOG, [(o.id, sign) for o in outcomes], _SIGNED)


def lock_roll(session: Session) -> int:
    """Take the roller's turn (the `insight_roll` row) and return how far the backlog is
    rolled up."""
    session.execute(
        update(_ROLL).where(_ROLL.c.id == 1).values(rolled_through=_ROLL.c.rolled_through)
    )
    return int(session.execute(select(_ROLL.c.rolled_through)).scalar_one())


def roll_up(session: Session, limit: int = ROLL_LIMIT) -> int:
    """Roll up the oldest `limit` backlog entries in the session's transaction (the caller
    commits); returns how many there were.

    An entry that cannot be rolled up (a day outside the calendar the figures cover, or any
    error it alone causes) is set aside, and the others are rolled up without it: one bad
    entry never holds back the ones behind it."""
    through = lock_roll(session)
    pending = _BACKLOG.c.seq > through
    if not numbers_are_ordered(session):
        pending &= _BACKLOG.c.seq <= settled_through(session, BACKLOG_NUMBERING)
    entries = session.execute(
        select(_BACKLOG).where(pending).order_by(_BACKLOG.c.seq).limit(limit)
    ).all()
    if not entries:
        return 0
    countable: list[Any] = []
    outside: list[Any] = []
    for entry in entries:
        (countable if entry.sign <= 0 or counted_day(entry.day) else outside).append(entry)
    if outside:
        set_aside(session, outside, f"the day lies outside {FIRST_DAY} to {LAST_DAY}")
    try:
        with session.begin_nested():
            _roll(session, countable)
    except TRANSIENT:
        raise
    except Exception:  # one of them cannot be rolled up: find it, roll up the others
        for entry in countable:
            try:
                with session.begin_nested():
                    _roll(session, [entry])
            except TRANSIENT:
                raise
            except Exception as error:
                set_aside(session, [entry], f"{type(error).__name__}: {error}")
    session.execute(update(_ROLL).where(_ROLL.c.id == 1).values(rolled_through=entries[-1].seq))
    return len(entries)


def counted_day(day: date | None) -> bool:
    """Is this a day the figures cover (no calendar arithmetic overflows for it)?"""
    return day is not None and FIRST_DAY <= day <= LAST_DAY


def _roll(session: Session, entries: Sequence[Any]) -> None:
    """Add the +1 entries, count the amended chips anew, then take back the -1 entries (see
    the module's docstring)."""
    if not entries:
        return
    o = table_of(Outcome)
    tapped = {
        row.id: row
        for row in session.execute(
            select(o.c.id, o.c.lead_id, o.c.details, o.c.retracted_at).where(
                o.c.id.in_({e.outcome_id for e in entries})
            )
        )
    }
    stored = [e for e in entries if e.sign > 0 and e.outcome_id in tapped]
    facts = {
        e.outcome_id: Fact(**{c: getattr(e, c) for c in FACT_COLUMNS[:-1]})
        for e in stored
        if tapped[e.outcome_id].retracted_at is None  # else its -1 is on the way
    }
    on_outcomes(session, [tapped[i] for i in facts], +1, facts)
    amended = dict.fromkeys(e.outcome_id for e in entries if e.sign == 0)
    on_amended(session, [tapped[i] for i in amended if i in tapped])
    retracted = dict.fromkeys(e.outcome_id for e in entries if e.sign < 0)
    on_outcomes(session, [tapped[i] for i in retracted if i in tapped], -1)


def set_aside(session: Session, entries: Sequence[Any], reason: str) -> None:
    """Record entries the roll-up leaves out, and say so in the log."""
    now = utcnow()
    rows = [{**e._mapping, "reason": reason[:500], "set_aside_at": now} for e in entries]
    session.execute(insert(_SET_ASIDE), rows)
    for e in entries:
        log.error(
            "insights: backlog entry set aside, not counted",
            extra={
                "fields": {"seq": e.seq, "outcome_id": str(e.outcome_id), "reason": reason[:500]}
            },
        )


def set_aside_summary(session: Session) -> dict[str, object]:
    """How many entries are set aside, and when the oldest was."""
    count, oldest = session.execute(select(func.count(), func.min(_SET_ASIDE.c.set_aside_at))).one()
    return {"set_aside": int(count), "oldest_set_aside": oldest}


def backlog_length(session: Session) -> int:
    """Entries not rolled up yet (a read; takes no lock)."""
    through = select(_ROLL.c.rolled_through).scalar_subquery()
    query = select(func.count()).select_from(_BACKLOG).where(_BACKLOG.c.seq > through)
    return int(session.execute(query).scalar_one())


def catch_up(engine: Engine) -> int:
    """Roll up everything committed so far (one roll per `ROLL_LIMIT` entries); returns how
    many entries that took."""
    engine = read_engine(engine)  # SQLite: lock the insights file only, not the main one
    with Session(engine) as session:
        if backlog_length(session) == 0:
            return 0
    total = 0
    while True:
        with Session(engine) as session:
            rolled = roll_up(session)
            session.commit()
        total += rolled
        if rolled < ROLL_LIMIT:
            return total


def prune_backlog(engine: Engine) -> int:
    """Delete the entries rolled up already (the main file's lock, briefly)."""
    through = select(_ROLL.c.rolled_through).scalar_subquery()
    with Session(engine) as session:
        result: Any = session.execute(delete(_BACKLOG).where(_BACKLOG.c.seq <= through))
        session.commit()
    return int(result.rowcount or 0)


def caught_up(request: Request) -> None:
    """Dependency of the insights routes: their answers include every outcome committed
    before the request."""
    catch_up(request.app.state.engine)


# --- the process --------------------------------------------------------------------------


def run(settings: Settings, parent_pid: int | None = None) -> None:
    """Roll up until the parent process is gone (the roller process's main loop).

    The roller leaves the server's process group: a signal to the group (Ctrl-C, a service
    manager's SIGTERM) reaches the server, whose shutdown stops the roller. In the group, it
    died first and was started again during the shutdown. Should the server be killed outright,
    the roller sees its parent gone within a pause and ends."""
    os.setpgrp()
    os.nice(NICENESS)
    engine = make_engine(settings)
    last_prune = time.monotonic()
    try:
        while parent_pid is None or os.getppid() == parent_pid:
            try:
                catch_up(engine)
                if time.monotonic() - last_prune > PRUNE_SECONDS:
                    prune_backlog(engine)
                    last_prune = time.monotonic()
            except Exception as error:  # keep rolling; the entries wait in the backlog
                log.warning("insights roller: %s", type(error).__name__)
                time.sleep(1)
            time.sleep(PAUSE_SECONDS)
    finally:
        engine.dispose()


@contextmanager
def insights_lifespan(app: FastAPI) -> Iterator[None]:
    """Run a roller process beside the app process (unless `settings.insights_roller` is
    off), and start it again should it die."""
    settings: Settings = app.state.settings
    if not settings.insights_roller:
        yield
        return
    supervisor = _Supervisor(settings)
    supervisor.start()
    app.state.insights_roller = supervisor
    try:
        yield
    finally:
        supervisor.stop()


class _Supervisor(threading.Thread):
    def __init__(self, settings: Settings) -> None:
        super().__init__(name="strang-insights-supervisor", daemon=True)
        self.settings = settings
        self.stopping = threading.Event()
        self.process = self._spawn()

    def _spawn(self) -> Any:
        context: Any = multiprocessing.get_context("spawn")
        process = context.Process(
            target=run,
            args=(self.settings, os.getpid()),
            name="strang-insights-roller",
            daemon=True,
        )
        process.start()
        return process

    def run(self) -> None:
        # Woken by the process's own exit (its sentinel), not by polling: a roller that dies is
        # started again at once, however busy the machine is.
        while not self.stopping.is_set():
            died = multiprocessing.connection.wait([self.process.sentinel], RESTART_CHECK_SECONDS)
            if died and not self.stopping.is_set():
                log.warning("insights roller exited (%s); starting it again", self.process.exitcode)
                self.process = self._spawn()

    def stop(self) -> None:
        self.stopping.set()
        self.process.terminate()  # wakes the supervisor's wait at once
        self.join()
        self.process.terminate()  # one it started just before it saw `stopping`
        self.process.join(5)


def insights_readiness(engine: Engine) -> dict[str, object]:
    with Session(read_engine(engine)) as session:
        return {"insights": {"backlog": backlog_length(session), **set_aside_summary(session)}}
