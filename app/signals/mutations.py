"""`signal.send` in the push: planned against the batch's state and written with it
(app/sync/push.py); the CRM hears of each signal stored."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import insert
from sqlmodel import Session

from app.core.bulk import execute_rows
from app.core.db import table_of
from app.signals.models import Signal
from app.signals.schemas import SignalSend
from app.webhooks import events as webhook_events


class LeadFacts(Protocol):
    @property
    def campaign_id(self) -> uuid.UUID | None: ...


class Quoting(Protocol):
    campaigns: set[uuid.UUID]  # the named campaigns that exist

    def campaign(self, campaign_id: uuid.UUID | None, lead: Any) -> bool: ...


@dataclass
class SignalWork:
    rows: list[dict[str, Any]] = field(default_factory=list)


def lead_ids(mutations: list[Any]) -> set[uuid.UUID]:
    return {m.lead_id for m in mutations if isinstance(m, SignalSend) and m.lead_id}


def campaign_ids(mutations: list[Any]) -> set[uuid.UUID]:
    return {m.campaign_id for m in mutations if isinstance(m, SignalSend) and m.campaign_id}


def plan_send(
    work: SignalWork,
    m: SignalSend,
    known_lead: Callable[[uuid.UUID], LeadFacts | None],
    quoting: Quoting,
    origin: dict[str, Any],
    flags: list[str],
) -> tuple[str, str] | None:
    """`known_lead`: a lead the rep holds or ever held, else None. A signal from a lead
    without a campaign gets the lead's; a campaign the rep could not see is dropped."""
    campaign_id = m.campaign_id
    lead = None
    if m.lead_id is not None:
        lead = known_lead(m.lead_id)
        if lead is None:
            return "unknown_lead", "lead_id: no such lead of yours"
        campaign_id = campaign_id or lead.campaign_id
    if m.campaign_id is not None and m.campaign_id not in quoting.campaigns:
        return "unknown_campaign", "campaign_id: no such campaign"
    if m.campaign_id is not None and not quoting.campaign(m.campaign_id, lead):
        flags.append("campaign_dropped")  # it exists, but the rep could not see it
        campaign_id = lead.campaign_id if lead else None
    now = origin["received_at"]
    work.rows.append(
        {
            "id": m.id,
            "rep_id": origin["rep_id"],
            "kind": m.kind,
            "lead_id": m.lead_id,
            "campaign_id": campaign_id,
            "text": m.text,
            "occurred_at": m.occurred_at or now,
            "created_at": now,
            "device_id": origin["device_id"],
            "status": "open",
            "reply": "",
        }
    )
    return None


_INSERT = insert(table_of(Signal))


def write(session: Session, work: SignalWork) -> None:
    execute_rows(session, _INSERT, work.rows)


def tell(session: Session, work: SignalWork) -> None:
    webhook_events.signals_sent(session, work.rows)
