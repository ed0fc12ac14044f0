"""The change recorder: every change a phone must see goes through `record_change`.

It imports no feature, so any feature can call it inside its own transaction. Each call also
announces the change to open apps (`app/live`), sent when the transaction commits.

Ordering guarantee: a reader follows the log only up to the settled sequence number
(`app/core/numbering.py`), below which every change has committed. On SQLite numbers come
from the one counter row (`sync_clock`), writers taking turns anyway; on PostgreSQL from a
sequence, so writers never queue for a number. A plain `seq > cursor` pull up to the settled
number can therefore never skip a change committed late.

Writers' turns on PostgreSQL (`hold_writers`, `hold_for_push`): a push holds the writers'
lock shared and its rep's lock alone, so pushes of different reps run side by side and two
pushes of one rep (two phones) one after the other; every other writer (marketing, imports,
shares read by customers) holds the writers' lock alone from its first recorded change to its
commit, as it held the counter row before: what a push checks cannot change under it.
"""

import uuid
from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index, delete, func, insert, select, text, update
from sqlmodel import Field, Session, SQLModel, col

from app.changes.notices import announce, change_notice
from app.core.bulk import execute_rows
from app.core.db import table_of
from app.core.numbering import Numbering, numbers_are_ordered, settled_through, take_numbers
from app.core.time import utcnow
from app.core.turns import busy
from app.core.types import UtcDateTime, enum_column


class SyncEntity(StrEnum):
    campaign = "campaign"
    collateral = "collateral"
    lead = "lead"
    outcome_code = "outcome_code"
    signal = "signal"


class SyncClock(SQLModel, table=True):
    """The one counter row: `value` is the newest sequence number; changes up to
    `pruned_through` have been deleted (`prune_changes`), so older cursors start over."""

    __tablename__ = "sync_clock"

    id: int = Field(primary_key=True)
    value: int = 0
    pruned_through: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class SyncChange(SQLModel, table=True):
    """Entity X changed; `rep_id` NULL means it may concern every rep (visibility is decided
    at pull time), otherwise it concerns that one rep."""

    __tablename__ = "sync_change"
    __table_args__ = (Index("ix_sync_change_rep_seq", "rep_id", "seq"),)

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    entity: SyncEntity = Field(sa_type=enum_column())
    entity_id: str = Field(max_length=36)
    rep_id: uuid.UUID | None = Field(default=None)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UtcDateTime, nullable=False))


_INSERT = insert(table_of(SyncChange))


CHANGE_LOG = Numbering(sequence="sync_change_seq", namespace=1)
# Advisory lock spaces (two-key form, apart from the numbering's one-key marks).
WRITERS_SPACE, REP_SPACE = 1, 2
_HOLD = "strang.writers_hold"  # session.info: the transaction that holds its turn


def _advance_clock(session: Session, by: int) -> list[int]:
    if not numbers_are_ordered(session):
        hold_writers(session)
        return take_numbers(session, CHANGE_LOG, by)
    value = session.execute(
        text("UPDATE sync_clock SET value = value + :by WHERE id = 1 RETURNING value"),
        {"by": by},
    ).scalar()
    if value is None:
        raise RuntimeError("sync_clock row missing: run `strang db upgrade`")
    return list(range(int(value) - by + 1, int(value) + 1))


def _holds_turn(session: Session) -> bool:
    """Whether this transaction already took its turn; a session with no transaction begun has
    not (both sides of the comparison would be None)."""
    current = session.get_transaction()
    return current is not None and session.info.get(_HOLD) is current


def hold_writers(session: Session) -> None:
    """Take the writers' lock alone until the transaction ends (PostgreSQL): no push and no
    other writer runs meanwhile. SQLite needs nothing: a write transaction already holds the
    database lock."""
    if numbers_are_ordered(session) or _holds_turn(session):
        return
    session.execute(text("SELECT pg_advisory_xact_lock(:space, 0)"), {"space": WRITERS_SPACE})
    session.info[_HOLD] = session.get_transaction()


