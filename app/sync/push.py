"""The push: a batch of mutations from one device, each applied exactly once.

One push runs like this, in the request's transaction:
1. every mutation is validated on its own (a malformed one gets its own `invalid` reason);
2. the clock row is locked (`lock_clock`), so pushes run one at a time until commit;
3. everything the batch refers to is loaded with a handful of queries (ledger rows, leads,
   codes, outcomes, pending retractions, collateral), and each mutation is planned in order
   against that state plus what earlier mutations of the batch did;
4. the plan is written with bulk inserts inside one savepoint. Should an insert still collide
   (a writer that bypassed the lock), the savepoint is rolled back and the batch planned again
   from fresh state, where the colliding ids are now duplicates;
5. listeners, change records for the phones, and the device's sequence numbers follow.
A mutation is either written whole or not at all; the answer goes out after the commit.

`outcome.amend` adds detail chips or a note to an outcome after the tap (the rep's own, not
taken back; chips allowed for its code); the insights count its chips anew (listeners with
sign 0). `lead.plan` moves the rep's next visit to a lead to a day (a follow-up's date chip):
the lead's planned time of day on the organisation's clock, else `PLAN_TIME`; a day before
today there is refused (`past_date`). Both tell every phone of the rep (a lead change).
"""

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import and_, insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.campaigns.models import Campaign
from app.campaigns.service import campaigns_seen_by
from app.changes.log import SyncChange, SyncEntity, lock_clock, record_changes
from app.collateral.counters import Objection, recommend_counters
from app.collateral.models import Collateral
from app.core.bulk import execute_rows
from app.core.db import table_of
from app.core.inputs import TOO_EARLY, TOO_FAR_AHEAD, printable
from app.core.time import as_utc, utcnow
from app.leads.models import Lead
from app.outcomes.models import (
    Outcome,
    OutcomeCode,
    OutcomeCollateralFit,
    OutcomeCollateralView,
)
from app.outcomes.service import (
    OUTCOME_BATCH_LISTENERS,
    notify_listeners,
)
from app.shares import mutations as share_mutations
from app.shares.schemas import ShareCreate, ShareRevoke
from app.signals.models import Signal
from app.sync.models import AppliedMutation, SyncDevice
from app.sync.schemas import (
    AnyMutation,
    DeviceState,
    LeadPlan,
    Mutation,
    MutationResult,
    MutationStatus,
    OutcomeAmend,
    OutcomeLog,
    OutcomeRetract,
    PushResponse,
    SignalSend,
)
from app.webhooks import events as webhook_events

_mutation_adapter: TypeAdapter[AnyMutation] = TypeAdapter(Mutation)
MAX_ATTEMPTS = 5
PLAN_TIME = time(9, 0)  # a planned visit's time of day when the lead had none
UTC_ZONE = ZoneInfo("UTC")


def payload_hash(rep_id: uuid.UUID, mutation: AnyMutation) -> str:
    """SHA-256 of the canonical mutation (UTC times, sorted keys, without the transport `seq`)."""
    data = mutation.model_dump(mode="json", exclude={"seq"})
    if isinstance(mutation, SignalSend) and mutation.occurred_at is None:
        del data["occurred_at"]  # a signal queued before phones sent it hashes as it did then
    data["rep"] = str(rep_id)
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


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
        parsed.append(_Parsed(index, str(mutation.id), mutation, payload_hash(rep_id, mutation)))
    return parsed


@dataclass(frozen=True, slots=True)
class _LeadRef:
    """The columns of a lead the push needs (whole ORM leads with their briefs cost more)."""

    id: uuid.UUID
    rep_id: uuid.UUID
    campaign_id: uuid.UUID | None
    planned_visit_at: datetime | None


@dataclass
class _State:
    """What the batch refers to, loaded in a few queries."""

    ledger: dict[uuid.UUID, tuple[uuid.UUID, str]]
    leads: dict[uuid.UUID, _LeadRef]
    ever_assigned: set[uuid.UUID]
    codes: dict[str, list[str]]  # code -> its allowed detail chips
    outcomes: dict[uuid.UUID, Outcome]
    pending_retractions: set[uuid.UUID]
    collateral: dict[uuid.UUID, uuid.UUID]  # id -> its campaign
    campaigns: set[uuid.UUID]
    seen_campaigns: set[uuid.UUID]  # of the campaigns referred to, those the rep could see
    shares: share_mutations.ShareState = field(default_factory=share_mutations.ShareState)


