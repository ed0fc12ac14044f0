"""The push's bookkeeping: every applied mutation id for ever (exactly once), and each
device's sequence numbers (which ones never arrived)."""

import hashlib
import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import insert, update
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


def applied_before(
    session: Session, rep_id: uuid.UUID, ids: list[uuid.UUID], log_ids: list[uuid.UUID]
) -> tuple[dict[uuid.UUID, tuple[uuid.UUID, str]], set[uuid.UUID]]:
    """From the ledger: the batch's ids applied before (rep, payload hash), and the outcomes of
    this batch that this rep's retractions aimed at before they arrived."""
    if not ids:
        return {}, set()
    m = table_of(AppliedMutation).c
    ledger = {
        mutation_id: (mutation_rep, payload)
        for mutation_id, mutation_rep, payload in session.execute(
            select(m.id, m.rep_id, m.payload_hash).where(m.id.in_(ids))
        )
    }
    pending: set[uuid.UUID] = set()
    if log_ids:  # two queries: one OR made SQLite walk all of the rep's mutations
        aimed_at = select(m.target_id).where(m.target_id.in_(log_ids), m.rep_id == rep_id)
        pending = {target for (target,) in session.execute(aimed_at) if target is not None}
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


def track_device(
    session: Session, *, rep_id: uuid.UUID, device_id: str, seqs: list[int], now: datetime
) -> DeviceState:
    """Record the sequence numbers that arrived (Core statements: the ORM's load and flush of
    this one row cost more than the rest of the bookkeeping)."""
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