def hold_for_push(session: Session, rep_id: uuid.UUID) -> None:
    """A push's turn, taken first (PostgreSQL): the writers' lock shared (pushes of other reps
    go on side by side; marketing's writers wait for them and they for marketing's) and the
    rep's own lock alone, so the checks the push makes (is this mutation id new? did a
    retraction for this outcome arrive?) cannot race the rep's other phone.

    A push that continues a group (app/core/db.py) holds the locks of the group's other reps:
    waiting for a rep lock there could close a circle with another worker's group, so it only
    tries, and the phone whose rep's other push holds it (rare) is told to come back in a
    second (503, Retry-After). The first push of a transaction holds no rep lock and waits.
    """
    if numbers_are_ordered(session):
        return
    params = {"writers": WRITERS_SPACE, "reps": REP_SPACE, "rep": rep_id.hex}
    if not _holds_turn(session):
        session.execute(
            text(
                "SELECT pg_advisory_xact_lock_shared(:writers, 0),"
                " pg_advisory_xact_lock(:reps, hashtext(:rep))"
            ),
            params,
        )
    elif not session.execute(
        text("SELECT pg_try_advisory_xact_lock(:reps, hashtext(:rep))"), params
    ).scalar():
        raise busy(1)
    session.info[_HOLD] = session.get_transaction()


def clock_and_horizon(session: Session) -> tuple[int, int]:
    """The newest settled sequence number (every change up to it committed), and the newest one
    pruned from the log (a cursor below it may have missed changes that are gone)."""
    row = session.execute(text("SELECT value, pruned_through FROM sync_clock WHERE id = 1")).one()
    if numbers_are_ordered(session):
        return int(row[0]), int(row[1])
    return settled_through(session, CHANGE_LOG), int(row[1])


PRUNE_CHUNK = 20_000


def prune_changes(session: Session, *, older_than: datetime) -> int:
    """Delete the changes recorded before `older_than`; returns how many. Commits as it goes.

    The horizon moves first (in its own commit), then the rows go in chunks: a phone whose
    cursor is below the horizon gets a full resync (`reset: true`) instead of a delta with
    holes. Phones that synced since `older_than` keep their deltas.
    """
    at, seq = col(SyncChange.at), col(SyncChange.seq)
    last = session.execute(select(func.max(seq)).where(at < older_than)).scalar()
    if last is None:
        return 0
    session.execute(
        update(SyncClock)
        .where(col(SyncClock.id) == 1, col(SyncClock.pruned_through) < last)
        .values(pruned_through=last)
    )
    session.commit()
    deleted = 0
    while True:
        chunk = select(seq).where(seq <= last).limit(PRUNE_CHUNK)
        result = session.execute(delete(SyncChange).where(seq.in_(chunk)))
        done: int = result.rowcount  # type: ignore[attr-defined]
        session.commit()
        deleted += done
        if done < PRUNE_CHUNK:
            return deleted


def record_changes(
    session: Session, changes: Iterable[tuple[SyncEntity, uuid.UUID | str, uuid.UUID | None]]
) -> None:
    """Record many `(entity, entity_id, rep_id)` changes with one clock step (bulk writers)."""
    rows = list(dict.fromkeys((e, str(i), r) for e, i, r in changes))
    if not rows:
        return
    numbers = _advance_clock(session, len(rows))
    announce(session, change_notice((r for _, _, r in rows), numbers[-1]))
    now = utcnow()
    execute_rows(
        session,
        _INSERT,
        [
            {"seq": seq, "entity": e, "entity_id": i, "rep_id": r, "at": now}
            for seq, (e, i, r) in zip(numbers, rows, strict=True)
        ],
    )


def record_change(
    session: Session,
    entity: SyncEntity,
    entity_id: uuid.UUID | str,
    *,
    rep_ids: Iterable[uuid.UUID] | None = None,
) -> None:
    """Record that `entity_id` changed, for every rep (`rep_ids=None`) or for the given reps.

    Removals need no special call: the pull re-checks what each rep may see, so recording the
    change for the old and the new rep of a reassigned lead removes it from one phone and adds
    it to the other.
    """
    targets: list[uuid.UUID | None] = [None] if rep_ids is None else list(dict.fromkeys(rep_ids))
    if not targets:
        return
    record_changes(session, ((entity, entity_id, rep) for rep in targets))
