"""Outcome codes and outcomes: the rules, and the seam for aggregates.

`OUTCOME_BATCH_LISTENERS` is how other features (insights, webhooks) keep derived data in step
with outcomes without this package importing them: each listener is called once per push, in
the writing transaction, with `(session, outcomes, +1)` for every outcome the push stored,
`(session, outcomes, 0)` for every one amended, then `(session, outcomes, -1)` for every one
retracted. An outcome that arrives already retracted (its Undo came first) is stored without any
call. Listeners must not commit; an exception rolls the whole push back. A push carries up to
500 outcomes, so listeners see them all at once (see bench/sync_bench.py). Keep listeners
cheap: the insights feature only queues the outcomes here and rolls them up in a process of its
own (app/insights/roller.py).
"""

import uuid
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.auth.models import User
from app.changes.log import SyncEntity, record_change
from app.core import errors
from app.core.db import table_of
from app.core.time import as_utc, utcnow
from app.outcomes.models import WON, Outcome, OutcomeCode
from app.outcomes.schemas import (
    HistoryItem,
    OutcomeCodeCreate,
    OutcomeCodeSync,
    OutcomeCodeUpdate,
)

OutcomeBatchListener = Callable[[Session, Sequence[Outcome], int], None]
OUTCOME_BATCH_LISTENERS: list[OutcomeBatchListener] = []


def notify_listeners(session: Session, outcomes: Sequence[Outcome], sign: int) -> None:
    if not outcomes:
        return
    for batch_listener in OUTCOME_BATCH_LISTENERS:
        batch_listener(session, outcomes, sign)


def list_codes(session: Session) -> list[OutcomeCode]:
    query = select(OutcomeCode).order_by(col(OutcomeCode.position), col(OutcomeCode.code))
    return list(session.exec(query))


def create_code(session: Session, *, data: OutcomeCodeCreate) -> OutcomeCode:
    if session.get(OutcomeCode, data.code) is not None:
        raise errors.Conflict(
            f"code: {data.code!r} already exists", code="code_taken", params={"code": data.code}
        )
    code = OutcomeCode(**data.model_dump())
    code.details = list(dict.fromkeys(code.details))
    session.add(code)
    session.flush()
    record_change(session, SyncEntity.outcome_code, code.code)
    return code


def update_code(session: Session, *, code: OutcomeCode, data: OutcomeCodeUpdate) -> OutcomeCode:
    """Edit labels, chips, order or `active`. The code itself never changes and is never
    deleted, so outcomes logged with it keep their meaning."""
    changes = data.model_dump(exclude_unset=True)
    for key, value in changes.items():
        if value is None:
            raise errors.BadRequest(f"{key}: may not be null")
        setattr(code, key, list(dict.fromkeys(value)) if key == "details" else value)
    code.updated_at = utcnow()
    session.add(code)
    session.flush()
    record_change(session, SyncEntity.outcome_code, code.code)
    return code


# ---- what a rep's phone is given (app/sync/pull.py) ----

HISTORY_ITEMS = 5
NOTE_EXCERPT = 140


def codes_for_phone(
    session: Session, *, after: str = "", limit: int | None = None, named: set[str] | None = None
) -> list[OutcomeCodeSync]:
    """Every code (a snapshot page: those after `after`, up to `limit`), or the ones `named`;
    in code order. Inactive ones too: a phone hides their buttons."""
    query = select(OutcomeCode).order_by(col(OutcomeCode.code))
    if named is not None:
        query = query.where(col(OutcomeCode.code).in_(named))
    if after:
        query = query.where(col(OutcomeCode.code) > after)
    if limit is not None:
        query = query.limit(limit)
    return [OutcomeCodeSync.model_validate(c, from_attributes=True) for c in session.exec(query)]


def history_of_leads(
    session: Session, lead_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[HistoryItem]]:
    """Per lead, its latest outcomes by anyone (not taken back), newest first."""
    rows = session.execute(
        sa_select(
            col(Outcome.lead_id),
            col(Outcome.id),
            col(Outcome.rep_id),
            col(Outcome.code),
            col(Outcome.occurred_at),
            col(Outcome.note),
            col(User.name),
        )
        .join(User, col(User.id) == Outcome.rep_id)
        .where(col(Outcome.lead_id).in_(lead_ids), col(Outcome.retracted_at).is_(None))
        .order_by(col(Outcome.occurred_at).desc())
    )
    history: dict[uuid.UUID, list[HistoryItem]] = defaultdict(list)
    for lead_id, outcome_id, rep_id, code, occurred_at, note, rep_name in rows:
        items = history[lead_id]
        if len(items) < HISTORY_ITEMS:
            excerpt = note if len(note) <= NOTE_EXCERPT else note[: NOTE_EXCERPT - 1] + "…"
            items.append(
                HistoryItem(
                    id=outcome_id,
                    rep_id=rep_id,
                    code=code,
                    occurred_at=occurred_at,
                    rep_name=rep_name,
                    note_excerpt=excerpt,
                )
            )
    return history


# --- the next visit -------------------------------------------------------------------------

ID_LIST = 1000  # ids per IN list
LAST_ID = uuid.UUID(int=(1 << 128) - 1)
K = TypeVar("K", bound=Hashable)


def id_chunks(values: Iterable[uuid.UUID], size: int = ID_LIST) -> Iterator[list[uuid.UUID]]:
    """The distinct `values`, sorted, in lists short enough for one IN clause."""
    items = sorted(set(values))
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True, slots=True)
class NextVisit:
    outcome_id: uuid.UUID
    code: str
    occurred_at: datetime
    rep_id: uuid.UUID

    @property
    def won(self) -> bool:
        return self.code == WON


@dataclass(frozen=True, slots=True)
class After:
    """A moment on a lead: its next visit is the lead's first outcome not taken back that
    comes later, by any rep. `outcome_id` orders visits at the very same instant (those with a
    higher id come later); without it, none at that instant does."""

    lead_id: uuid.UUID
    at: datetime
    outcome_id: uuid.UUID = LAST_ID


def next_visits(session: Session, moments: Mapping[K, After]) -> dict[K, NextVisit]:
    """Each moment's next visit, read in bulk: one query per thousand leads."""
    if not moments:
        return {}
    o = table_of(Outcome).c
    since = min(as_utc(m.at) for m in moments.values())
    visits: dict[uuid.UUID, list[NextVisit]] = defaultdict(list)
    for lead_ids in id_chunks(m.lead_id for m in moments.values()):
        query = sa_select(o.lead_id, o.id, o.code, o.occurred_at, o.rep_id).where(
            o.lead_id.in_(lead_ids), o.retracted_at.is_(None), o.occurred_at >= since
        )
        for lead_id, oid, code, at, rep_id in session.execute(query):
            visits[lead_id].append(NextVisit(oid, code, as_utc(at), rep_id))
    for rows in visits.values():
        rows.sort(key=_order)
    found: dict[K, NextVisit] = {}
    for key, moment in moments.items():
        rows = visits.get(moment.lead_id, [])
        after = bisect_right(rows, (as_utc(moment.at), moment.outcome_id), key=_order)
        if after < len(rows):
            found[key] = rows[after]
    return found


def _order(visit: NextVisit) -> tuple[datetime, uuid.UUID]:
    return visit.occurred_at, visit.outcome_id