def _ledger(
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


def _load(session: Session, rep_id: uuid.UUID, items: list[_Parsed]) -> _State:
    ids = [p.mutation.id for p in items if p.mutation]
    logs = [p.mutation for p in items if isinstance(p.mutation, OutcomeLog)]
    retracts = [p.mutation for p in items if isinstance(p.mutation, OutcomeRetract)]
    amends = [p.mutation for p in items if isinstance(p.mutation, OutcomeAmend)]
    plans = [p.mutation for p in items if isinstance(p.mutation, LeadPlan)]
    signals = [p.mutation for p in items if isinstance(p.mutation, SignalSend)]
    ledger, pending = _ledger(session, rep_id, ids, [m.id for m in logs])
    outcome_ids = {r.outcome_id for r in retracts} | {a.outcome_id for a in amends}
    outcomes = (
        {o.id: o for o in session.exec(select(Outcome).where(col(Outcome.id).in_(outcome_ids)))}
        if outcome_ids
        else {}
    )
    lead_ids = {m.lead_id for m in logs} | {m.lead_id for m in signals if m.lead_id}
    lead_ids |= {o.lead_id for o in outcomes.values()} | {p.lead_id for p in plans}
    lead = table_of(Lead).c
    columns = (lead.id, lead.rep_id, lead.campaign_id, lead.planned_visit_at)
    leads = (
        {
            row[0]: _LeadRef(*row)
            for row in session.execute(select(*columns).where(lead.id.in_(lead_ids)))
        }
        if lead_ids
        else {}
    )
    foreign = [lid for lid, lead in leads.items() if lead.rep_id != rep_id]
    ever_assigned = set()
    if foreign:
        ever_assigned = {
            uuid.UUID(eid)
            for eid in session.exec(
                select(SyncChange.entity_id).where(
                    SyncChange.rep_id == rep_id,
                    SyncChange.entity == SyncEntity.lead,
                    col(SyncChange.entity_id).in_([str(f) for f in foreign]),
                )
            )
        }
    collateral_ids = {v.collateral_id for m in logs for v in m.collateral_viewed}
    collateral_ids |= {f.collateral_id for m in logs for f in m.collateral_fit}
    collateral: dict[uuid.UUID, uuid.UUID] = (
        dict(
            session.exec(
                select(Collateral.id, Collateral.campaign_id).where(
                    col(Collateral.id).in_(collateral_ids)
                )
            ).all()
        )
        if collateral_ids
        else {}
    )
    campaign_ids = {m.campaign_id for m in signals if m.campaign_id}
    campaigns = (
        set(session.exec(select(Campaign.id).where(col(Campaign.id).in_(campaign_ids))))
        if campaign_ids
        else set()
    )
    code = table_of(OutcomeCode).c
    codes = {name: allowed for name, allowed in session.execute(select(code.code, code.details))}
    seen = campaigns_seen_by(session, rep_id, set(collateral.values()) | campaigns)
    shares = share_mutations.load(session, rep_id, [p.mutation for p in items])
    return _State(
        ledger, leads, ever_assigned, codes, outcomes, pending, collateral, campaigns, seen, shares
    )


def _may_quote(state: _State, campaign_id: uuid.UUID | None, lead: _LeadRef | None) -> bool:
    """May a mutation about `lead` name this campaign (or collateral of it)? One the rep could
    see (`campaigns_seen_by`) or the lead's own: what a rep is given, the rep can use."""
    if campaign_id is None:
        return False
    own = lead is not None and lead.campaign_id == campaign_id
    return own or campaign_id in state.seen_campaigns


@dataclass
class _Plan:
    results: list[MutationResult] = field(default_factory=list)
    ledger: list[dict[str, Any]] = field(default_factory=list)
    outcomes: list[dict[str, Any]] = field(default_factory=list)
    views: list[dict[str, Any]] = field(default_factory=list)
    fits: list[dict[str, Any]] = field(default_factory=list)
    signals: list[dict[str, Any]] = field(default_factory=list)
    retract: list[Outcome] = field(default_factory=list)
    amend: dict[uuid.UUID, Outcome] = field(default_factory=dict)  # stored, chips/note changed
    planned: dict[uuid.UUID, datetime] = field(default_factory=dict)  # lead -> next visit
    lead_changes: set[tuple[uuid.UUID, uuid.UUID]] = field(default_factory=set)
    signal_ids: list[uuid.UUID] = field(default_factory=list)
    shares: share_mutations.SharePlan = field(default_factory=share_mutations.SharePlan)


def _reject(plan: _Plan, item: _Parsed, reason: str, detail: str = "") -> None:
    plan.results.append(
        MutationResult(
            id=item.raw_id, status=MutationStatus.rejected, reason=reason, detail=detail or None
        )
    )


def _plan(
    rep_id: uuid.UUID,
    device_id: str,
    items: list[_Parsed],
    state: _State,
    now: datetime,
    zone: ZoneInfo,
) -> _Plan:
    plan = _Plan()
    seen: dict[uuid.UUID, str] = {}  # mutation id -> hash, applied earlier in this batch
    new_outcomes: dict[uuid.UUID, dict[str, Any]] = {}
    pending = set(state.pending_retractions)
    for item in items:
        m = item.mutation
        if m is None:
            _reject(plan, item, item.reason, item.error)
            continue
        known = state.ledger.get(m.id)
        earlier = seen.get(m.id)
        if known is not None or earlier is not None:
            same = (known == (rep_id, item.hash)) if known else (earlier == item.hash)
            if same:
                plan.results.append(MutationResult(id=item.raw_id, status="duplicate"))
            else:
                _reject(plan, item, "conflict", "This id was used before with other content")
            continue
        flags: list[str] = []
        target: uuid.UUID | None = None
        if isinstance(m, OutcomeLog):
            lead = state.leads.get(m.lead_id)
            if lead is None or (lead.rep_id != rep_id and lead.id not in state.ever_assigned):
                _reject(plan, item, "unknown_lead", "lead_id: no such lead of yours")
                continue
            allowed = state.codes.get(m.code)
            if allowed is None:
                _reject(plan, item, "unknown_code", f"code: {m.code!r} is not an outcome code")
                continue
            bad = [d for d in m.details if d not in allowed]
            if bad:
                _reject(plan, item, "invalid_details", f"details: not allowed for {m.code}: {bad}")
                continue
            reassigned = lead.rep_id != rep_id
            if reassigned:
                flags.append("reassigned")
            retracted = m.id in pending
            if retracted:
                flags.append("retracted")
            row = {
                "id": m.id,
                "rep_id": rep_id,
                "lead_id": lead.id,
                "campaign_id": lead.campaign_id,
                "code": m.code,
                "details": list(dict.fromkeys(m.details)),
                "note": m.note,
                "occurred_at": m.occurred_at,
                "received_at": now,
                "device_id": device_id,
                "device_seq": m.seq,
                "reassigned": reassigned,
                "retracted_at": now if retracted else None,
            }
            plan.outcomes.append(row)
            new_outcomes[m.id] = row
            quoted = {v.collateral_id for v in m.collateral_viewed}
            quoted |= {f.collateral_id for f in m.collateral_fit}
            usable = {c for c in quoted if _may_quote(state, state.collateral.get(c), lead)}
            if usable != quoted:  # unknown, or of a campaign the rep could not see
                flags.append("collateral_dropped")
            views: dict[uuid.UUID, dict[str, Any]] = {}
            for v in m.collateral_viewed:
                if v.collateral_id not in usable:
                    continue
                got = views.setdefault(
                    v.collateral_id,
                    {
                        "outcome_id": m.id,
                        "collateral_id": v.collateral_id,
                        "seconds": 0,
                        "pages": [],
                    },
                )
                got["seconds"] = min(got["seconds"] + v.seconds, 86_400)
                got["pages"] = sorted(set(got["pages"]) | set(v.pages))
            plan.views.extend(views.values())
            fits = {
                f.collateral_id: {
                    "outcome_id": m.id,
                    "collateral_id": f.collateral_id,
                    "fit": f.fit,
                }
                for f in m.collateral_fit
                if f.collateral_id in usable
            }
            plan.fits.extend(fits.values())
            plan.lead_changes.add((lead.id, lead.rep_id))
        elif isinstance(m, OutcomeRetract):
            target = m.outcome_id
            outcome = state.outcomes.get(target)
            if outcome is not None:
                if outcome.rep_id != rep_id:
                    _reject(plan, item, "unknown_outcome", "outcome_id: no such outcome of yours")
                    continue
                if outcome.retracted_at is None and outcome not in plan.retract:
                    plan.retract.append(outcome)
                    lead = state.leads.get(outcome.lead_id)
                    if lead is not None:
                        plan.lead_changes.add((lead.id, lead.rep_id))
            elif target in new_outcomes:
                new_outcomes[target]["retracted_at"] = now
            else:
                pending.add(target)  # kept; applied when the outcome arrives
                flags.append("pending")
        elif isinstance(m, OutcomeAmend):
            refusal = _amend(plan, rep_id, m, state, new_outcomes.get(m.outcome_id))
            if refusal:
                _reject(plan, item, *refusal)
                continue
        elif isinstance(m, LeadPlan):
            refusal = _plan_visit(plan, rep_id, m, state, now, zone)
            if refusal:
                _reject(plan, item, *refusal)
                continue
        elif isinstance(m, ShareCreate | ShareRevoke):
            refusal = share_mutations.plan(
                plan.shares, rep_id, m, state.shares, now, zone, plan.lead_changes, flags
            )
            if refusal:
                _reject(plan, item, *refusal)
                continue
        else:
            campaign_id = m.campaign_id
            if m.lead_id is not None:
                lead = state.leads.get(m.lead_id)
                if lead is None or (lead.rep_id != rep_id and lead.id not in state.ever_assigned):
                    _reject(plan, item, "unknown_lead", "lead_id: no such lead of yours")
                    continue
                campaign_id = campaign_id or lead.campaign_id
            if m.campaign_id is not None and m.campaign_id not in state.campaigns:
                _reject(plan, item, "unknown_campaign", "campaign_id: no such campaign")
                continue
            signal_lead = state.leads.get(m.lead_id) if m.lead_id else None
            if m.campaign_id is not None and not _may_quote(state, m.campaign_id, signal_lead):
                flags.append("campaign_dropped")  # it exists, but the rep could not see it
                campaign_id = signal_lead.campaign_id if signal_lead else None
            plan.signals.append(
                {
                    "id": m.id,
                    "rep_id": rep_id,
                    "kind": m.kind,
                    "lead_id": m.lead_id,
                    "campaign_id": campaign_id,
                    "text": m.text,
                    "occurred_at": m.occurred_at or now,
                    "created_at": now,
                    "device_id": device_id,
                    "status": "open",
                    "reply": "",
                }
            )
            plan.signal_ids.append(m.id)
        seen[m.id] = item.hash
        plan.ledger.append(
            {
                "id": m.id,
                "rep_id": rep_id,
                "kind": m.type,
                "payload_hash": item.hash,
                "target_id": target,
                "device_id": device_id,
                "device_seq": m.seq,
                "received_at": now,
            }
        )
        plan.results.append(
            MutationResult(id=item.raw_id, status=MutationStatus.applied, flags=flags)
        )
    return plan


def _amend(
    plan: _Plan,
    rep_id: uuid.UUID,
    m: OutcomeAmend,
    state: _State,
    new_row: dict[str, Any] | None,
) -> tuple[str, str] | None:
    """Plan an amendment (of an outcome stored before, or earlier in this batch); the reason
    and detail of a refusal."""
    stored = state.outcomes.get(m.outcome_id)
    if new_row is None and (stored is None or stored.rep_id != rep_id):
        return "unknown_outcome", "outcome_id: no such outcome of yours"
    retracted = new_row["retracted_at"] if new_row else stored.retracted_at  # type: ignore[union-attr]
    if retracted is not None or stored in plan.retract:
        return "retracted_outcome", "outcome_id: this outcome was taken back"
    code = new_row["code"] if new_row else stored.code  # type: ignore[union-attr]
    if m.details is not None:
        bad = [d for d in m.details if d not in state.codes.get(code, [])]
        if bad:
            return "invalid_details", f"details: not allowed for {code}: {bad}"
    values: dict[str, Any] = {}
    if m.details is not None:
        values["details"] = list(dict.fromkeys(m.details))
    if m.note is not None:
        values["note"] = m.note
    if new_row is not None:  # not written yet: it is written amended
        new_row.update(values)
        return None
    assert stored is not None
    for name, value in values.items():
        setattr(stored, name, value)
    plan.amend[stored.id] = stored
    lead = state.leads.get(stored.lead_id)
    if lead is not None:
        plan.lead_changes.add((lead.id, lead.rep_id))
    return None


def planned_instant(day: date, before: datetime | None, zone: ZoneInfo) -> datetime:
    """A visit on `day` at the time of day of the visit planned `before` (else `PLAN_TIME`),
    on the clock of `zone`, as a UTC instant. A time the clocks skip that day is read with
    the offset before the change (02:30 becomes 03:30 in summer time)."""
    at = as_utc(before).astimezone(zone).time().replace(tzinfo=None) if before else PLAN_TIME
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC_ZONE)


