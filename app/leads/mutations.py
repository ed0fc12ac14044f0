"""The leads a push refers to, and `lead.plan` (a follow-up's date chip) in the push: loaded,
planned and written with the batch (app/sync/push.py)."""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, update
from sqlmodel import Session, col, select

from app.changes.log import SyncChange, SyncEntity
from app.core.db import table_of
from app.core.time import as_utc
from app.leads.models import Lead
from app.leads.schemas import LeadPlan

PLAN_TIME = time(9, 0)  # a planned visit's time of day when the lead had none
UTC_ZONE = ZoneInfo("UTC")


@dataclass(frozen=True, slots=True)
class LeadRef:
    """The columns of a lead the push needs (whole ORM leads with their briefs cost more)."""

    id: uuid.UUID
    rep_id: uuid.UUID
    campaign_id: uuid.UUID | None
    planned_visit_at: datetime | None


@dataclass
class BatchLeads:
    """The leads a batch names, and which of those held by others the rep ever had."""

    rep_id: uuid.UUID
    refs: dict[uuid.UUID, LeadRef] = field(default_factory=dict)
    ever_assigned: set[uuid.UUID] = field(default_factory=set)

    def get(self, lead_id: uuid.UUID | None) -> LeadRef | None:
        return self.refs.get(lead_id) if lead_id is not None else None

    def known(self, lead_id: uuid.UUID) -> LeadRef | None:
        """The lead, if the rep holds it or ever held it (a visit logged before a
        reassignment still happened); None: no lead of theirs."""
        lead = self.refs.get(lead_id)
        if lead is None or (lead.rep_id != self.rep_id and lead.id not in self.ever_assigned):
            return None
        return lead


_LEAD = table_of(Lead).c
# Built once (a push runs it every time): building and keying a statement costs as much as
# running it on SQLite.
_LEAD_REFS = select(_LEAD.id, _LEAD.rep_id, _LEAD.campaign_id, _LEAD.planned_visit_at).where(
    _LEAD.id.in_(bindparam("ids", expanding=True))
)


def load_leads(session: Session, rep_id: uuid.UUID, lead_ids: set[uuid.UUID]) -> BatchLeads:
    found = BatchLeads(rep_id)
    if not lead_ids:
        return found
    rows = session.execute(_LEAD_REFS, {"ids": list(lead_ids)})
    found.refs = {row[0]: LeadRef(*row) for row in rows}
    foreign = [str(i) for i, ref in found.refs.items() if ref.rep_id != rep_id]
    if foreign:
        # A lead is recorded for each rep it was assigned to: the change log remembers them.
        had = select(SyncChange.entity_id).where(
            SyncChange.rep_id == rep_id,
            SyncChange.entity == SyncEntity.lead,
            col(SyncChange.entity_id).in_(foreign),
        )
        found.ever_assigned = {uuid.UUID(eid) for eid in session.exec(had)}
    return found


def planned_instant(day: date, before: datetime | None, zone: ZoneInfo) -> datetime:
    """A visit on `day` at the time of day of the visit planned `before` (else `PLAN_TIME`),
    on the clock of `zone`, as a UTC instant. A time the clocks skip that day is read with
    the offset before the change (02:30 becomes 03:30 in summer time)."""
    at = as_utc(before).astimezone(zone).time().replace(tzinfo=None) if before else PLAN_TIME
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC_ZONE)


def plan_visit(
    planned: dict[uuid.UUID, datetime],
    leads: BatchLeads,
    m: LeadPlan,
    now: datetime,
    zone: ZoneInfo,
    lead_changes: set[tuple[uuid.UUID, uuid.UUID]],
) -> tuple[str, str] | None:
    """Plan the rep's next visit to a lead they hold (`planned`: lead -> its new visit); the
    reason and detail of a refusal."""
    lead = leads.get(m.lead_id)
    if lead is None or lead.rep_id != leads.rep_id:
        return "unknown_lead", "lead_id: no such lead of yours"
    today = now.astimezone(zone).date()
    if m.planned_on < today:
        return "past_date", f"planned_on: {m.planned_on} lies before today ({today})"
    before = planned.get(lead.id, lead.planned_visit_at)
    planned[lead.id] = planned_instant(m.planned_on, before, zone)
    lead_changes.add((lead.id, lead.rep_id))
    return None


def write_visits(session: Session, planned: dict[uuid.UUID, datetime], now: datetime) -> None:
    for lead_id, at in planned.items():
        session.execute(
            update(Lead)
            .where(col(Lead.id) == lead_id)
            .values(planned_visit_at=at, updated_at=now)
            .execution_options(synchronize_session=False)
        )
