"""The version history of a collateral item: who changed what, when.

A row per change, written in the transaction of the change itself (`record`), so the history
can neither miss a change nor show one that was rolled back. A new file version is recorded on
the new version's row; `history_of` reads the whole chain of versions, oldest change first.
"""

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel
from sqlalchemy import JSON, Column
from sqlmodel import Field, Session, SQLModel, col, select

from app.auth.models import User
from app.collateral.models import Collateral
from app.core.time import utcnow
from app.core.types import UtcDateTime, enum_column

# The fields whose before/after the history shows (files by name, hash and size).
TRACKED = (
    "title",
    "description",
    "segments",
    "tags",
    "answers",
    "valid_until",
    "review_on",
    "url",
    "filename",
    "sha256",
    "size",
    "version",
)
MAX_CHAIN = 200  # versions followed when reading a history


class ChangeAction(StrEnum):
    created = "created"
    new_version = "new_version"
    edited = "edited"
    deleted = "deleted"


class CollateralChange(SQLModel, table=True):
    __tablename__ = "collateral_change"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    collateral_id: uuid.UUID = Field(foreign_key="collateral.id", index=True, ondelete="CASCADE")
    user_id: uuid.UUID | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    action: ChangeAction = Field(sa_type=enum_column())
    # field -> [before, after], JSON values (dates as ISO strings)
    fields: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UtcDateTime, nullable=False))


class FieldChange(BaseModel):
    before: Any
    after: Any


class CollateralChangePublic(BaseModel):
    id: uuid.UUID
    collateral_id: uuid.UUID
    version: int
    action: ChangeAction
    user_id: uuid.UUID | None
    user_name: str | None
    at: datetime
    fields: dict[str, FieldChange]


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return list(value)
    return value


def snapshot(item: Collateral) -> dict[str, Any]:
    """The tracked fields of `item` as JSON values, to compare after a change."""
    return {name: _plain(getattr(item, name)) for name in TRACKED}


def record(
    session: Session,
    item: Collateral,
    *,
    user: User | None,
    action: ChangeAction,
    before: dict[str, Any] | None = None,
) -> None:
    """A history row for `item`: the tracked fields that differ from `before` (all of the set
    ones for a new item). An edit that changed nothing writes no row."""
    after = snapshot(item)
    old = before or {}
    fields = {
        name: [old.get(name), value]
        for name, value in after.items()
        if old.get(name) != value and not (before is None and value in (None, "", []))
    }
    if action == ChangeAction.edited and not fields:
        return
    session.add(
        CollateralChange(
            collateral_id=item.id,
            user_id=user.id if user else None,
            action=action,
            fields=fields,
        )
    )


def _chain(session: Session, item: Collateral) -> dict[uuid.UUID, int]:
    """Every version of `item` (older and newer), id -> version number."""
    versions = {item.id: item.version}
    for link in ("replaces_id", "replaced_by_id"):
        current: Collateral | None = item
        while current is not None and len(versions) < MAX_CHAIN:
            next_id = getattr(current, link)
            current = session.get(Collateral, next_id) if next_id else None
            if current is None or current.id in versions:
                break
            versions[current.id] = current.version
    return versions


def history_of(session: Session, item: Collateral) -> list[CollateralChangePublic]:
    versions = _chain(session, item)
    rows = session.exec(
        select(CollateralChange, User.name)
        .join(User, col(User.id) == CollateralChange.user_id, isouter=True)
        .where(col(CollateralChange.collateral_id).in_(list(versions)))
        .order_by(col(CollateralChange.at), col(CollateralChange.id))
    ).all()
    return [
        CollateralChangePublic(
            id=change.id,
            collateral_id=change.collateral_id,
            version=versions[change.collateral_id],
            action=change.action,
            user_id=change.user_id,
            user_name=name,
            at=change.at,
            fields={k: FieldChange(before=v[0], after=v[1]) for k, v in change.fields.items()},
        )
        for change, name in rows
    ]
