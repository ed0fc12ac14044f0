"""Numbers that readers can follow in order, without making writers wait for each other.

A reader that has seen number N must never later meet a smaller number committed late: the
pull's `seq > cursor` and the insights roller's `seq > rolled_through` would skip it for good.

SQLite has one writer at a time, so numbers commit in order and every committed number is
settled. PostgreSQL writers take numbers from a sequence and commit in any order, so a reader
follows only up to the *settled* number: the highest one below every number a still-running
writer may hold. Each writer marks itself before taking numbers with a shared advisory lock
whose key is the lowest number it can get (the sequence's next value); the lock lives until
its transaction ends. A reader reads the sequence's last value first, then the marks: every
number up to that value was taken by a writer that has ended (its rows are visible to the
reader's next statement, PostgreSQL ending the transaction before releasing its locks) or is
still marked at or below its number. Shared locks never wait on each other, so writers of
different reps never queue here; the settled number only rises.
"""

import functools
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    CTE,
    CursorResult,
    Executable,
    bindparam,
    column,
    func,
    literal_column,
    select,
    text,
    true,
)
from sqlalchemy.orm import SessionTransaction
from sqlmodel import Session

# Marks are single 64-bit advisory keys: the namespace in the top byte, the number below it.
NUMBER_BITS = 56


@dataclass(frozen=True)
class Numbering:
    sequence: str  # the PostgreSQL sequence the numbers come from
    namespace: int  # 1..127, one per numbering (the change log 1, the insights backlog 2)

    @property
    def base(self) -> int:
        return self.namespace << NUMBER_BITS


def numbers_are_ordered(session: Session) -> bool:
    """Do numbers commit in order by themselves (one writer at a time)?"""
    return session.get_bind().dialect.name == "sqlite"


_MARKS = "strang.number_marks"  # session.info: namespace -> the (sub)transaction it marked


def mark_writer(session: Session, numbering: Numbering) -> None:
    """Mark this transaction as one that may take numbers of `numbering` from now on.

    Once per transaction: the first mark is below every number it takes later, and a lock per
    call would fill PostgreSQL's lock table in a transaction recording thousands of changes
    one by one ("out of shared memory"). A mark made inside a savepoint is gone when that
    savepoint rolls back, so it counts only while its savepoint is this one or encloses it."""
    if numbers_are_ordered(session) or _marked(session, numbering):
        return
    session.execute(_mark_alone(numbering), {"base": numbering.base})
    _remember_mark(session, numbering)


@functools.cache
def _mark_alone(numbering: Numbering) -> Executable:
    return select(mark_of(numbering).c.marked)


@functools.cache
def mark_of(numbering: Numbering) -> CTE:
    """The mark as a CTE (one row, column `marked`), to join into the statement that draws the
    numbers (`draw_marked`); built once per numbering."""
    return (
        text(
            "SELECT pg_advisory_xact_lock_shared(:base + CASE WHEN is_called"
            f" THEN last_value + 1 ELSE last_value END) AS marked FROM {numbering.sequence}"
        )
        .columns(column("marked"))
        .cte(f"mark_{numbering.namespace}")
        .prefix_with("MATERIALIZED")
    )


def draw_marked(
    session: Session,
    numbering: Numbering,
    plain: Executable,
    marked: Executable,
    params: dict[str, Any],
) -> CursorResult[Any]:
    """Run a statement that draws numbers of `numbering`, on PostgreSQL marking the transaction
    in the same round trip when it is not marked yet (SQLite takes no marks: `plain` runs).
    `marked` is `plain` with its rows joined with `mark_of(numbering)`, so no row and no
    number drawn for it comes before the mark.
    A statement that drew no row may not have taken the mark, so then it does not count; nor
    does one whose row count the driver does not tell (-1, as psycopg for an INSERT ... SELECT
    under a WITH): the transaction's next numbers are then marked again, which is harmless."""
    if numbers_are_ordered(session) or _marked(session, numbering):
        return cast(CursorResult[Any], session.execute(plain, params))
    result = cast(CursorResult[Any], session.execute(marked, {**params, "base": numbering.base}))
    if result.rowcount > 0:
        _remember_mark(session, numbering)
    return result


def _remember_mark(session: Session, numbering: Numbering) -> None:
    session.info.setdefault(_MARKS, {})[numbering.namespace] = _innermost(session)


def _innermost(session: Session) -> SessionTransaction | None:
    return session.get_nested_transaction() or session.get_transaction()


def _marked(session: Session, numbering: Numbering) -> bool:
    marked = session.info.get(_MARKS, {}).get(numbering.namespace)
    transaction = _innermost(session)
    while marked is not None and transaction is not None:
        if transaction is marked:
            return True
        transaction = transaction.parent
    return False


def take_numbers(session: Session, numbering: Numbering, count: int) -> list[int]:
    """`count` new numbers, in increasing order (PostgreSQL only)."""
    rows = draw_marked(session, numbering, *_draws(numbering), {"count": count})
    return sorted(int(n) for n in rows.scalars())


@functools.cache
def _draws(numbering: Numbering) -> tuple[Executable, Executable]:
    """`take_numbers`' statement, plain and marked (built once)."""
    sequence: Any = literal_column(f"'{numbering.sequence}'")
    series = func.generate_series(1, bindparam("count"))
    draw = select(func.nextval(sequence)).select_from(series)
    return draw, draw.join(mark_of(numbering), true())


def settled_through(session: Session, numbering: Numbering) -> int:
    """The highest number below which (and at which) no still-running writer can commit
    (PostgreSQL only). Two statements, in this order: the last value, then the marks."""
    last = session.execute(
        text(
            "SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END"
            f" FROM {numbering.sequence}"
        )
    ).scalar_one()
    lowest_mark = session.execute(
        text(
            "SELECT min((classid::bigint << 32) | objid::bigint) FROM pg_locks"
            " WHERE locktype = 'advisory' AND objsubid = 1"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            " AND classid::bigint >> 24 = :namespace"
        ),
        {"namespace": numbering.namespace},
    ).scalar()
    if lowest_mark is None:
        return int(last)
    return min(int(last), int(lowest_mark) - numbering.base - 1)
