"""The change recorder: every change a phone must see goes through `record_change`.

It imports no feature, so any feature can call it inside its own transaction. Each call also
announces the change to open apps (`app/live`), sent when the transaction commits.

Ordering guarantee: sequence numbers come from one counter row that is incremented with
`UPDATE ... RETURNING`. The row lock is held until the writing transaction ends, so writers
commit in the order of their sequence numbers. A reader that sees seq N has therefore seen every
change below N: a plain `seq > cursor` pull can never skip a change committed late.
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
from app.core.time import utcnow
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


def _advance_clock(session: Session, by: int) -> int:
    value = session.execute(
        text("UPDATE sync_clock SET value = value + :by WHERE id = 1 RETURNING value"),
        {"by": by},
    ).scalar()
    if value is None:
        raise RuntimeError("sync_clock row missing: run `strang db upgrade`")
    return int(value)


def lock_clock(session: Session) -> int:
    """Take the clock's row lock now (PostgreSQL) and return its committed value.

    The push takes it first, so pushes run one at a time from here to commit: the checks it
    makes (is this mutation id new? did a retraction for this outcome arrive?) cannot race
    another push. SQLite needs nothing: a write transaction already holds the database lock.
    """
    bind = session.get_bind()
    suffix = "" if bind.dialect.name == "sqlite" else " FOR UPDATE"
    value = session.execute(text(f"SELECT value FROM sync_clock WHERE id = 1{suffix}")).scalar()
    return int(value or 0)


def clock_and_horizon(session: Session) -> tuple[int, int]:
    """The newest committed sequence number, and the newest one pruned from the log (a cursor
    below it may have missed changes that are gone)."""
    row = session.execute(text("SELECT value, pruned_through FROM sync_clock WHERE id = 1")).one()
    return int(row[0]), int(row[1])


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
    last = _advance_clock(session, len(rows))
    announce(session, change_notice((r for _, _, r in rows), last))
    first = last - len(rows) + 1
    now = utcnow()
    execute_rows(
        session,
        _INSERT,
        [
            {"seq": first + n, "entity": e, "entity_id": i, "rep_id": r, "at": now}
            for n, (e, i, r) in enumerate(rows)
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
    last = _advance_clock(session, len(targets))
    announce(session, change_notice(targets, last))
    first = last - len(targets) + 1
    now = utcnow()
    execute_rows(
        session,
        _INSERT,
        [
            {
                "seq": first + i,
                "entity": entity,
                "entity_id": str(entity_id),
                "rep_id": rep,
                "at": now,
            }
            for i, rep in enumerate(targets)
        ],
    )
