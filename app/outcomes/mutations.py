"""`outcome.log`, `outcome.retract` and `outcome.amend` in the push: the outcomes' write rules,
planned against the batch's state and written with it (app/sync/push.py), then told to the
listeners (`service.notify_listeners`).

An Undo may arrive before its outcome (`pending`, kept in the push's ledger): the outcome is
then stored already taken back. An amendment replaces chips and/or the note of the rep's own
outcome that was not taken back, stored before or earlier in the same batch.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import and_, insert, update
from sqlmodel import Session, col, select

from app.core.bulk import execute_rows
from app.core.db import table_of
from app.outcomes.models import Outcome, OutcomeCode, OutcomeCollateralFit, OutcomeCollateralView
from app.outcomes.schemas import OutcomeAmend, OutcomeLog, OutcomeRetract
from app.outcomes.service import OUTCOME_BATCH_LISTENERS, notify_listeners

Refusal = tuple[str, str] | None
LeadChanges = set[tuple[uuid.UUID, uuid.UUID]]  # (lead, its rep): phones to tell


class LeadFacts(Protocol):
    """What an outcome needs to know of its lead."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def rep_id(self) -> uuid.UUID: ...
    @property
    def campaign_id(self) -> uuid.UUID | None: ...


Quotable = Callable[[uuid.UUID, LeadFacts], bool]  # may this visit name that collateral item?


@dataclass
class OutcomeWork:
    """What the batch's outcome mutations refer to, and what they will write."""

    codes: dict[str, list[str]]  # code -> its allowed detail chips
    stored: dict[uuid.UUID, Outcome]  # outcomes retracted or amended by the batch
    pending: set[uuid.UUID]  # outcomes whose Undo arrived first
    rows: list[dict[str, Any]] = field(default_factory=list)
    new: dict[uuid.UUID, dict[str, Any]] = field(default_factory=dict)
    views: list[dict[str, Any]] = field(default_factory=list)
    fits: list[dict[str, Any]] = field(default_factory=list)
    retract: list[Outcome] = field(default_factory=list)
    amend: dict[uuid.UUID, Outcome] = field(default_factory=dict)  # stored, chips/note changed


_CODES = select(table_of(OutcomeCode).c.code, table_of(OutcomeCode).c.details)  # built once


def load(session: Session, mutations: list[Any], pending: set[uuid.UUID]) -> OutcomeWork:
    aimed = {m.outcome_id for m in mutations if isinstance(m, OutcomeRetract | OutcomeAmend)}
    stored = (
        {o.id: o for o in session.exec(select(Outcome).where(col(Outcome.id).in_(aimed)))}
        if aimed
        else {}
    )
    codes = {name: allowed for name, allowed in session.execute(_CODES)}
    return OutcomeWork(codes, stored, set(pending))


def lead_ids(work: OutcomeWork, mutations: list[Any]) -> set[uuid.UUID]:
    """The leads the batch's outcome mutations are about."""
    logged = {m.lead_id for m in mutations if isinstance(m, OutcomeLog)}
    return logged | {o.lead_id for o in work.stored.values()}


def collateral_ids(mutations: list[Any]) -> set[uuid.UUID]:
    """The collateral the batch's visits name."""
    logs = [m for m in mutations if isinstance(m, OutcomeLog)]
    return {v.collateral_id for m in logs for v in m.collateral_viewed} | {
        f.collateral_id for m in logs for f in m.collateral_fit
    }


def plan_log(
    work: OutcomeWork,
    m: OutcomeLog,
    lead: LeadFacts | None,
    quotable: Quotable,
    origin: dict[str, Any],
    flags: list[str],
    lead_changes: LeadChanges,
) -> Refusal:
    """`lead`: the outcome's lead if the rep holds it or ever held it. `origin`: who sent it
    when (rep_id, device_id, received_at)."""
    if lead is None:
        return "unknown_lead", "lead_id: no such lead of yours"
    allowed = work.codes.get(m.code)
    if allowed is None:
        return "unknown_code", f"code: {m.code!r} is not an outcome code"
    bad = [d for d in m.details if d not in allowed]
    if bad:
        return "invalid_details", f"details: not allowed for {m.code}: {bad}"
    reassigned = lead.rep_id != origin["rep_id"]
    if reassigned:
        flags.append("reassigned")
    retracted = m.id in work.pending
    if retracted:
        flags.append("retracted")
    row = {
        "id": m.id,
        "rep_id": origin["rep_id"],
        "lead_id": lead.id,
        "campaign_id": lead.campaign_id,
        "code": m.code,
        "details": list(dict.fromkeys(m.details)),
        "note": m.note,
        "occurred_at": m.occurred_at,
        "received_at": origin["received_at"],
        "device_id": origin["device_id"],
        "device_seq": m.seq,
        "reassigned": reassigned,
        "retracted_at": origin["received_at"] if retracted else None,
    }
    work.rows.append(row)
    work.new[m.id] = row
    quoted = {v.collateral_id for v in m.collateral_viewed}
    quoted |= {f.collateral_id for f in m.collateral_fit}
    usable = {c for c in quoted if quotable(c, lead)}
    if usable != quoted:  # unknown, or of a campaign the rep could not see
        flags.append("collateral_dropped")
    _plan_collateral(work, m, usable)
    lead_changes.add((lead.id, lead.rep_id))
    return None