def _plan_visit(
    plan: _Plan, rep_id: uuid.UUID, m: LeadPlan, state: _State, now: datetime, zone: ZoneInfo
) -> tuple[str, str] | None:
    lead = state.leads.get(m.lead_id)
    if lead is None or lead.rep_id != rep_id:
        return "unknown_lead", "lead_id: no such lead of yours"
    today = now.astimezone(zone).date()
    if m.planned_on < today:
        return "past_date", f"planned_on: {m.planned_on} lies before today ({today})"
    before = plan.planned.get(lead.id, lead.planned_visit_at)
    plan.planned[lead.id] = planned_instant(m.planned_on, before, zone)
    plan.lead_changes.add((lead.id, lead.rep_id))
    return None


_INSERTS = {
    model: insert(table_of(model))
    for model in (AppliedMutation, Outcome, OutcomeCollateralView, OutcomeCollateralFit, Signal)
}


def _write(session: Session, plan: _Plan, now: datetime) -> None:
    for model, rows in (
        (AppliedMutation, plan.ledger),
        (Outcome, plan.outcomes),
        (OutcomeCollateralView, plan.views),
        (OutcomeCollateralFit, plan.fits),
        (Signal, plan.signals),
    ):
        execute_rows(session, _INSERTS[model], rows)
    share_mutations.write(session, plan.shares, now)
    if plan.retract:
        session.execute(
            update(Outcome)
            .where(
                and_(
                    col(Outcome.id).in_([o.id for o in plan.retract]),
                    col(Outcome.retracted_at).is_(None),
                )
            )
            .values(retracted_at=now)
            .execution_options(synchronize_session=False)
        )
    if plan.amend:
        session.flush()  # the amended chips and notes (loaded outcomes, changed in place)
    for lead_id, at in plan.planned.items():
        session.execute(
            update(Lead)
            .where(col(Lead.id) == lead_id)
            .values(planned_visit_at=at, updated_at=now)
            .execution_options(synchronize_session=False)
        )


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
    lock_clock(session)
    now = utcnow()
    for attempt in range(MAX_ATTEMPTS):
        state = _load(session, rep_id, items)
        plan = _plan(rep_id, device_id, items, state, now, zone)
        try:
            with session.begin_nested():
                _write(session, plan, now)
            break
        except IntegrityError:
            if attempt == MAX_ATTEMPTS - 1:
                raise
            session.expire_all()
    if OUTCOME_BATCH_LISTENERS:
        # The rows were validated already; model_construct skips a second validation
        # (SQLModel's __init__ costs ~0.1 ms per outcome).
        stored = [
            Outcome.model_construct(**row) for row in plan.outcomes if row["retracted_at"] is None
        ]
        notify_listeners(session, stored, +1)
        notify_listeners(session, list(plan.amend.values()), 0)
        for outcome in plan.retract:
            outcome.retracted_at = now
        notify_listeners(session, plan.retract, -1)
    webhook_events.signals_sent(session, plan.signals)
    plan.lead_changes |= recommend_counters(session, _objections(plan), now=now, zone=zone)
    changes: list[tuple[SyncEntity, uuid.UUID, uuid.UUID | None]] = [
        (SyncEntity.lead, lead_id, lead_rep) for lead_id, lead_rep in sorted(plan.lead_changes)
    ]
    changes += [(SyncEntity.signal, sid, rep_id) for sid in plan.signal_ids]
    record_changes(session, changes)
    seqs = [p.mutation.seq for p in items if p.mutation and p.mutation.seq]
    device = track_device(session, rep_id=rep_id, device_id=device_id, seqs=seqs, now=now)
    return PushResponse(results=plan.results, device=device)


def _objections(plan: _Plan) -> list[Objection]:
    """The chips of the outcomes written and amended: their counter-collateral is recommended."""
    said = [
        Objection(row["lead_id"], row["details"], row["occurred_at"])
        for row in plan.outcomes
        if row["retracted_at"] is None and row["details"]
    ]
    return said + [Objection(o.lead_id, o.details, o.occurred_at) for o in plan.amend.values()]


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
