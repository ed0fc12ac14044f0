"""The push's bookkeeping: every applied mutation id for ever (exactly once), and each
device's sequence numbers (which ones never arrived)."""

import hashlib
import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, union_all, update
from sqlmodel import Session, select

from app.core.bulk import execute_rows
from app.core.db import table_of
from app.signals.schemas import SignalSend
from app.sync.models import AppliedMutation, SyncDevice
from app.sync.schemas import AnyMutation, DeviceState


def payload_hash(rep_id: uuid.UUID, mutation: AnyMutation) -> str:
    """SHA-256 of the canonical mutation (UTC times, sorted keys, without the transport `seq`)."""
    data = mutation.model_dump(mode="json", exclude={"seq"})
    if isinstance(mutation, SignalSend) and mutation.occurred_at is None:
        del data["occurred_at"]  # a signal queued before phones sent it hashes as it did then
    data["rep"] = str(rep_id)
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


_MUTATION = table_of(AppliedMutation).c
# One statement, built once: the batch's ids applied before, and the rep's retractions aimed at
# the batch's new outcomes (two selects: one OR made SQLite walk all of the rep's mutations).
_APPLIED_BEFORE = union_all(
    select(_MUTATION.id, _MUTATION.rep_id, _MUTATION.payload_hash, _MUTATION.target_id).where(
        _MUTATION.id.in_(bindparam("ids", expanding=True))
    ),
    select(_MUTATION.id, _MUTATION.rep_id, _MUTATION.payload_hash, _MUTATION.target_id).where(
        _MUTATION.target_id.in_(bindparam("logs", expanding=True)),
        _MUTATION.rep_id == bindparam("rep"),
    ),
)


def applied_before(
    session: Session, rep_id: uuid.UUID, ids: list[uuid.UUID], log_ids: list[uuid.UUID]
) -> tuple[dict[uuid.UUID, tuple[uuid.UUID, str]], set[uuid.UUID]]:
    """From the ledger: the batch's ids applied before (rep, payload hash), and the outcomes of
    this batch that this rep's retractions aimed at before they arrived."""
    if not ids:
        return {}, set()
    wanted, logs = set(ids), set(log_ids)
    ledger: dict[uuid.UUID, tuple[uuid.UUID, str]] = {}
    pending: set[uuid.UUID] = set()
    found = session.execute(_APPLIED_BEFORE, {"ids": ids, "logs": log_ids, "rep": rep_id})
    for mutation_id, mutation_rep, payload, target in found:
        if mutation_id in wanted:
            ledger[mutation_id] = (mutation_rep, payload)
        if target in logs and mutation_rep == rep_id:
            pending.add(target)
    return ledger, pending


_INSERT = insert(table_of(AppliedMutation))


def write(session: Session, rows: list[dict[str, Any]]) -> None:
    execute_rows(session, _INSERT, rows)


def gaps_of(device: SyncDevice) -> list[tuple[int, int]]:
    """Ranges of sequence numbers below the highest one seen that never arrived."""
    return _gaps(device.contiguous_through, device.above)


def _gaps(contiguous_through: int, above: list[int]) -> list[tuple[int, int]]:
    gaps: list[tuple[int, int]] = []
    expected = contiguous_through + 1
    for seq in sorted(above):
        if seq > expected:
            gaps.append((expected, seq - 1))
        expected = seq + 1
    return gaps


_DEVICE = table_of(SyncDevice)


_ADVANCE_IN_STEP = (
    update(_DEVICE)
    .where(
        _DEVICE.c.rep_id == bindparam("rep"),
        _DEVICE.c.device_id == bindparam("device"),
        _DEVICE.c.contiguous_through == bindparam("before"),
        _DEVICE.c.max_seq == bindparam("before"),
    )
    .values(
        contiguous_through=bindparam("through"),
        max_seq=bindparam("through"),
        above=[],
        last_seen_at=bindparam("seen"),
    )
)


def track_device(
    session: Session, *, rep_id: uuid.UUID, device_id: str, seqs: list[int], now: datetime
) -> DeviceState:
    """Record the sequence numbers that arrived (Core statements: the ORM's load and flush of
    this one row cost more than the rest of the bookkeeping)."""
    if _advanced_in_step(session, rep_id, device_id, seqs, now):
        return DeviceState(
            device_id=device_id, contiguous_through=max(seqs), max_seq=max(seqs), gaps=[]
        )
    row = session.execute(
        select(_DEVICE.c.contiguous_through, _DEVICE.c.above, _DEVICE.c.max_seq).where(
            _DEVICE.c.rep_id == rep_id, _DEVICE.c.device_id == device_id
        )
    ).first()
    through, known, max_seq = row if row is not None else (0, [], 0)
    above = set(known)
    above.update(s for s in seqs if s > through)
    while through + 1 in above:
        through += 1
        above.discard(through)
    values = {
        "contiguous_through": through,
        "above": sorted(above),
        "max_seq": max([max_seq, through, *above]),
        "last_seen_at": now,
    }
    if row is None:
        session.execute(
            insert(_DEVICE).values(rep_id=rep_id, device_id=device_id, first_seen_at=now, **values)
        )
    else:
        session.execute(
            update(_DEVICE)
            .where(_DEVICE.c.rep_id == rep_id, _DEVICE.c.device_id == device_id)
            .values(**values)
        )
    return DeviceState(
        device_id=device_id,
        contiguous_through=through,
        max_seq=values["max_seq"],
        gaps=_gaps(through, values["above"]),
    )


def _advanced_in_step(
    session: Session, rep_id: uuid.UUID, device_id: str, seqs: list[int], now: datetime
) -> bool:
    """The usual push in one statement: its numbers follow on from all the device sent before
    (nothing missing, nothing beyond). A guess the update's condition checks; when it fails
    (a retry, a gap, a new device) nothing was written."""
    numbers = sorted(set(seqs))
    if not numbers or numbers[-1] - numbers[0] + 1 != len(numbers):
        return False
    advanced = session.execute(
        _ADVANCE_IN_STEP,
        {
            "rep": rep_id,
            "device": device_id,
            "before": numbers[0] - 1,
            "through": numbers[-1],
            "seen": now,
        },
    )
    return bool(advanced.rowcount == 1)  # type: ignore[attr-defined]
