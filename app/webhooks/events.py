"""Webhook events: `emit` writes the outbox in the caller's transaction, and the small
functions below (called where things happen) shape each event's `data`.

Every body has the same envelope, documented in the README and stable:
`{"id": <event uuid>, "type": "outcome.logged", "created_at": <ISO 8601 UTC>, "data": {...}}`.
People appear as `{"id", "email", "name"}`, leads as `{"id", "external_ref", "company"}`
(`external_ref` is the CRM's own id when the lead came from it). Bodies never carry a secret.
Nothing is written (and nothing looked up) when no active endpoint subscribes to the type.

The features that emit events call these functions, so this module imports none of them but
outcomes (below it): a lead is read by its table's name and columns, a signal by the attributes
it has."""

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import String, Uuid, column, insert, table
from sqlmodel import Session, col, select

from app.auth.models import User
from app.core.time import utcnow
from app.outcomes.models import Outcome
from app.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent


class EventType(StrEnum):
    outcome_logged = "outcome.logged"
    outcome_retracted = "outcome.retracted"
    signal_sent = "signal.sent"
    signal_acknowledged = "signal.acknowledged"
    lead_assigned = "lead.assigned"
    share_opened = "share.opened"


Data = dict[str, Any]
_LEAD = table(
    "lead",
    column("id", Uuid()),
    column("external_ref", String()),
    column("company", String()),
    column("campaign_id", Uuid()),
)


class AcknowledgedSignal(Protocol):
    """What an acknowledgement's event tells of the signal (an `app.signals` Signal)."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def rep_id(self) -> uuid.UUID: ...
    @property
    def kind(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def occurred_at(self) -> datetime: ...
    @property
    def lead_id(self) -> uuid.UUID | None: ...
    @property
    def campaign_id(self) -> uuid.UUID | None: ...
    @property
    def acknowledged_at(self) -> datetime | None: ...
    @property
    def acknowledged_by_id(self) -> uuid.UUID | None: ...
    @property
    def reply(self) -> str: ...


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")


_ACTIVE = select(WebhookEndpoint.id, WebhookEndpoint.event_types).where(
    col(WebhookEndpoint.active).is_(True)
)  # built once: every push asks


def subscribers(session: Session, event_type: EventType) -> list[uuid.UUID]:
    rows = session.exec(_ACTIVE)
    return [endpoint_id for endpoint_id, types in rows if event_type.value in types]


def emit(session: Session, event_type: EventType, data: Data) -> None:
    emit_many(session, event_type, [data])


def emit_many(
    session: Session,
    event_type: EventType,
    datas: Sequence[Data],
    endpoint_ids: list[uuid.UUID] | None = None,
) -> int:
    """One event per `data` and one delivery per subscribed endpoint; returns the events
    written. Does not commit: the caller's transaction carries the outbox with the change."""
    endpoints = subscribers(session, event_type) if endpoint_ids is None else endpoint_ids
    if not datas or not endpoints:
        return 0
    now = utcnow()
    events, deliveries = [], []
    for data in datas:
        event_id = uuid.uuid4()
        body = {"id": str(event_id), "type": event_type.value, "created_at": iso(now), "data": data}
        events.append({"id": event_id, "type": event_type.value, "body": body, "created_at": now})
        deliveries += [
            {
                "event_id": event_id,
                "endpoint_id": endpoint_id,
                "status": DeliveryStatus.pending.value,
                "attempts": 0,
                "next_attempt_at": now,
                "last_error": "",
                "created_at": now,
            }
            for endpoint_id in endpoints
        ]
    session.execute(insert(WebhookEvent), events)
    session.execute(insert(WebhookDelivery), deliveries)
    return len(events)


# --- the shapes ----------------------------------------------------------------------------


def people(session: Session, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, Data]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.exec(select(User.id, User.email, User.name).where(col(User.id).in_(wanted)))
    return {i: {"id": str(i), "email": email, "name": name} for i, email, name in rows}


def leads(session: Session, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, Data]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    lead = _LEAD.c
    query = select(lead.id, lead.external_ref, lead.company, lead.campaign_id)
    return {
        i: {"id": str(i), "external_ref": ref, "company": company, "campaign_id": _str(campaign)}
        for i, ref, company, campaign in session.execute(query.where(lead.id.in_(wanted)))
    }


def _str(value: uuid.UUID | None) -> str | None:
    return None if value is None else str(value)


def _lead(known: dict[uuid.UUID, Data], lead_id: uuid.UUID | None) -> Data | None:
    """A deleted lead still has its id (outcomes and signals outlive it)."""
    if lead_id is None:
        return None
    return known.get(lead_id, {"id": str(lead_id), "external_ref": None, "company": None})


