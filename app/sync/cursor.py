"""The pull's cursor, opaque to the phone: base64url JSON `{"v", "r", "m", "c", "d", "k", "a"}`
(version, rep, mode snapshot/delta, clock, the organisation's day it was issued on, snapshot
kind index, last id of that kind). A cursor the server cannot use starts a full resync."""

import base64
import binascii
import json
import uuid
from dataclasses import dataclass
from datetime import date

from app.core.inputs import unstorable

CURSOR_VERSION = 1
SNAPSHOT_KINDS = ("outcome_codes", "campaigns", "collateral", "leads", "signals")


@dataclass
class Cursor:
    rep: str
    mode: str  # "s" snapshot, "d" delta
    clock: int
    kind: int = 0
    after: str = ""
    day: int = 0  # date.toordinal() of the organisation's day; 0: unknown (older cursors)

    def encode(self) -> str:
        data = {"v": CURSOR_VERSION, "r": self.rep, "m": self.mode, "c": self.clock}
        data |= {"d": self.day}
        if self.mode == "s":
            data |= {"k": self.kind, "a": self.after}
        raw = json.dumps(data, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def rep_tag(rep_id: uuid.UUID) -> str:
    return rep_id.hex[:12]


def decode_cursor(value: str, rep_id: uuid.UUID, clock: int, horizon: int = 0) -> Cursor | None:
    """The cursor, or None when it is garbled, from another version or rep, from the future
    (a restored database) or older than the pruned change log (`horizon`): the caller then
    starts a full resync."""
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        data = json.loads(raw)
        if not isinstance(data, dict) or data.get("v") != CURSOR_VERSION:
            return None
        cursor = Cursor(
            rep=str(data["r"]),
            mode=str(data["m"]),
            clock=int(data["c"]),
            kind=int(data.get("k", 0)),
            after=str(data.get("a", "")),
            day=int(data.get("d", 0)),
        )
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        return None
    if cursor.rep != rep_tag(rep_id) or cursor.mode not in ("s", "d"):
        return None
    if not horizon <= cursor.clock <= clock or not 0 <= cursor.kind < len(SNAPSHOT_KINDS):
        return None
    if not 0 <= cursor.day <= date.max.toordinal():
        return None
    if cursor.after and not _is_key(cursor.after, SNAPSHOT_KINDS[cursor.kind]):
        return None  # a forged position the queries could not use
    return cursor


def _is_key(text: str, kind: str) -> bool:
    """Could `text` be the last key of a snapshot page of `kind` (a code, or an id)?"""
    if kind == "outcome_codes":
        return len(text) <= 40 and unstorable(text) is None
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