def _plan_collateral(work: OutcomeWork, m: OutcomeLog, usable: set[uuid.UUID]) -> None:
    views: dict[uuid.UUID, dict[str, Any]] = {}
    for v in m.collateral_viewed:
        if v.collateral_id not in usable:
            continue
        got = views.setdefault(
            v.collateral_id,
            {"outcome_id": m.id, "collateral_id": v.collateral_id, "seconds": 0, "pages": []},
        )
        got["seconds"] = min(got["seconds"] + v.seconds, 86_400)
        got["pages"] = sorted(set(got["pages"]) | set(v.pages))
    work.views.extend(views.values())
    fits = {
        f.collateral_id: {"outcome_id": m.id, "collateral_id": f.collateral_id, "fit": f.fit}
        for f in m.collateral_fit
        if f.collateral_id in usable
    }
    work.fits.extend(fits.values())


def plan_retract(
    work: OutcomeWork,
    m: OutcomeRetract,
    rep_id: uuid.UUID,
    lead_of: Callable[[uuid.UUID], LeadFacts | None],
    now: datetime,
    flags: list[str],
    lead_changes: LeadChanges,
) -> Refusal:
    target = m.outcome_id
    outcome = work.stored.get(target)
    if outcome is not None:
        if outcome.rep_id != rep_id:
            return "unknown_outcome", "outcome_id: no such outcome of yours"
        if outcome.retracted_at is None and outcome not in work.retract:
            work.retract.append(outcome)
            lead = lead_of(outcome.lead_id)
            if lead is not None:
                lead_changes.add((lead.id, lead.rep_id))
    elif target in work.new:
        work.new[target]["retracted_at"] = now
    else:
        work.pending.add(target)  # kept; applied when the outcome arrives
        flags.append("pending")
    return None


def plan_amend(
    work: OutcomeWork,
    m: OutcomeAmend,
    rep_id: uuid.UUID,
    lead_of: Callable[[uuid.UUID], LeadFacts | None],
    lead_changes: LeadChanges,
) -> Refusal:
    """Plan an amendment (of an outcome stored before, or earlier in this batch)."""
    new_row = work.new.get(m.outcome_id)
    stored = work.stored.get(m.outcome_id)
    if new_row is None and (stored is None or stored.rep_id != rep_id):
        return "unknown_outcome", "outcome_id: no such outcome of yours"
    retracted = new_row["retracted_at"] if new_row else stored.retracted_at  # type: ignore[union-attr]
    if retracted is not None or stored in work.retract:
        return "retracted_outcome", "outcome_id: this outcome was taken back"
    code = new_row["code"] if new_row else stored.code  # type: ignore[union-attr]
    if m.details is not None:
        bad = [d for d in m.details if d not in work.codes.get(code, [])]
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
    work.amend[stored.id] = stored
    lead = lead_of(stored.lead_id)
    if lead is not None:
        lead_changes.add((lead.id, lead.rep_id))
    return None


_INSERTS = {
    model: insert(table_of(model))
    for model in (Outcome, OutcomeCollateralView, OutcomeCollateralFit)
}


def write(session: Session, work: OutcomeWork, now: datetime) -> None:
    for model, rows in (
        (Outcome, work.rows),
        (OutcomeCollateralView, work.views),
        (OutcomeCollateralFit, work.fits),
    ):
        execute_rows(session, _INSERTS[model], rows)
    if work.retract:
        session.execute(
            update(Outcome)
            .where(
                and_(
                    col(Outcome.id).in_([o.id for o in work.retract]),
                    col(Outcome.retracted_at).is_(None),
                )
            )
            .values(retracted_at=now)
            .execution_options(synchronize_session=False)
        )
    if work.amend:
        session.flush()  # the amended chips and notes (loaded outcomes, changed in place)


def tell_listeners(session: Session, work: OutcomeWork, now: datetime) -> None:
    """Stored (+1), amended (0), then retracted (-1), in the push's transaction."""
    if not OUTCOME_BATCH_LISTENERS:
        return
    # The rows were validated already; model_construct skips a second validation
    # (SQLModel's __init__ costs ~0.1 ms per outcome).
    stored = [Outcome.model_construct(**row) for row in work.rows if row["retracted_at"] is None]
    notify_listeners(session, stored, +1)
    notify_listeners(session, list(work.amend.values()), 0)
    for outcome in work.retract:
        outcome.retracted_at = now
    notify_listeners(session, work.retract, -1)