def on_outcomes(session: Session, outcomes: Sequence[Outcome], sign: int) -> None:
    """The batch outcome listener: +1 logged, -1 retracted (0, an amended detail, is not an
    event)."""
    if sign == 0 or not outcomes:
        return
    event_type = EventType.outcome_logged if sign > 0 else EventType.outcome_retracted
    endpoints = subscribers(session, event_type)
    if not endpoints:
        return
    reps = people(session, (o.rep_id for o in outcomes))
    known = leads(session, (o.lead_id for o in outcomes))
    datas = [
        {
            "outcome_id": str(o.id),
            "code": o.code,
            "details": list(o.details or []),
            "note": o.note or "",
            "occurred_at": iso(o.occurred_at),
            "received_at": iso(o.received_at),
            "retracted_at": iso(o.retracted_at),
            "lead": _lead(known, o.lead_id),
            "campaign_id": _str(o.campaign_id),
            "rep": reps.get(o.rep_id, {"id": str(o.rep_id), "email": None, "name": None}),
        }
        for o in outcomes
    ]
    emit_many(session, event_type, datas, endpoints)


def _signal_data(signal: Data, reps: dict[uuid.UUID, Data], known: dict[uuid.UUID, Data]) -> Data:
    rep_id = signal["rep_id"]
    return {
        "signal_id": str(signal["id"]),
        "kind": str(signal["kind"]),
        "text": signal["text"],
        "occurred_at": iso(signal["occurred_at"]),
        "lead": _lead(known, signal["lead_id"]),
        "campaign_id": _str(signal["campaign_id"]),
        "rep": reps.get(rep_id, {"id": str(rep_id), "email": None, "name": None}),
    }


def signals_sent(session: Session, rows: Sequence[Data]) -> None:
    """`rows`: the signal rows a sync push stored."""
    endpoints = subscribers(session, EventType.signal_sent) if rows else []
    if not endpoints:
        return
    reps = people(session, (r["rep_id"] for r in rows))
    known = leads(session, (r["lead_id"] for r in rows))
    datas = [_signal_data(r, reps, known) for r in rows]
    emit_many(session, EventType.signal_sent, datas, endpoints)


def signal_acknowledged(session: Session, signal: AcknowledgedSignal) -> None:
    endpoints = subscribers(session, EventType.signal_acknowledged)
    if not endpoints:
        return
    row = {
        "id": signal.id,
        "rep_id": signal.rep_id,
        "kind": signal.kind,
        "text": signal.text,
        "occurred_at": signal.occurred_at,
        "lead_id": signal.lead_id,
        "campaign_id": signal.campaign_id,
    }
    reps = people(session, [signal.rep_id, signal.acknowledged_by_id])
    data = _signal_data(row, reps, leads(session, [signal.lead_id]))
    by = signal.acknowledged_by_id
    data |= {
        "acknowledged_at": iso(signal.acknowledged_at),
        "acknowledged_by": reps.get(by) if by else None,
        "reply": signal.reply,
    }
    emit_many(session, EventType.signal_acknowledged, [data], endpoints)


def leads_assigned(session: Session, lead_ids: Sequence[uuid.UUID], rep_id: uuid.UUID) -> None:
    """Leads that now belong to `rep_id` (new, reassigned one by one or in bulk)."""
    leads_assigned_each(session, [(i, rep_id) for i in lead_ids])


def leads_assigned_each(session: Session, assigned: Sequence[tuple[uuid.UUID, uuid.UUID]]) -> None:
    """`(lead id, rep id)` pairs: each lead now belongs to that rep (a CSV import)."""
    endpoints = subscribers(session, EventType.lead_assigned) if assigned else []
    if not endpoints:
        return
    reps = people(session, (r for _, r in assigned))
    known = leads(session, (i for i, _ in assigned))
    datas = [{"lead": _lead(known, i), "rep": reps.get(r)} for i, r in assigned]
    emit_many(session, EventType.lead_assigned, datas, endpoints)


def share_opened(
    session: Session,
    *,
    share_id: uuid.UUID,
    lead_id: uuid.UUID,
    rep_id: uuid.UUID,
    collateral_ids: Sequence[str],
    opened_at: datetime,
    device: str,
) -> None:
    """A customer opened a shared link for the first time (no address or browser details: the
    share page stores none)."""
    endpoints = subscribers(session, EventType.share_opened)
    if not endpoints:
        return
    data = {
        "share_id": str(share_id),
        "collateral_ids": list(collateral_ids),
        "opened_at": iso(opened_at),
        "device": device,
        "lead": _lead(leads(session, [lead_id]), lead_id),
        "rep": people(session, [rep_id]).get(rep_id),
    }
    emit_many(session, EventType.share_opened, [data], endpoints)
