"""The push: a batch of mutations from one device, each applied exactly once.

This module keeps the ledger (app/sync/ledger.py: idempotency, the device's sequence numbers)
and hands each mutation to the feature that owns its rules: outcomes (app/outcomes/mutations.py),
signals (app/signals/mutations.py), planned visits (app/leads/mutations.py), shares
(app/shares/mutations.py). One push runs like this, in the request's transaction:
1. every mutation is validated on its own (a malformed one gets its own `invalid` reason);
2. the push takes its turn (`hold_for_push`): pushes of one rep run one at a time until
   commit, those of different reps side by side (PostgreSQL; SQLite writes one at a time);
3. each feature loads what the batch refers to with a handful of queries, and each mutation is
   planned in order against that state plus what earlier mutations of the batch did;
4. the plan is written with bulk inserts inside one savepoint. Should an insert still collide
   (a writer that bypassed the lock), the savepoint is rolled back and the batch planned again
   from fresh state, where the colliding ids are now duplicates;
5. listeners, change records for the phones, and the device's sequence numbers follow.
A mutation is either written whole or not at all; the answer goes out after the commit.
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import TypeAdapter, ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.changes.log import SyncEntity, hold_for_push, record_changes
from app.collateral.counters import Objection, recommend_counters
from app.collateral.quoting import Quoting, load_quoting
from app.core.inputs import TOO_EARLY, TOO_FAR_AHEAD, printable
from app.core.time import utcnow
from app.leads import mutations as lead_mutations
from app.leads.schemas import LeadPlan
from app.outcomes import mutations as outcome_mutations
from app.outcomes.schemas import OutcomeAmend, OutcomeLog, OutcomeRetract
from app.shares import mutations as share_mutations
from app.shares.schemas import ShareCreate, ShareRevoke
from app.signals import mutations as signal_mutations
from app.sync import ledger
from app.sync.schemas import AnyMutation, Mutation, MutationResult, MutationStatus, PushResponse

_mutation_adapter: TypeAdapter[AnyMutation] = TypeAdapter(Mutation)
MAX_ATTEMPTS = 5
UTC_ZONE = ZoneInfo("UTC")

# Refusals by time get reasons of their own: a phone shows them apart from malformed data.
TIME_REASONS = {TOO_EARLY: "invalid_timestamp", TOO_FAR_AHEAD: "future_timestamp"}


def _describe(error: ValidationError) -> tuple[str, str]:
    """The reason (`invalid`, or a time's) and the detail naming the fields, repeatable in an
    answer whatever the mutation held."""
    problems = error.errors()
    reason = next((TIME_REASONS[p["type"]] for p in problems if p["type"] in TIME_REASONS), "")
    parts = []
    for item in problems[:3]:
        where = ".".join(str(p) for p in item["loc"]) or "mutation"
        parts.append(f"{where}: {item['msg']}")
    return reason or "invalid", printable("; ".join(parts))


@dataclass
class _Parsed:
    index: int
    raw_id: str | None
    mutation: AnyMutation | None
    hash: str = ""
    reason: str = ""
    error: str = ""


def _parse(rep_id: uuid.UUID, raw: list[dict[str, Any]]) -> list[_Parsed]:
    parsed = []
    for index, item in enumerate(raw):
        raw_id = item.get("id")
        shown = printable(str(raw_id)[:100]) if raw_id is not None else None
        try:
            mutation = _mutation_adapter.validate_python(item)
        except ValidationError as error:
            reason, detail = _describe(error)
            parsed.append(_Parsed(index, shown, None, reason=reason, error=detail))
            continue
        hashed = ledger.payload_hash(rep_id, mutation)
        parsed.append(_Parsed(index, str(mutation.id), mutation, hashed))
    return parsed


@dataclass
class _Batch:
    """What the batch refers to (loaded by each feature) and what it will write."""

    applied: dict[uuid.UUID, tuple[uuid.UUID, str]]  # the ledger: id -> (rep, payload hash)
    leads: lead_mutations.BatchLeads
    quoting: Quoting
    outcomes: outcome_mutations.OutcomeWork
    shares: share_mutations.ShareState
    signals: signal_mutations.SignalWork = field(default_factory=signal_mutations.SignalWork)
    share_plan: share_mutations.SharePlan = field(default_factory=share_mutations.SharePlan)
    planned: dict[uuid.UUID, datetime] = field(default_factory=dict)  # lead -> next visit
    lead_changes: set[tuple[uuid.UUID, uuid.UUID]] = field(default_factory=set)
    results: list[MutationResult] = field(default_factory=list)
    ledger: list[dict[str, Any]] = field(default_factory=list)


def _load(session: Session, rep_id: uuid.UUID, items: list[_Parsed]) -> _Batch:
    mutations = [p.mutation for p in items if p.mutation]
    logs = [m.id for m in mutations if isinstance(m, OutcomeLog)]
    applied, pending = ledger.applied_before(session, rep_id, [m.id for m in mutations], logs)
    outcomes = outcome_mutations.load(session, mutations, pending)
    lead_ids = outcome_mutations.lead_ids(outcomes, mutations)
    lead_ids |= signal_mutations.lead_ids(mutations)
    lead_ids |= {m.lead_id for m in mutations if isinstance(m, LeadPlan)}
    return _Batch(
        applied=applied,
        leads=lead_mutations.load_leads(session, rep_id, lead_ids),
        quoting=load_quoting(
            session,
            rep_id,
            outcome_mutations.collateral_ids(mutations),
            signal_mutations.campaign_ids(mutations),
        ),
        outcomes=outcomes,
        shares=share_mutations.load(session, rep_id, mutations),
    )


def _apply(
    batch: _Batch, m: AnyMutation, origin: dict[str, Any], zone: ZoneInfo, flags: list[str]
) -> tuple[str, str] | None:
    """Hand one mutation to the feature that owns it; the reason and detail of a refusal."""
    rep_id, now, changes = origin["rep_id"], origin["received_at"], batch.lead_changes
    leads, work = batch.leads, batch.outcomes
    if isinstance(m, OutcomeLog):
        lead = leads.known(m.lead_id)
        return outcome_mutations.plan_log(work, m, lead, batch.quoting.item, origin, flags, changes)
    if isinstance(m, OutcomeRetract):
        return outcome_mutations.plan_retract(work, m, rep_id, leads.get, now, flags, changes)
    if isinstance(m, OutcomeAmend):
        return outcome_mutations.plan_amend(work, m, rep_id, leads.get, changes)
    if isinstance(m, LeadPlan):
        return lead_mutations.plan_visit(batch.planned, leads, m, now, zone, changes)
    if isinstance(m, ShareCreate | ShareRevoke):
        return share_mutations.plan(
            batch.share_plan, rep_id, m, batch.shares, now, zone, changes, flags
        )
    return signal_mutations.plan_send(batch.signals, m, leads.known, batch.quoting, origin, flags)


def _plan(batch: _Batch, items: list[_Parsed], origin: dict[str, Any], zone: ZoneInfo) -> None:
    rep_id = origin["rep_id"]
    seen: dict[uuid.UUID, str] = {}  # mutation id -> hash, applied earlier in this batch
    for item in items:
        m = item.mutation
        if m is None:
            _reject(batch, item, item.reason, item.error)
            continue
        known = batch.applied.get(m.id)
        earlier = seen.get(m.id)
        if known is not None or earlier is not None:
            same = (known == (rep_id, item.hash)) if known else (earlier == item.hash)
            if same:
                batch.results.append(MutationResult(id=item.raw_id, status="duplicate"))
            else:
                _reject(batch, item, "conflict", "This id was used before with other content")
            continue
        flags: list[str] = []
        refusal = _apply(batch, m, origin, zone, flags)
        if refusal:
            _reject(batch, item, *refusal)
            continue
        seen[m.id] = item.hash
        target = m.outcome_id if isinstance(m, OutcomeRetract) else None
        batch.ledger.append(
            {
                "id": m.id,
                "rep_id": rep_id,
                "kind": m.type,
                "payload_hash": item.hash,
                "target_id": target,
                "device_id": origin["device_id"],
                "device_seq": m.seq,
                "received_at": origin["received_at"],
            }
        )
        ok = MutationResult(id=item.raw_id, status=MutationStatus.applied, flags=flags)
        batch.results.append(ok)


def _reject(batch: _Batch, item: _Parsed, reason: str, detail: str = "") -> None:
    batch.results.append(
        MutationResult(
            id=item.raw_id, status=MutationStatus.rejected, reason=reason, detail=detail or None
        )
    )


def _write(session: Session, batch: _Batch, now: datetime) -> None:
    ledger.write(session, batch.ledger)
    outcome_mutations.write(session, batch.outcomes, now)
    signal_mutations.write(session, batch.signals)
    share_mutations.write(session, batch.share_plan, now)
    lead_mutations.write_visits(session, batch.planned, now)


def push(
    session: Session,
    *,
    rep_id: uuid.UUID,
    device_id: str,
    mutations: list[dict[str, Any]],
    zone: ZoneInfo = UTC_ZONE,
) -> PushResponse:
    """`zone`: the organisation time zone (planned visits' time of day)."""
    items = _parse(rep_id, mutations)
    hold_for_push(session, rep_id)
    now = utcnow()
    origin = {"rep_id": rep_id, "device_id": device_id, "received_at": now}
    for attempt in range(MAX_ATTEMPTS):
        batch = _load(session, rep_id, items)
        _plan(batch, items, origin, zone)
        try:
            with session.begin_nested():
                _write(session, batch, now)
            break
        except IntegrityError:
            if attempt == MAX_ATTEMPTS - 1:
                raise
            session.expire_all()
    outcome_mutations.tell_listeners(session, batch.outcomes, now)
    signal_mutations.tell(session, batch.signals)
    batch.lead_changes |= recommend_counters(session, _objections(batch), now=now, zone=zone)
    changes: list[tuple[SyncEntity, uuid.UUID, uuid.UUID | None]] = [
        (SyncEntity.lead, lead_id, lead_rep) for lead_id, lead_rep in sorted(batch.lead_changes)
    ]
    changes += [(SyncEntity.signal, row["id"], rep_id) for row in batch.signals.rows]
    record_changes(session, changes)
    seqs = [p.mutation.seq for p in items if p.mutation and p.mutation.seq]
    device = ledger.track_device(session, rep_id=rep_id, device_id=device_id, seqs=seqs, now=now)
    return PushResponse(results=batch.results, device=device)


def _objections(batch: _Batch) -> list[Objection]:
    """The chips of the outcomes written and amended: their counter-collateral is recommended."""
    work = batch.outcomes
    said = [
        Objection(row["lead_id"], row["details"], row["occurred_at"])
        for row in work.rows
        if row["retracted_at"] is None and row["details"]
    ]
    return said + [Objection(o.lead_id, o.details, o.occurred_at) for o in work.amend.values()]
