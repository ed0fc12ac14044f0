"""Notices: "something changed for these reps" (or "this session ended"), never the data itself.

A writer announces a notice inside its transaction; it goes out when that transaction commits,
and never when it rolls back:

- PostgreSQL: `pg_notify` in the writing transaction (PostgreSQL delivers it on commit, to the
  listener of every app process: `app/live/listener.py`);
- SQLite: kept on the session and handed to this process's brokers after the commit.

Payloads stay small (PostgreSQL allows 8000 bytes): a notice for more than `MAX_REPS` reps
becomes one for everyone.

This module imports no feature, so the change recorder and the auth service can both call it.
"""

import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, text
from sqlmodel import Session

CHANNEL = "strang_live"
MAX_REPS = 100
_PENDING = "live.pending"


@dataclass(frozen=True)
class Notice:
    """`reps` None: every rep; `sessions`/`users`: these sessions (all of these users') ended."""

    clock: int = 0
    reps: frozenset[str] | None = frozenset()
    sessions: frozenset[str] = field(default_factory=frozenset)
    users: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_revoke(self) -> bool:
        return bool(self.sessions or self.users)

    def encode(self) -> str:
        data: dict[str, Any] = {"c": self.clock}
        if self.reps is None:
            data["a"] = 1
        elif self.reps:
            data["r"] = sorted(self.reps)
        if self.sessions:
            data["s"] = sorted(self.sessions)
        if self.users:
            data["u"] = sorted(self.users)
        return json.dumps(data, separators=(",", ":"))

    @staticmethod
    def decode(payload: str) -> "Notice":
        data = json.loads(payload)
        reps = None if data.get("a") else frozenset(str(r) for r in data.get("r", []))
        return Notice(
            clock=int(data.get("c", 0)),
            reps=reps,
            sessions=frozenset(str(s) for s in data.get("s", [])),
            users=frozenset(str(u) for u in data.get("u", [])),
        )


def change_notice(rep_ids: Iterable[uuid.UUID | None], clock: int) -> Notice:
    """The notice for changes recorded for these reps (None in it: may concern every rep)."""
    reps = set()
    for rep in rep_ids:
        if rep is None:
            return Notice(clock=clock, reps=None)
        reps.add(rep.hex)
    if len(reps) > MAX_REPS:
        return Notice(clock=clock, reps=None)
    return Notice(clock=clock, reps=frozenset(reps))


def revoke_notice(
    *, session_ids: Iterable[uuid.UUID] = (), user_ids: Iterable[uuid.UUID] = ()
) -> Notice:
    return Notice(
        reps=frozenset(),
        sessions=frozenset(s.hex for s in session_ids),
        users=frozenset(u.hex for u in user_ids),
    )


# Where committed SQLite notices go: each running broker of this process (`app/live/broker.py`).
SUBSCRIBERS: set[Callable[[Notice], None]] = set()


def announce(session: Session, notice: Notice) -> None:
    """Send `notice` when the session's current transaction commits."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:channel, :payload)"),
                        {"channel": CHANNEL, "payload": notice.encode()})  # fmt: skip
        return
    pending: list[Notice] | None = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = []
        event.listen(session, "after_commit", _publish_pending)
        event.listen(session, "after_rollback", _drop_pending)
    pending.append(notice)


def _publish_pending(session: Session) -> None:
    pending: list[Notice] = session.info.get(_PENDING) or []
    session.info[_PENDING] = []
    for notice in pending:
        publish(notice)


def _drop_pending(session: Session) -> None:
    session.info[_PENDING] = []


def publish(notice: Notice) -> None:
    """Hand a committed notice to every broker of this process."""
    for deliver in list(SUBSCRIBERS):
        deliver(notice)
